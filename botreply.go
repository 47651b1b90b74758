package belfry

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// A bot answers in a room by posting {"Content": "..."} to the
// InboundHttpsEndpoint URL of an event (chime-behaviour.md §3.4):
//
//	PUBLIC_URL/incomingwebhooks/bots/ACCOUNT/BOT/ROOM?token=TOKEN
//
// TOKEN is "p" and an HMAC for an Invite's Persistent URL, or "s", the
// expiry in Unix seconds, "-" and an HMAC for a Mention's ShortLived one.
// The HMAC, keyed with a server key of its own purpose, covers the
// account, bot, room, kind and expiry, so the URL is checked without
// being stored anywhere: the store holds nothing that posts as a bot.

// BotReplyPrefix starts the path of a bot's reply URL, under the incoming
// webhooks' prefix, as Chime's were; no webhook ID has a "/".
const BotReplyPrefix = "/incomingwebhooks/bots/"

// botReplyKeyPurpose names the server key that signs reply URLs.
const botReplyKeyPurpose = "bot-reply"

// botReplyMAC is the hex HMAC of a reply URL's parts.
func (s *Service) botReplyMAC(ctx context.Context, accountID, botID, roomID string, expires int64) (string, error) {
	key, err := s.ServerKey(ctx, botReplyKeyPurpose, 32)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(accountID + "\x00" + botID + "\x00" + roomID + "\x00" + strconv.FormatInt(expires, 10)))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// BotReplyURL returns the InboundHttpsEndpoint URL that ev carries: the
// bot's Persistent URL for the room, or, for a Mention, one that expires
// with ev.URLExpires.
func (s *Service) BotReplyURL(ctx context.Context, ev *BotEvent) (string, error) {
	var expires int64
	if !ev.URLExpires.IsZero() {
		expires = ev.URLExpires.Unix()
	}
	mac, err := s.botReplyMAC(ctx, ev.AccountID, ev.BotID, ev.RoomID, expires)
	if err != nil {
		return "", err
	}
	token := "p" + mac
	if expires != 0 {
		token = "s" + strconv.FormatInt(expires, 10) + "-" + mac
	}
	return strings.TrimSuffix(s.Invitations.PublicURL, "/") + BotReplyPrefix + url.PathEscape(ev.AccountID) + "/" +
		url.PathEscape(ev.BotID) + "/" + url.PathEscape(ev.RoomID) + "?token=" + token, nil
}

// botReplyGone answers a reply URL that names nothing or whose token is
// not right, alike, so that a guess learns nothing.
func botReplyGone() error {
	return Errorf(Forbidden, "this bot URL is not valid: use the whole InboundHttpsEndpoint URL of an event")
}

// checkBotReplyToken checks token for the URL of bot botID in room roomID
// of account accountID at now: Forbidden when it is not the URL's, or
// when a ShortLived URL has expired.
func (s *Service) checkBotReplyToken(ctx context.Context, accountID, botID, roomID, token string, now time.Time) error {
	var expires int64
	var mac string
	switch {
	case len(token) > 200:
		return botReplyGone()
	case strings.HasPrefix(token, "p"):
		mac = token[1:]
	case strings.HasPrefix(token, "s"):
		at, m, ok := strings.Cut(token[1:], "-")
		n, err := strconv.ParseInt(at, 10, 64)
		if !ok || err != nil || n <= 0 {
			return botReplyGone()
		}
		expires, mac = n, m
	default:
		return botReplyGone()
	}
	want, err := s.botReplyMAC(ctx, accountID, botID, roomID, expires)
	if err != nil {
		return err
	}
	if !hmac.Equal([]byte(mac), []byte(want)) {
		return botReplyGone()
	}
	if expires != 0 && !now.Before(time.Unix(expires, 0)) {
		return Errorf(Forbidden, "this ShortLived URL expired at %s; a Mention's URL works for %s after the event",
			time.Unix(expires, 0).UTC().Format(time.RFC3339), MentionURLLifetime)
	}
	return nil
}

// PostBotReply posts content in room roomID as bot botID, when token is
// the one of an event's InboundHttpsEndpoint URL for that bot and room:
// Forbidden for a wrong or expired token, a disabled bot, or a bot no
// longer in the room; LimitExceeded for content longer than
// MaxMessageLength; BadRequest for other bad content. The message is
// published to open pages like any other, and mentions in it reach the
// bots it names.
func (s *Service) PostBotReply(ctx context.Context, accountID, botID, roomID, token, content string) (*Message, error) {
	now := s.now()
	for _, part := range []string{accountID, botID, roomID} {
		if !ValidWebhookPart(part) {
			return nil, botReplyGone()
		}
	}
	if err := s.checkBotReplyToken(ctx, accountID, botID, roomID, token, now); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(content); n > MaxMessageLength {
		return nil, Errorf(LimitExceeded, "Content has %d characters; a message has at most %d: split it into several posts",
			n, MaxMessageLength)
	}
	if err := CheckContent(content); err != nil {
		return nil, err
	}
	b, err := s.Store.Bot(ctx, accountID, botID)
	if ErrorKind(err) == NotFound {
		return nil, botReplyGone()
	}
	if err != nil {
		return nil, err
	}
	if b.Disabled {
		return nil, Errorf(Forbidden, "bot %s is disabled; a disabled bot cannot post", b.DisplayName)
	}
	m := &Message{
		ID: s.newID(), AccountID: accountID, RoomID: roomID,
		Sender:  Sender{ID: b.ID, Type: MemberBot, Name: b.DisplayName, Email: b.Email},
		Content: content, Created: now,
	}
	err = s.postMessage(ctx, m)
	if k := ErrorKind(err); k == NotFound || k == Forbidden {
		return nil, Errorf(Forbidden, "bot %s is no longer a member of room %s; its URL for the room no longer posts", b.DisplayName, roomID)
	}
	return m, err
}
