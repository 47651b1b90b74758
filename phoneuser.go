package belfry

import (
	"context"
	"time"
)

// PlanAssociation associates number n with user u at now, or says why it
// cannot: the number must be the caller's, BusinessCalling, and neither in
// the deletion queue nor another user's; a user keeps one number, so one
// who has another must be disassociated from it first (DECISIONS.md: the
// model gives AssociatePhoneNumberWithUser no Conflict, so BadRequest).
// Associating a user with the number they hold changes nothing.
func PlanAssociation(u *User, held, n *PhoneNumber, e164 string, now time.Time) error {
	switch {
	case n == nil:
		return Errorf(NotFound, "phone number %s does not exist", e164)
	case held != nil && held.E164 == n.E164:
		return nil
	case u.PhoneNumber != "":
		return Errorf(BadRequest, "user %s has phone number %s; a user has one number, so disassociate it first", u.ID, u.PhoneNumber)
	case n.Status == NumberDeleting:
		return Errorf(BadRequest, "phone number %s is in the deletion queue; restore it first", n.E164)
	case n.Status == NumberAssigned:
		return Errorf(BadRequest, "phone number %s is associated with another user", n.E164)
	case n.ProductType != BusinessCalling:
		return Errorf(BadRequest, "phone number %s is %s; only BusinessCalling numbers are for users", n.E164, n.ProductType)
	}
	n.Status, n.AccountID, n.UserID, n.Associated, n.Updated = NumberAssigned, u.AccountID, u.ID, now, now
	u.PhoneNumber = n.E164
	return nil
}

// PlanDisassociation takes from user u the number held, which it may not
// have; a user without a number stays as they are.
func PlanDisassociation(u *User, held *PhoneNumber, now time.Time) {
	u.PhoneNumber = ""
	if held == nil {
		return
	}
	held.Status, held.AccountID, held.UserID, held.Associated, held.Updated = NumberUnassigned, "", "", time.Time{}, now
}

// AssociatePhoneNumberWithUser gives a user of an account of the caller's
// AWS account a number of its inventory: the user's
// PrimaryProvisionedNumber, the number Assigned.
func (s *Service) AssociatePhoneNumberWithUser(ctx context.Context, accountID, userID, number string) error {
	c, err := callerOf(ctx)
	if err != nil {
		return err
	}
	e, err := E164(number)
	if err != nil {
		return err
	}
	if _, err := s.account(ctx, accountID); err != nil {
		return err
	}
	now := s.now()
	AuditNote(ctx, accountID, "associated phone number "+e+" with user "+userID, userID, e)
	_, err = s.Store.ChangeUserPhoneNumber(ctx, c.AwsAccountID, accountID, userID, e, func(u *User, held, n *PhoneNumber) error {
		return PlanAssociation(u, held, n, e, now)
	})
	return err
}

// DisassociatePhoneNumberFromUser takes a user's number from them; the
// number stays in the inventory, Unassigned.
func (s *Service) DisassociatePhoneNumberFromUser(ctx context.Context, accountID, userID string) error {
	c, err := callerOf(ctx)
	if err != nil {
		return err
	}
	if _, err := s.account(ctx, accountID); err != nil {
		return err
	}
	now := s.now()
	AuditNote(ctx, accountID, "disassociated the phone number of user "+userID, userID)
	_, err = s.Store.ChangeUserPhoneNumber(ctx, c.AwsAccountID, accountID, userID, "", func(u *User, held, _ *PhoneNumber) error {
		if held != nil {
			AuditNote(ctx, accountID, "disassociated phone number "+held.E164+" from user "+userID, userID, held.E164)
		}
		PlanDisassociation(u, held, now)
		return nil
	})
	return err
}

// returnBatch bounds how many numbers one write of
// ReturnDeletedPhoneNumbers returns to the pool.
const returnBatch = 500

// ReturnDeletedPhoneNumbers returns to the pool the numbers that have
// waited DeletionQueueTime in the deletion queue, recording each batch in
// the audit log, and returns how many it returned. The server runs it
// periodically on every replica: a number leaves the queue once, in one
// replica's write.
func (s *Service) ReturnDeletedPhoneNumbers(ctx context.Context) (int, error) {
	total := 0
	for {
		now := s.now()
		ev := &AuditEvent{Time: now, Operation: "ReturnDeletedPhoneNumbers"}
		actx := WithAudit(ctx, ev)
		AuditNote(actx, "", "returned phone numbers from the deletion queue to the pool")
		list, err := s.Store.ReturnDeletedPhoneNumbers(actx, now.Add(-DeletionQueueTime), returnBatch)
		total += len(list)
		if err != nil || len(list) < returnBatch {
			return total, err
		}
	}
}
