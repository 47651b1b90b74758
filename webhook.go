package belfry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxWebhooksPerRoom is how many incoming webhooks one room may have
// (chime-behaviour.md §3.7).
const MaxWebhooksPerRoom = 10

// MaxWebhookNameLength is how many characters a webhook's name may have.
const MaxWebhookNameLength = 100

// Webhook is an incoming webhook: a URL that posts into one room, as
// "NAME (Webhook)", whoever holds it. Its token is kept only as its SHA-256,
// so the URL is shown once, when it is made or regenerated.
type Webhook struct {
	Seq       int64
	ID        string
	AccountID string
	RoomID    string
	Name      string
	TokenHash []byte
	Created   time.Time
}

// WebhookStore keeps incoming webhooks.
type WebhookStore interface {
	// CreateWebhook stores w, as PlanWebhook decides from what the store
	// reads in the same transaction (WebhookFacts): NotFound when w's
	// account has no such room, LimitExceeded when the room has its
	// MaxWebhooksPerRoom already.
	CreateWebhook(ctx context.Context, w *Webhook) error
	// Webhook returns webhook id of any account, for a post to its URL:
	// NotFound when there is none, or its account is not live.
	Webhook(ctx context.Context, id string) (*Webhook, error)
	// ListWebhooks returns the webhooks of room roomID of account
	// accountID, oldest first; none when there is no such room.
	ListWebhooks(ctx context.Context, accountID, roomID string) ([]*Webhook, error)
	// UpdateWebhook calls apply on webhook id of account accountID and
	// stores what it leaves, its ID included: NotFound when there is no
	// such webhook, or apply's error.
	UpdateWebhook(ctx context.Context, accountID, id string, apply func(*Webhook) error) (*Webhook, error)
	// DeleteWebhook deletes webhook id of account accountID: NotFound when
	// there is no such webhook.
	DeleteWebhook(ctx context.Context, accountID, id string) error
}

// WebhookFacts are what the store reads, in the transaction that creates a
// webhook, for PlanWebhook to decide on.
type WebhookFacts struct {
	// RoomFound says whether the webhook's room is one of its account's.
	RoomFound bool
	// Webhooks is how many webhooks the room has already.
	Webhooks int
}

// PlanWebhook decides whether w may be made: in a room of its account that
// has fewer than MaxWebhooksPerRoom webhooks.
func PlanWebhook(w *Webhook, f WebhookFacts) error {
	switch {
	case !f.RoomFound:
		return Errorf(NotFound, "room %s not found in account %s", w.RoomID, w.AccountID)
	case f.Webhooks >= MaxWebhooksPerRoom:
		return Errorf(LimitExceeded, "room %s has %d webhooks, the most a room may have; delete one first",
			w.RoomID, f.Webhooks)
	}
	return nil
}

// WebhookName checks a webhook's name and returns it trimmed.
func WebhookName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if err := CheckName("Name", name); err != nil {
		return "", err
	}
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		return "", Errorf(BadRequest, "a webhook needs a Name")
	case n > MaxWebhookNameLength:
		return "", Errorf(BadRequest, "Name has %d characters; a webhook's name has at most %d", n, MaxWebhookNameLength)
	}
	return name, nil
}

