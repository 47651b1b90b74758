package belfry

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Phone numbers (chime-behaviour.md §3.6, DECISIONS.md "Phone numbers").
// Belfry buys no numbers from a carrier: the operator imports the numbers
// the organisation owns into a pool; an AWS account orders numbers from the
// pool's free ones, which become its inventory; deleted numbers wait in a
// deletion queue for DeletionQueueTime, then return to the pool.

// NumberType is whether a number is a local or a toll-free one.
type NumberType string

// The number types.
const (
	Local    NumberType = "Local"
	TollFree NumberType = "TollFree"
)

// ProductType is what a number is used for.
type ProductType string

// The product types.
const (
	BusinessCalling           ProductType = "BusinessCalling"
	VoiceConnector            ProductType = "VoiceConnector"
	SipMediaApplicationDialIn ProductType = "SipMediaApplicationDialIn"
)

// ProductTypes are the model's PhoneNumberProductType values.
var ProductTypes = []ProductType{BusinessCalling, VoiceConnector, SipMediaApplicationDialIn}

// CheckProductType holds p to the model's product types, for every caller
// of the service, not only those whose input the API's model checks.
func CheckProductType(p ProductType) error {
	if !slices.Contains(ProductTypes, p) {
		return Errorf(BadRequest, "%q is not a product type: it is BusinessCalling, VoiceConnector or SipMediaApplicationDialIn", string(p))
	}
	return nil
}

// NumberStatus is where a number stands.
type NumberStatus string

// The statuses Belfry reaches. Available is Belfry's own: a number of the
// pool that no AWS account holds, which no Chime operation shows. The
// model's AcquireInProgress, AcquireFailed, ReleaseInProgress,
// ReleaseFailed and DeleteFailed are never reached: acquiring is one
// transaction (the order shows what is in progress), and no carrier can
// fail a release.
const (
	NumberAvailable  NumberStatus = "Available"
	NumberUnassigned NumberStatus = "Unassigned"
	NumberAssigned   NumberStatus = "Assigned"
	// NumberDeleting is a number in the deletion queue.
	NumberDeleting NumberStatus = "DeleteInProgress"
)

// CallingNameStatus is where the number's outbound calling name stands.
type CallingNameStatus string

// The calling-name statuses Belfry reaches.
const (
	CallingNameUnassigned CallingNameStatus = "Unassigned"
	CallingNameUpdating   CallingNameStatus = "UpdateInProgress"
	CallingNameUpdated    CallingNameStatus = "UpdateSucceeded"
)

// DeletionQueueTime is how long a deleted number waits for
// RestorePhoneNumber before it returns to the pool.
const DeletionQueueTime = 7 * 24 * time.Hour

// DefaultOrderDelay is how long an order stays Processing, and a calling
// name UpdateInProgress, by default (BELFRY_ORDER_DELAY).
const DefaultOrderDelay = 2 * time.Second

// MaxPhoneNumberBatch is the most numbers one order, BatchUpdatePhoneNumber
// or BatchDeletePhoneNumber takes (DECISIONS.md: the model sets no maximum;
// 500 is what one page of SearchAvailablePhoneNumbers shows).
const MaxPhoneNumberBatch = 500

// PhoneNumber is a number of the pool and, while an AWS account holds it,
// of that account's inventory.
type PhoneNumber struct {
	Seq     int64
	E164    string
	Country string
	Type    NumberType
	City    string
	State   string
	// AreaCode is the three digits after +1 of a North American number,
	// a toll-free number's prefix included; "" for other numbers.
	AreaCode string
	// AwsAccountID is the AWS account that holds the number; "" while it
	// is in the pool.
	AwsAccountID      string
	ProductType       ProductType
	Status            NumberStatus
	CallingName       string
	CallingNameStatus CallingNameStatus
	// CallingNameDue is when a calling-name update in progress is done.
	CallingNameDue time.Time
	// AccountID and UserID are the Chime account and user the number is
	// associated with, when it is Assigned.
	AccountID  string
	UserID     string
	Associated time.Time
	Created    time.Time
	Updated    time.Time
	// Deleted is when the number entered the deletion queue.
	Deleted time.Time
}

// Settle returns n as it stands at now: a calling-name update whose time
// has come is done. Stores keep what was asked; readers settle.
func (n *PhoneNumber) Settle(now time.Time) *PhoneNumber {
	if n != nil && n.CallingNameStatus == CallingNameUpdating && !now.Before(n.CallingNameDue) {
		n.CallingNameStatus = CallingNameUpdated
	}
	return n
}

// ReturnToPool clears what an AWS account made of n.
func (n *PhoneNumber) ReturnToPool() {
	*n = PhoneNumber{Seq: n.Seq, E164: n.E164, Country: n.Country, Type: n.Type, City: n.City, State: n.State,
		AreaCode: n.AreaCode, Status: NumberAvailable}
}

// NumberSearch is what SearchAvailablePhoneNumbers looks for among the
// pool's free numbers; empty fields do not narrow.
type NumberSearch struct {
	Country  string
	Type     NumberType
	AreaCode string
	City     string
	State    string
}

// NumberFilter narrows ListPhoneNumbers; empty fields do not narrow.
type NumberFilter struct {
	Status      NumberStatus
	ProductType ProductType
	AccountID   string
	UserID      string
}

