// Package botevent sends events to bots as Amazon Chime did, signed with
// the bot's security token. An outbound HTTPS endpoint gets them from a
// client that refuses link-local addresses and trusts the operator's CA
// file; PutEventsConfiguration's verification challenge goes through it
// too. A Lambda function, when the operator enables Lambda delivery
// (BELFRY_LAMBDA_DELIVERY), is invoked synchronously through aws-sdk-go-v2
// (Lambda) with the event as its payload and the signature and timestamp
// in its ClientContext. The Deliverer delivers queued events to either,
// retrying on Chime's schedule and logging every attempt.
package botevent

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"time"
)

// Headers that carry an event's signature and the moment it was signed
// (chime-behaviour.md §3.4).
const (
	SignatureHeader = "Chime-Signature"
	TimestampHeader = "Chime-Request-Timestamp"
)

// timestampLayout is ISO 8601 in UTC with milliseconds, as Chime stamped
// its events.
const timestampLayout = "2006-01-02T15:04:05.000Z"

// Sign returns the Chime-Signature of body sent at timestamp: the base64
// HMAC-SHA256, keyed with the bot's security token, of the timestamp, a
// "|" and the body, so that a bot can tell its events from forgeries and
// a replayed body from a fresh one.
func Sign(token, timestamp string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte(timestamp))
	mac.Write([]byte("|"))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// Check reports whether the request headers h sign body with token, the
// check a bot makes on each event it receives.
func Check(token string, h http.Header, body []byte) bool {
	want := Sign(token, h.Get(TimestampHeader), body)
	return hmac.Equal([]byte(want), []byte(h.Get(SignatureHeader)))
}

// stamp returns the header values for body signed with token at now.
func stamp(token string, now time.Time, body []byte) (timestamp, signature string) {
	timestamp = now.UTC().Format(timestampLayout)
	return timestamp, Sign(token, timestamp, body)
}