// WebhookTokenHash is how a webhook's token is stored and compared.
func WebhookTokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// ValidWebhookPart says whether s has the shape of a webhook's ID or token:
// letters, digits and dashes only, the shape AWS Chatbot and Airflow's
// hook validate. Anything else names no webhook.
func ValidWebhookPart(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// newWebhookToken returns 256 random bits in hex: letters and digits.
func newWebhookToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// WebhookURL is the URL that posts as webhook id with token.
func (s *Service) WebhookURL(id, token string) string {
	return strings.TrimSuffix(s.Invitations.PublicURL, "/") + "/incomingwebhooks/" + url.PathEscape(id) +
		"?token=" + url.QueryEscape(token)
}

// CreateWebhook makes a webhook in a room of an Enterprise account and
// returns it with its URL, which is never shown again.
func (s *Service) CreateWebhook(ctx context.Context, accountID, roomID, name string) (*Webhook, string, error) {
	name, err := WebhookName(name)
	if err != nil {
		return nil, "", err
	}
	a, err := s.webhookAccount(ctx, accountID)
	if err != nil {
		return nil, "", err
	}
	token := newWebhookToken()
	w := &Webhook{ID: s.newID(), AccountID: a.ID, RoomID: roomID, Name: name,
		TokenHash: WebhookTokenHash(token), Created: s.now()}
	AuditNote(ctx, a.ID, "created webhook "+name+" in room "+roomID, w.ID, roomID)
	if err := s.Store.CreateWebhook(ctx, w); err != nil {
		return nil, "", err
	}
	return w, s.WebhookURL(w.ID, token), nil
}

// ListWebhooks returns the webhooks of a room of an Enterprise account.
func (s *Service) ListWebhooks(ctx context.Context, accountID, roomID string) ([]*Webhook, error) {
	a, err := s.webhookAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	r, err := s.Store.Room(ctx, a.ID, roomID)
	if err != nil {
		return nil, err
	}
	return s.Store.ListWebhooks(ctx, r.AccountID, r.ID)
}

// webhookAccount returns live Enterprise account id. Webhooks are managed
// by a room's administrators in the web app and by operators, neither of
// whom calls as the account's AWS account, so the account is found by its
// ID alone; whoever calls has checked their right to it.
func (s *Service) webhookAccount(ctx context.Context, id string) (*Account, error) {
	a, err := s.Store.Account(ctx, "", id)
	if err != nil {
		return nil, err
	}
	if !a.Type.IsEnterprise() {
		return nil, Errorf(Forbidden, "account %s is a Team account; rooms and their webhooks need an Enterprise account", a.ID)
	}
	return a, nil
}

// RenameWebhook gives a webhook a new name; its URL stays.
func (s *Service) RenameWebhook(ctx context.Context, accountID, id, name string) (*Webhook, error) {
	name, err := WebhookName(name)
	if err != nil {
		return nil, err
	}
	a, err := s.webhookAccount(ctx, accountID)
	if err != nil {
		return nil, err
	}
	AuditNote(ctx, a.ID, "renamed webhook "+id+" to "+name, id)
	defer s.forgetWebhook(id)
	return s.Store.UpdateWebhook(ctx, a.ID, id, func(w *Webhook) error {
		w.Name = name
		return nil
	})
}

// RegenerateWebhook gives a webhook a new ID and token, and so a new URL,
// returned once: the old URL answers 404 from then on, as Chime's did.
func (s *Service) RegenerateWebhook(ctx context.Context, accountID, id string) (*Webhook, string, error) {
	a, err := s.webhookAccount(ctx, accountID)
	if err != nil {
		return nil, "", err
	}
	token, newID := newWebhookToken(), s.newID()
	AuditNote(ctx, a.ID, "regenerated the URL of webhook "+id+"; its ID is now "+newID, id, newID)
	defer s.forgetWebhook(id)
	w, err := s.Store.UpdateWebhook(ctx, a.ID, id, func(w *Webhook) error {
		w.ID, w.TokenHash = newID, WebhookTokenHash(token)
		return nil
	})
	if err != nil {
		return nil, "", err
	}
	return w, s.WebhookURL(w.ID, token), nil
}

// DeleteWebhook deletes a webhook; its URL answers 404 from then on. Its
// posts stay in the room.
func (s *Service) DeleteWebhook(ctx context.Context, accountID, id string) error {
	a, err := s.webhookAccount(ctx, accountID)
	if err != nil {
		return err
	}
	AuditNote(ctx, a.ID, "deleted webhook "+id, id)
	defer s.forgetWebhook(id)
	return s.Store.DeleteWebhook(ctx, a.ID, id)
}

// webhookGone is the answer for a URL that names no webhook.
func webhookGone() error {
	return Errorf(NotFound, "no webhook has this URL: it was deleted or its URL regenerated; ask the room's administrator for the current URL")
}

// authenticWebhook returns webhook id when token is its token: NotFound
// when there is no such webhook, Forbidden when the token is wrong. The
// hashes are compared in constant time.
func (s *Service) authenticWebhook(ctx context.Context, id, token string) (*Webhook, error) {
	if !ValidWebhookPart(id) {
		return nil, webhookGone()
	}
	w, err := s.webhook(ctx, id)
	if ErrorKind(err) == NotFound {
		return nil, webhookGone()
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(WebhookTokenHash(token), w.TokenHash) != 1 || !ValidWebhookPart(token) {
		return nil, Errorf(Forbidden, "the token in this webhook URL is not valid; use the whole URL the room's administrator was given")
	}
	return w, nil
}
