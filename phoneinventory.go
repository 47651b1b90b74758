package belfry

import (
	"context"
	"fmt"
	"time"
)

// GetPhoneNumber returns a number of the caller's AWS account's inventory;
// id is the number as the wire names it (PhoneNumberID).
func (s *Service) GetPhoneNumber(ctx context.Context, id string) (*PhoneNumber, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	e, err := PhoneNumberID(id)
	if err != nil {
		return nil, err
	}
	n, err := s.Store.PhoneNumber(ctx, c.AwsAccountID, e)
	return n.Settle(s.now()), err
}

// ListPhoneNumbers returns a page of the caller's AWS account's inventory
// that f selects.
func (s *Service) ListPhoneNumbers(ctx context.Context, f NumberFilter, p Page) ([]*PhoneNumber, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	list, err := s.Store.ListPhoneNumbers(ctx, c.AwsAccountID, f, p)
	now := s.now()
	for _, n := range list {
		n.Settle(now)
	}
	return list, err
}

// NumberUpdate is one change of UpdatePhoneNumber: a product type or a
// calling name, never both (chime-behaviour.md §3.6); nil fields are not
// given.
type NumberUpdate struct {
	ID          string
	ProductType *ProductType
	CallingName *string
}

// PlanNumberUpdate applies u to number n at now, or says why it cannot:
// one change at a time, a product type the number fits (FitsProduct),
// and no calling-name change while one is in progress (Conflict). A
// calling name is in progress until delay has passed.
func PlanNumberUpdate(n *PhoneNumber, u NumberUpdate, now time.Time, delay time.Duration) error {
	switch {
	case n == nil:
		return Errorf(NotFound, "phone number %s does not exist", u.ID)
	case (u.ProductType == nil) == (u.CallingName == nil):
		return Errorf(BadRequest, "give either ProductType or CallingName: a number changes one at a time")
	case n.Status == NumberDeleting:
		return Errorf(BadRequest, "phone number %s is in the deletion queue; restore it first", n.E164)
	case u.ProductType != nil:
		if err := CheckProductType(*u.ProductType); err != nil {
			return err
		}
		if err := FitsProduct(n, *u.ProductType); err != nil {
			return err
		}
		if n.Status == NumberAssigned && *u.ProductType != BusinessCalling {
			return Errorf(BadRequest, "phone number %s is associated with a user; disassociate it before it leaves BusinessCalling", n.E164)
		}
		n.ProductType = *u.ProductType
	default:
		if err := CheckCallingName(*u.CallingName); err != nil {
			return err
		}
		if n.Settle(now).CallingNameStatus == CallingNameUpdating {
			return Errorf(Conflict, "the calling name of %s is still being updated; try again once it is done", n.E164)
		}
		n.CallingName, n.CallingNameStatus, n.CallingNameDue = *u.CallingName, CallingNameUpdating, now.Add(delay)
	}
	n.Updated = now
	return nil
}

// UpdatePhoneNumber changes a number's product type or calling name.
func (s *Service) UpdatePhoneNumber(ctx context.Context, u NumberUpdate) (*PhoneNumber, error) {
	var changed *PhoneNumber
	errs, err := s.changeNumbers(ctx, "updated phone number", []string{u.ID}, func(n *PhoneNumber, _ int) error {
		changed = n
		return PlanNumberUpdate(n, u, s.now(), s.phoneDelay())
	})
	if err == nil {
		err = errs[0]
	}
	if err != nil {
		return nil, err
	}
	return changed.Settle(s.now()), nil
}

// BatchUpdatePhoneNumber changes numbers as UpdatePhoneNumber does, each
// on its own, and returns each failure by its number's ID.
func (s *Service) BatchUpdatePhoneNumber(ctx context.Context, updates []NumberUpdate) ([]ItemError, error) {
	ids := make([]string, len(updates))
	for i, u := range updates {
		ids[i] = u.ID
	}
	errs, err := s.changeNumbers(ctx, "updated phone numbers", ids, func(n *PhoneNumber, i int) error {
		return PlanNumberUpdate(n, updates[i], s.now(), s.phoneDelay())
	})
	return itemErrors(ids, errs), err
}

