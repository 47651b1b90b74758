package belfry

import (
	"context"
	"sync"
	"time"
)

// webhookTTL is how long a replica trusts a webhook it read: every post to
// a webhook URL needs its token's hash, its room and its name, and reading
// them from the store on each post cost a busy webhook a sixth of its
// rate. The post's own transaction checks again that the webhook is still
// in its room, so a webhook deleted or regenerated on another replica
// stops posting at once there too; a rename made on another replica shows
// in posts within webhookTTL.
const webhookTTL = 2 * time.Second

// webhookCacheMax bounds the cache: past it, it starts over.
const webhookCacheMax = 10_000

// webhookCache holds webhooks read for posts, by ID.
type webhookCache struct {
	mu      sync.Mutex
	entries map[string]cachedWebhook
}

type cachedWebhook struct {
	w     Webhook
	until time.Time
}

// webhook returns webhook id from the cache while it is fresh at now, else
// from the store.
func (s *Service) webhook(ctx context.Context, id string) (*Webhook, error) {
	now := s.now()
	c := &s.webhooks
	c.mu.Lock()
	e, ok := c.entries[id]
	c.mu.Unlock()
	if ok && now.Before(e.until) {
		w := e.w
		return &w, nil
	}
	w, err := s.Store.Webhook(ctx, id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	if c.entries == nil || len(c.entries) >= webhookCacheMax {
		c.entries = make(map[string]cachedWebhook)
	}
	c.entries[id] = cachedWebhook{w: *w, until: now.Add(webhookTTL)}
	c.mu.Unlock()
	return w, nil
}

// forgetWebhook drops webhook id from this replica's cache after a change.
func (s *Service) forgetWebhook(id string) {
	s.webhooks.mu.Lock()
	delete(s.webhooks.entries, id)
	s.webhooks.mu.Unlock()
}
