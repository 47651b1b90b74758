package belfry

import "context"

// ResetStore empties a store for the developers' test API
// (BELFRY_TEST_API), so that each test of a Chime script starts from
// nothing without restarting Belfry.
type ResetStore interface {
	// ResetChime deletes, in one transaction, every Chime resource:
	// accounts and all they hold (users, invitations, rooms, memberships,
	// bots, webhooks, settings, messages, conversations, sign-ins), the
	// job queue and the audit log, whose only record is then the reset's
	// own. It keeps the access keys and the server's own secrets.
	ResetChime(ctx context.Context) error
}

// ResetChime deletes every Chime resource and keeps the access keys.
func (s *Service) ResetChime(ctx context.Context) error {
	AuditNote(ctx, "", "reset: every Chime resource deleted through the test API")
	if err := s.Store.ResetChime(ctx); err != nil {
		return err
	}
	s.webhooks.mu.Lock()
	s.webhooks.entries = nil
	s.webhooks.mu.Unlock()
	return nil
}
