package botevent

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"

	"github.com/belfryhq/belfry"
)

// verificationEvent is the challenge Chime posted to a new endpoint.
type verificationEvent struct {
	Challenge string `json:"Challenge"`
	EventType string `json:"EventType"`
}

// newChallenge returns 20 random characters, the length of Chime's.
func newChallenge() string {
	b := make([]byte, 15)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Verify posts the HTTPSEndpointVerification challenge to endpoint, signed
// with b's security token, and answers BadRequest, quoting what came back,
// unless the endpoint answers 200 with {"Challenge": the same}.
func (c *Client) Verify(ctx context.Context, endpoint string, b *belfry.Bot) error {
	challenge := newChallenge()
	body, _ := json.Marshal(verificationEvent{Challenge: challenge, EventType: "HTTPSEndpointVerification"})
	status, answer, err := c.Post(ctx, endpoint, b.SecurityToken, body)
	if err != nil {
		return err
	}
	var echo verificationEvent
	if status == 200 && json.Unmarshal(answer, &echo) == nil && echo.Challenge == challenge {
		return nil
	}
	return belfry.Errorf(belfry.BadRequest,
		"OutboundEventsHTTPSEndpoint %s did not answer the HTTPSEndpointVerification challenge: it answered status %d with %q; want 200 with {\"Challenge\":%q}",
		endpoint, status, quoteable(answer), challenge)
}

// quoteable shortens an answer to what an error message can carry.
func quoteable(answer []byte) string {
	answer = bytes.TrimSpace(answer)
	if len(answer) > 200 {
		return string(answer[:200]) + "…"
	}
	return string(answer)
}