// PlanNumberDelete moves number n into the deletion queue at now, or says
// why it cannot: a number still associated cannot be deleted
// (chime-behaviour.md §3.6).
func PlanNumberDelete(n *PhoneNumber, id string, now time.Time) error {
	switch {
	case n == nil:
		return Errorf(NotFound, "phone number %s does not exist", id)
	case n.Status == NumberAssigned:
		return &Error{Kind: BadRequest, Err: ErrPhoneNumberAssociated,
			Message: fmt.Sprintf("phone number %s is associated with user %s; disassociate it first", n.E164, n.UserID)}
	case n.Status == NumberDeleting:
		return Errorf(BadRequest, "phone number %s is in the deletion queue already", n.E164)
	}
	n.Status, n.Deleted, n.Updated = NumberDeleting, now, now
	return nil
}

// DeletePhoneNumber moves a number into the deletion queue, where it
// waits DeletionQueueTime for RestorePhoneNumber.
func (s *Service) DeletePhoneNumber(ctx context.Context, id string) error {
	errs, err := s.changeNumbers(ctx, "deleted phone number", []string{id}, func(n *PhoneNumber, _ int) error {
		return PlanNumberDelete(n, id, s.now())
	})
	if err == nil {
		err = errs[0]
	}
	return err
}

// BatchDeletePhoneNumber deletes numbers as DeletePhoneNumber does, each
// on its own, and returns each failure by its number's ID.
func (s *Service) BatchDeletePhoneNumber(ctx context.Context, ids []string) ([]ItemError, error) {
	errs, err := s.changeNumbers(ctx, "deleted phone numbers", ids, func(n *PhoneNumber, i int) error {
		return PlanNumberDelete(n, ids[i], s.now())
	})
	return itemErrors(ids, errs), err
}

// RestorePhoneNumber brings a number back from the deletion queue,
// Unassigned.
func (s *Service) RestorePhoneNumber(ctx context.Context, id string) (*PhoneNumber, error) {
	var restored *PhoneNumber
	errs, err := s.changeNumbers(ctx, "restored phone number", []string{id}, func(n *PhoneNumber, _ int) error {
		switch {
		case n == nil:
			return Errorf(NotFound, "phone number %s does not exist", id)
		case n.Status != NumberDeleting:
			return Errorf(BadRequest, "phone number %s is not in the deletion queue", n.E164)
		}
		n.Status, n.Deleted, n.Updated = NumberUnassigned, time.Time{}, s.now()
		restored = n
		return nil
	})
	if err == nil {
		err = errs[0]
	}
	if err != nil {
		return nil, err
	}
	return restored.Settle(s.now()), nil
}

// ItemError is why one item of a batch failed.
type ItemError struct {
	ID  string
	Err error
}

func itemErrors(ids []string, errs []error) []ItemError {
	var out []ItemError
	for i, err := range errs {
		if err != nil {
			out = append(out, ItemError{ID: ids[i], Err: err})
		}
	}
	return out
}

// changeNumbers reads ids as the wire names numbers, then lets apply change
// each of the caller's numbers, with its index, in one store call; an ID
// that is no number fails as NotFound without reaching the store. It
// audits what changed.
func (s *Service) changeNumbers(ctx context.Context, what string, ids []string, apply func(n *PhoneNumber, i int) error) ([]error, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	if len(ids) > MaxPhoneNumberBatch {
		return nil, Errorf(BadRequest, "%d phone numbers were given; a batch takes at most %d", len(ids), MaxPhoneNumberBatch)
	}
	errs := make([]error, len(ids))
	var e164s []string
	var index []int
	for i, id := range ids {
		e, err := PhoneNumberID(id)
		if err != nil {
			errs[i] = err
			continue
		}
		e164s, index = append(e164s, e), append(index, i)
	}
	AuditNote(ctx, "", what)
	stored, err := s.Store.ChangePhoneNumbers(ctx, c.AwsAccountID, e164s, func(k int, n *PhoneNumber) error {
		if err := apply(n, index[k]); err != nil {
			return err
		}
		auditAdd(ctx, n.E164)
		return nil
	})
	for k, e := range stored {
		errs[index[k]] = e
	}
	return errs, err
}
