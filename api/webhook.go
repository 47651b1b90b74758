package api

import (
	"github.com/belfryhq/belfry"
)

// The operator's webhook routes (DECISIONS.md, "Incoming webhooks"): Chime
// let only a room's administrators manage webhooks, in its app; Belfry's
// operators script them through these, under /_belfry/webhooks.

type wireWebhook struct {
	WebhookID string    `json:"WebhookId"`
	AccountID string    `json:"AccountId"`
	RoomID    string    `json:"RoomId"`
	Name      string    `json:"Name"`
	Created   timestamp `json:"CreatedTimestamp"`
	// URL is given only when the webhook is made or regenerated: only
	// the token's hash is kept.
	URL string `json:"Url,omitempty"`
}

func toWireWebhook(w *belfry.Webhook, url string) wireWebhook {
	return wireWebhook{WebhookID: w.ID, AccountID: w.AccountID, RoomID: w.RoomID, Name: w.Name,
		Created: timestamp(w.Created), URL: url}
}

// createWebhook answers POST /_belfry/webhooks.
func (s *Server) createWebhook(c *call) (any, error) {
	var in struct {
		AccountID string `json:"AccountId"`
		RoomID    string `json:"RoomId"`
		Name      string
	}
	if err := decodeStrict(c, &in); err != nil {
		return nil, err
	}
	w, url, err := s.svc.CreateWebhook(c.r.Context(), in.AccountID, in.RoomID, in.Name)
	if err != nil {
		return nil, err
	}
	return struct{ Webhook wireWebhook }{toWireWebhook(w, url)}, nil
}

// listWebhooks answers GET /_belfry/webhooks?account-id=&room-id=: a room
// has at most ten, so one page holds them all.
func (s *Server) listWebhooks(c *call) (any, error) {
	ws, err := s.svc.ListWebhooks(c.r.Context(), c.query.Get("account-id"), c.query.Get("room-id"))
	if err != nil {
		return nil, err
	}
	out := struct{ Webhooks []wireWebhook }{make([]wireWebhook, len(ws))}
	for i, w := range ws {
		out.Webhooks[i] = toWireWebhook(w, "")
	}
	return out, nil
}

// regenerateWebhook answers POST /_belfry/webhooks/ID/regenerate.
func (s *Server) regenerateWebhook(c *call, id string) (any, error) {
	var in struct {
		AccountID string `json:"AccountId"`
	}
	if err := decodeStrict(c, &in); err != nil {
		return nil, err
	}
	w, url, err := s.svc.RegenerateWebhook(c.r.Context(), in.AccountID, id)
	if err != nil {
		return nil, err
	}
	return struct{ Webhook wireWebhook }{toWireWebhook(w, url)}, nil
}

// deleteWebhook answers DELETE /_belfry/webhooks/ID?account-id=.
func (s *Server) deleteWebhook(c *call, id string) error {
	return s.svc.DeleteWebhook(c.r.Context(), c.query.Get("account-id"), id)
}
