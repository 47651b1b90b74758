package belfry

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"time"
	"unicode/utf8"
)

// Bot limits (chime-behaviour.md §3.4).
const (
	MaxBotsPerAccount = 10
	MaxBotNameLength  = 55
)

// botSuffix ends every bot's display name as Chime shows it, so that
// people can tell a bot from a person in a room.
const botSuffix = " (Bot)"

// Bot is a chat bot of an Enterprise account. Its ID is also its user ID
// (chime-behaviour.md §3.4: UserId == BotId). Bots cannot be deleted; they
// are stopped with Disabled.
type Bot struct {
	Seq       int64
	ID        string
	AccountID string
	// DisplayName is the name as Chime shows it, " (Bot)" included.
	DisplayName   string
	Email         string
	SecurityToken string
	Disabled      bool
	Created       time.Time
	Updated       time.Time
}

// BotStore keeps bots.
type BotStore interface {
	// CreateBot stores b and sets its Seq, as PlanBot decides from how
	// many bots b's account has and whether a bot has b's e-mail, read in
	// the same transaction; PlanBot's errors are its own.
	CreateBot(ctx context.Context, b *Bot) error
	// Bot returns bot id of account accountID, or NotFound.
	Bot(ctx context.Context, accountID, id string) (*Bot, error)
	// ListBots returns a page of the account's bots, in creation order.
	ListBots(ctx context.Context, accountID string, p Page) ([]*Bot, error)
	// UpdateBot lets apply change bot id of account accountID, in one
	// transaction, and returns it as stored: NotFound when there is no
	// such bot, or apply's error.
	UpdateBot(ctx context.Context, accountID, id string, apply func(*Bot) error) (*Bot, error)
}

// PlanBot decides CreateBot for b, given how many bots its account has and
// whether a bot already has b's e-mail: an account holds at most
// MaxBotsPerAccount bots, and a bot's e-mail names one bot. Both stores
// call it inside the bot's transaction.
func PlanBot(b *Bot, bots int, emailTaken bool) error {
	switch {
	case bots >= MaxBotsPerAccount:
		return Errorf(LimitExceeded, "account %s has %d bots, the most it can have", b.AccountID, bots)
	case emailTaken:
		return Errorf(BadRequest, "a bot with e-mail %s exists already; choose another DisplayName", b.Email)
	}
	return nil
}

// BotName checks a bot's display name as CreateBot takes it and returns it
// trimmed: a readable name of at most MaxBotNameLength characters.
func BotName(name string) (string, error) {
	if err := CheckName("DisplayName", name); err != nil {
		return "", err
	}
	trimmed := strings.TrimSpace(name)
	switch {
	case trimmed == "":
		return "", Errorf(BadRequest, "DisplayName must not be blank; a bot needs a name people can read")
	case utf8.RuneCountInString(trimmed) > MaxBotNameLength:
		return "", Errorf(BadRequest, "DisplayName has %d characters; a bot's name has at most %d",
			utf8.RuneCountInString(trimmed), MaxBotNameLength)
	}
	return trimmed, nil
}

// BotDomain decides the domain of a bot of account a: the one asked for,
// which must be one the account has claimed, or, when domain is "", the
// account's first claimed domain (DECISIONS.md, bots).
func BotDomain(a *Account, domain string) (string, error) {
	if domain == "" {
		if len(a.Domains) == 0 {
			return "", Errorf(BadRequest, "account %s has no claimed domain for a bot's e-mail", a.ID)
		}
		return a.Domains[0], nil
	}
	d, err := NormalizeDomain(domain)
	if err == nil {
		for _, claimed := range a.Domains {
			if claimed == d {
				return d, nil
			}
		}
	}
	return "", Errorf(BadRequest, "Domain %s is not a domain of account %s", domain, a.ID)
}

// BotEmail is the e-mail of a bot named name in domain: the name in lower
// case with dashes for spaces, then "-chimebot@" and the domain
// (DECISIONS.md, bots).
func BotEmail(name, domain string) string {
	return strings.ReplaceAll(strings.ToLower(name), " ", "-") + "-chimebot@" + domain
}

// newSecurityToken returns 256 random bits, the key a bot's events are
// signed with.
func newSecurityToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// CreateBot makes a bot of an Enterprise account, enabled, with a fresh
// security token (chime-behaviour.md §3.4).
func (s *Service) CreateBot(ctx context.Context, accountID, displayName, domain string) (*Bot, error) {
	name, err := BotName(displayName)
	if err != nil {
		return nil, err
	}
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return nil, err
	}
	d, err := BotDomain(a, domain)
	if err != nil {
		return nil, err
	}
	now := s.now()
	b := &Bot{
		ID: s.newID(), AccountID: a.ID, DisplayName: name + botSuffix, Email: BotEmail(name, d),
		SecurityToken: newSecurityToken(), Created: now, Updated: now,
	}
	AuditNote(ctx, a.ID, "created bot "+b.DisplayName+" <"+b.Email+">", b.ID)
	if err := s.Store.CreateBot(ctx, b); err != nil {
		return nil, err
	}
	return b, nil
}

// GetBot returns a bot of an Enterprise account.
func (s *Service) GetBot(ctx context.Context, accountID, botID string) (*Bot, error) {
	if _, err := s.enterprise(ctx, accountID); err != nil {
		return nil, err
	}
	return s.Store.Bot(ctx, accountID, botID)
}

// ListBots returns a page of an Enterprise account's bots.
func (s *Service) ListBots(ctx context.Context, accountID string, p Page) ([]*Bot, error) {
	if _, err := s.enterprise(ctx, accountID); err != nil {
		return nil, err
	}
	return s.Store.ListBots(ctx, accountID, p)
}

// UpdateBot stops or starts a bot; disabled is nil when the call does not
// say, and the bot stays as it is but for its UpdatedTimestamp.
func (s *Service) UpdateBot(ctx context.Context, accountID, botID string, disabled *bool) (*Bot, error) {
	return s.changeBot(ctx, accountID, botID, "updated bot", func(b *Bot) string {
		if disabled != nil {
			b.Disabled = *disabled
		}
		if b.Disabled {
			return "disabled"
		}
		return "enabled"
	})
}

// RegenerateSecurityToken gives a bot a new security token; the old one
// signs nothing from then on.
func (s *Service) RegenerateSecurityToken(ctx context.Context, accountID, botID string) (*Bot, error) {
	token := newSecurityToken()
	return s.changeBot(ctx, accountID, botID, "regenerated the security token of bot", func(b *Bot) string {
		b.SecurityToken = token
		return "new token"
	})
}

// changeBot lets change alter a bot of an Enterprise account, bumps its
// UpdatedTimestamp and audits what changed, in the words change returns.
func (s *Service) changeBot(ctx context.Context, accountID, botID, what string, change func(*Bot) string) (*Bot, error) {
	a, err := s.enterprise(ctx, accountID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	AuditNote(ctx, a.ID, what+" "+botID, botID)
	return s.Store.UpdateBot(ctx, a.ID, botID, func(b *Bot) error {
		outcome := change(b)
		b.Updated = now
		AuditNote(ctx, "", what+" "+b.DisplayName+": "+outcome, b.ID)
		return nil
	})
}