// NumberKind is a country and a type of number the pool has free.
type NumberKind struct {
	Country string
	Type    NumberType
}

// PhoneNumberStore keeps the pool, the inventories and the orders.
type PhoneNumberStore interface {
	// ImportPhoneNumbers adds the numbers that the pool lacks, all in one
	// transaction, leaving those it has as they are, and returns how
	// many it added.
	ImportPhoneNumbers(ctx context.Context, nums []*PhoneNumber) (int, error)
	// PoolNumbers returns a page of the pool, whoever holds the numbers,
	// in the order they were imported.
	PoolNumbers(ctx context.Context, p Page) ([]*PhoneNumber, error)
	// SearchPhoneNumbers returns a page of the pool's Available numbers
	// that f selects, in the order they were imported.
	SearchPhoneNumbers(ctx context.Context, f NumberSearch, p Page) ([]*PhoneNumber, error)
	// AvailableNumberKinds returns the countries and types of the pool's
	// Available numbers.
	AvailableNumberKinds(ctx context.Context) ([]NumberKind, error)
	// PhoneNumber returns number e164 of AWS account awsAccountID's
	// inventory, or NotFound.
	PhoneNumber(ctx context.Context, awsAccountID, e164 string) (*PhoneNumber, error)
	// ListPhoneNumbers returns a page of an AWS account's inventory that
	// f selects, in the order the numbers were imported.
	ListPhoneNumbers(ctx context.Context, awsAccountID string, f NumberFilter, p Page) ([]*PhoneNumber, error)
	// ChangePhoneNumbers lets apply change each number of e164s in AWS
	// account awsAccountID's inventory, with its index in e164s, in one
	// transaction, and writes those it changed without error. apply gets
	// nil for a number the inventory lacks. It returns apply's error for
	// each number, in order.
	ChangePhoneNumbers(ctx context.Context, awsAccountID string, e164s []string, apply func(i int, n *PhoneNumber) error) ([]error, error)
	// ChangeUserPhoneNumber lets apply change user userID of account
	// accountID, the number the user holds (nil if none) and number e164
	// of AWS account awsAccountID's inventory (nil when e164 is "" or the
	// inventory lacks it), in one transaction, then writes the user and
	// both numbers. NotFound if there is no such user.
	ChangeUserPhoneNumber(ctx context.Context, awsAccountID, accountID, userID, e164 string,
		apply func(u *User, held, n *PhoneNumber) error) (*User, error)
	// ReturnDeletedPhoneNumbers returns to the pool up to n numbers that
	// entered the deletion queue at or before cutoff, and returns them.
	ReturnDeletedPhoneNumbers(ctx context.Context, cutoff time.Time, n int) ([]*PhoneNumber, error)
	PhoneNumberOrderStore
}

// ErrPhoneNumberAssociated is in the chain of the error that refuses to
// delete a number still associated, which batch answers carry as
// PhoneNumberAssociationsExist.
var ErrPhoneNumberAssociated = errors.New("phone number associations exist")

var e164Pattern = regexp.MustCompile(`^\+[1-9][0-9]{1,14}$`)

// PhoneNumberID reads a phone number ID as the wire gives it: the E.164
// number, its '+' written as is, as %2B (aws-cli's examples pass both;
// chime-behaviour.md §2) or left out. An ID that is no number names nothing,
// so it is NotFound.
func PhoneNumberID(id string) (string, error) {
	e := id
	if len(e) >= 3 && strings.EqualFold(e[:3], "%2B") {
		e = "+" + e[3:]
	} else if !strings.HasPrefix(e, "+") {
		e = "+" + e
	}
	if !e164Pattern.MatchString(e) {
		return "", Errorf(NotFound, "phone number %q does not exist", id)
	}
	return e, nil
}

// WirePhoneNumberID is number e164's ID as Chime answers it: the number
// with its '+' URL-encoded (chime-behaviour.md §2).
func WirePhoneNumberID(e164 string) string { return "%2B" + strings.TrimPrefix(e164, "+") }

// E164 reads a number as the body of a request gives it, with or without
// its '+'.
func E164(s string) (string, error) {
	e := s
	if !strings.HasPrefix(e, "+") {
		e = "+" + e
	}
	if !e164Pattern.MatchString(e) {
		return "", Errorf(BadRequest, "%q is not an E.164 phone number", s)
	}
	return e, nil
}

// FitsProduct says why number n cannot have product type p, or nil:
// toll-free numbers cannot be BusinessCalling, and numbers outside the US
// must be SipMediaApplicationDialIn (chime-behaviour.md §3.6).
func FitsProduct(n *PhoneNumber, p ProductType) error {
	switch {
	case n.Country != "US" && p != SipMediaApplicationDialIn:
		return Errorf(BadRequest, "%s is a number of %s; numbers outside the US must be SipMediaApplicationDialIn", n.E164, n.Country)
	case n.Type == TollFree && p == BusinessCalling:
		return Errorf(BadRequest, "%s is toll-free; toll-free numbers cannot be BusinessCalling", n.E164)
	}
	return nil
}

// NumberKindFits reports whether numbers of kind k can have product type
// p, for ListSupportedPhoneNumberCountries.
func NumberKindFits(k NumberKind, p ProductType) bool {
	return FitsProduct(&PhoneNumber{Country: k.Country, Type: k.Type}, p) == nil
}
