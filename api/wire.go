package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
)

// timestamp is a time on the wire: an ISO 8601 string in UTC with
// milliseconds and a Z, the form of every real sample; epoch numbers break
// aws-sdk-go-v2 (chime-behaviour.md §1.5).
type timestamp time.Time

const timestampLayout = "2006-01-02T15:04:05.000Z"

func (t timestamp) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, len(timestampLayout)+2)
	b = append(b, '"')
	b = time.Time(t).UTC().AppendFormat(b, timestampLayout)
	return append(b, '"'), nil
}

// IsZero lets omitzero leave unset times out: absent members are omitted,
// never null (chime-behaviour.md §1.4).
func (t timestamp) IsZero() bool { return time.Time(t).IsZero() }

var jsonBufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON writes status and v as the JSON body, whole and with its
// Content-Length, so that the client reads a plain body rather than chunks.
func writeJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBufs.Get().(*bytes.Buffer)
	defer func() {
		if buf.Cap() <= 1<<20 {
			buf.Reset()
			jsonBufs.Put(buf)
		}
	}()
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		// Only a value the program built wrongly fails to encode.
		panic(fmt.Sprintf("api: encoding %T: %v", v, err))
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

type wireAccount struct {
	AwsAccountID         string               `json:"AwsAccountId"`
	AccountID            string               `json:"AccountId"`
	Name                 string               `json:"Name"`
	AccountType          string               `json:"AccountType,omitempty"`
	CreatedTimestamp     timestamp            `json:"CreatedTimestamp,omitzero"`
	DefaultLicense       string               `json:"DefaultLicense,omitempty"`
	SupportedLicenses    []belfry.License     `json:"SupportedLicenses,omitempty"`
	AccountStatus        string               `json:"AccountStatus,omitempty"`
	SigninDelegateGroups []wireSigninDelegate `json:"SigninDelegateGroups,omitempty"`
}

type wireSigninDelegate struct {
	GroupName string `json:"GroupName,omitempty"`
}

func toWireAccount(a *belfry.Account) *wireAccount {
	w := &wireAccount{
		AwsAccountID:      a.AwsAccountID,
		AccountID:         a.ID,
		Name:              a.Name,
		AccountType:       string(a.Type),
		CreatedTimestamp:  timestamp(a.Created),
		DefaultLicense:    string(a.DefaultLicense),
		SupportedLicenses: a.SupportedLicenses,
		AccountStatus:     string(a.Status),
	}
	for _, g := range a.SigninDelegates {
		w.SigninDelegateGroups = append(w.SigninDelegateGroups, wireSigninDelegate{GroupName: g})
	}
	return w
}

type wireUser struct {
	UserID                   string    `json:"UserId"`
	AccountID                string    `json:"AccountId,omitempty"`
	PrimaryEmail             string    `json:"PrimaryEmail,omitempty"`
	PrimaryProvisionedNumber string    `json:"PrimaryProvisionedNumber,omitempty"`
	DisplayName              string    `json:"DisplayName,omitempty"`
	LicenseType              string    `json:"LicenseType,omitempty"`
	UserType                 string    `json:"UserType,omitempty"`
	UserRegistrationStatus   string    `json:"UserRegistrationStatus,omitempty"`
	UserInvitationStatus     string    `json:"UserInvitationStatus,omitempty"`
	RegisteredOn             timestamp `json:"RegisteredOn,omitzero"`
	InvitedOn                timestamp `json:"InvitedOn,omitzero"`
	AlexaForBusinessMetadata wireAlexa `json:"AlexaForBusinessMetadata"`
	PersonalPIN              string    `json:"PersonalPIN,omitempty"`
}

type wireAlexa struct {
	IsAlexaForBusinessEnabled bool   `json:"IsAlexaForBusinessEnabled"`
	AlexaForBusinessRoomArn   string `json:"AlexaForBusinessRoomArn,omitempty"`
}

// secrets says whether a rendering carries what only its owner may read:
// a user's PersonalPIN, an access key's secret. It is a type of its own,
// rather than a bool, so that every call says which it is.
type secrets uint8

const (
	withoutSecrets secrets = iota
	withSecrets
)

// toWireUser renders a user. Listings leave out the PersonalPIN, which only
// GetUser shows (DECISIONS.md, users and invitations).
func toWireUser(u *belfry.User, s secrets) *wireUser {
	w := &wireUser{
		UserID:                   u.ID,
		AccountID:                u.AccountID,
		PrimaryEmail:             u.Email,
		PrimaryProvisionedNumber: u.PhoneNumber,
		DisplayName:              u.DisplayName,
		LicenseType:              string(u.License),
		UserType:                 string(u.Type),
		UserRegistrationStatus:   string(u.Registration),
		UserInvitationStatus:     string(u.Invitation),
		RegisteredOn:             timestamp(u.RegisteredOn),
		InvitedOn:                timestamp(u.InvitedOn),
		AlexaForBusinessMetadata: wireAlexa{
			IsAlexaForBusinessEnabled: u.AlexaForBusiness.Enabled, AlexaForBusinessRoomArn: u.AlexaForBusiness.RoomARN,
		},
	}
	if s == withSecrets {
		w.PersonalPIN = u.PersonalPIN
	}
	return w
}

type wireInvite struct {
	InviteID     string `json:"InviteId,omitempty"`
	Status       string `json:"Status,omitempty"`
	EmailAddress string `json:"EmailAddress,omitempty"`
	EmailStatus  string `json:"EmailStatus,omitempty"`
}

func toWireInvite(i *belfry.Invite) wireInvite {
	return wireInvite{InviteID: i.ID, Status: string(i.Status), EmailAddress: i.Email, EmailStatus: string(i.EmailStatus)}
}

type wireRoom struct {
	RoomID           string    `json:"RoomId,omitempty"`
	Name             string    `json:"Name"`
	AccountID        string    `json:"AccountId,omitempty"`
	CreatedBy        string    `json:"CreatedBy,omitempty"`
	CreatedTimestamp timestamp `json:"CreatedTimestamp,omitzero"`
	UpdatedTimestamp timestamp `json:"UpdatedTimestamp,omitzero"`
}

func toWireRoom(r *belfry.Room) *wireRoom {
	return &wireRoom{
		RoomID: r.ID, Name: r.Name, AccountID: r.AccountID, CreatedBy: r.CreatedBy,
		CreatedTimestamp: timestamp(r.Created), UpdatedTimestamp: timestamp(r.Updated),
	}
}

type wireMember struct {
	MemberID   string `json:"MemberId,omitempty"`
	MemberType string `json:"MemberType,omitempty"`
	Email      string `json:"Email,omitempty"`
	FullName   string `json:"FullName,omitempty"`
	AccountID  string `json:"AccountId,omitempty"`
}

type wireMembership struct {
	RoomID           string     `json:"RoomId,omitempty"`
	Member           wireMember `json:"Member"`
	Role             string     `json:"Role,omitempty"`
	InvitedBy        string     `json:"InvitedBy,omitempty"`
	UpdatedTimestamp timestamp  `json:"UpdatedTimestamp,omitzero"`
}

func toWireMembership(m *belfry.Membership) *wireMembership {
	return &wireMembership{
		RoomID: m.RoomID,
		Member: wireMember{
			MemberID: m.Member.ID, MemberType: string(m.Member.Type), Email: m.Member.Email,
			FullName: m.Member.FullName, AccountID: m.Member.AccountID,
		},
		Role: string(m.Role), InvitedBy: m.InvitedBy, UpdatedTimestamp: timestamp(m.Updated),
	}
}
