package belfry

import (
	"context"
	"strings"
	"time"
)

// KindPhoneOrder is the job that fills a phone number order
// (FillPhoneNumberOrder). Its Ref is the order's ID.
const KindPhoneOrder JobKind = "phone-order"

// OrderStatus is where a phone number order stands.
type OrderStatus string

// The order statuses (the model's PhoneNumberOrderStatus).
const (
	OrderProcessing OrderStatus = "Processing"
	OrderSuccessful OrderStatus = "Successful"
	OrderPartial    OrderStatus = "Partial"
	OrderFailed     OrderStatus = "Failed"
)

// OrderedStatus is what became of one number of an order.
type OrderedStatus string

// The statuses of an ordered number (the model's OrderedPhoneNumberStatus).
const (
	OrderedProcessing OrderedStatus = "Processing"
	OrderedAcquired   OrderedStatus = "Acquired"
	OrderedFailed     OrderedStatus = "Failed"
)

// OrderedNumber is one number of an order.
type OrderedNumber struct {
	E164   string
	Status OrderedStatus
}

// PhoneNumberOrder is an AWS account's order of numbers from the pool.
type PhoneNumberOrder struct {
	Seq          int64
	ID           string
	AwsAccountID string
	ProductType  ProductType
	Status       OrderStatus
	Numbers      []OrderedNumber
	Created      time.Time
	Updated      time.Time
}

// PhoneNumberOrderStore keeps orders.
type PhoneNumberOrderStore interface {
	// CreatePhoneNumberOrder stores o and its job j, a KindPhoneOrder job,
	// in one transaction, and sets o's Seq.
	CreatePhoneNumberOrder(ctx context.Context, o *PhoneNumberOrder, j *Job) error
	// PhoneNumberOrder returns order id of AWS account awsAccountID, or
	// NotFound.
	PhoneNumberOrder(ctx context.Context, awsAccountID, id string) (*PhoneNumberOrder, error)
	// ListPhoneNumberOrders returns a page of an AWS account's orders, in
	// the order they were made.
	ListPhoneNumberOrders(ctx context.Context, awsAccountID string, p Page) ([]*PhoneNumberOrder, error)
	// FillPhoneNumberOrder lets fill decide order id, given the pool's
	// numbers among those it names (the pool lacks the others), in one
	// transaction that holds the order and those numbers; then writes
	// the order and the numbers fill returns. NotFound if there is no
	// such order.
	FillPhoneNumberOrder(ctx context.Context, id string,
		fill func(o *PhoneNumberOrder, pool []*PhoneNumber) []*PhoneNumber) (*PhoneNumberOrder, error)
}

// CreatePhoneNumberOrder orders numbers of the pool for the caller's AWS
// account. The order answers Processing; a worker fills it after
// Service.PhoneDelay (FillPhoneNumberOrder).
func (s *Service) CreatePhoneNumberOrder(ctx context.Context, product ProductType, numbers []string) (*PhoneNumberOrder, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	if err := CheckProductType(product); err != nil {
		return nil, err
	}
	switch {
	case len(numbers) == 0:
		return nil, Errorf(BadRequest, "E164PhoneNumbers must name at least one number")
	case len(numbers) > MaxPhoneNumberBatch:
		return nil, Errorf(BadRequest, "E164PhoneNumbers has %d numbers; an order takes at most %d", len(numbers), MaxPhoneNumberBatch)
	}
	now := s.now()
	o := &PhoneNumberOrder{ID: s.newID(), AwsAccountID: c.AwsAccountID, ProductType: product, Status: OrderProcessing,
		Created: now, Updated: now}
	seen := map[string]bool{}
	for _, raw := range numbers {
		e, err := E164(raw)
		if err != nil {
			return nil, err
		}
		if seen[e] {
			return nil, Errorf(BadRequest, "E164PhoneNumbers names %s twice", e)
		}
		seen[e] = true
		o.Numbers = append(o.Numbers, OrderedNumber{E164: e, Status: OrderedProcessing})
	}
	j := &Job{ID: s.newID(), Kind: KindPhoneOrder, Ref: o.ID, Status: JobQueued, Due: now.Add(s.phoneDelay()), Created: now}
	AuditNote(ctx, "", "ordered "+product.String()+" numbers "+orderNumbers(o), o.ID)
	if err := s.Store.CreatePhoneNumberOrder(ctx, o, j); err != nil {
		return nil, err
	}
	if s.PhoneOrders != nil && s.phoneDelay() == 0 {
		s.PhoneOrders.Kick()
	}
	return o, nil
}

func (p ProductType) String() string { return string(p) }

func orderNumbers(o *PhoneNumberOrder) string {
	list := make([]string, len(o.Numbers))
	for i, n := range o.Numbers {
		list[i] = n.E164
	}
	return strings.Join(list, ", ")
}

// phoneDelay is how long an order stays Processing and a calling-name
// update in progress.
func (s *Service) phoneDelay() time.Duration { return max(s.PhoneDelay, 0) }

// GetPhoneNumberOrder returns an order of the caller's AWS account.
func (s *Service) GetPhoneNumberOrder(ctx context.Context, id string) (*PhoneNumberOrder, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.PhoneNumberOrder(ctx, c.AwsAccountID, id)
}

// ListPhoneNumberOrders returns a page of the caller's AWS account's orders.
func (s *Service) ListPhoneNumberOrders(ctx context.Context, p Page) ([]*PhoneNumberOrder, error) {
	c, err := callerOf(ctx)
	if err != nil {
		return nil, err
	}
	return s.Store.ListPhoneNumberOrders(ctx, c.AwsAccountID, p)
}

// FillPhoneNumberOrder runs job j, a KindPhoneOrder job: it fills the
// order (PlanFill) and records it in the audit log. An order filled
// already is left as it is, so a job run again after a crash changes
// nothing.
func (s *Service) FillPhoneNumberOrder(ctx context.Context, j *Job) error {
	now := s.now()
	ev := &AuditEvent{Time: now, Operation: "FillPhoneNumberOrder"}
	ctx = WithAudit(ctx, ev)
	_, err := s.Store.FillPhoneNumberOrder(ctx, j.Ref, func(o *PhoneNumberOrder, pool []*PhoneNumber) []*PhoneNumber {
		ev.AwsAccountID = o.AwsAccountID
		acquired := PlanFill(o, pool, now)
		AuditNote(ctx, "", "filled order "+o.ID+": "+string(o.Status)+", acquired "+numbersOf(acquired), o.ID)
		return acquired
	})
	if ErrorKind(err) == NotFound {
		return nil // the order is gone: nothing to fill
	}
	return err
}

func numbersOf(list []*PhoneNumber) string {
	if len(list) == 0 {
		return "none"
	}
	s := make([]string, len(list))
	for i, n := range list {
		s[i] = n.E164
	}
	return strings.Join(s, ", ")
}

// PlanFill decides order o, given the pool's numbers among those it names:
// each number still Available, and fit for the order's product type
// (FitsProduct), is Acquired for the order's AWS account; any other
// failed (taken meanwhile, not in the pool, or unfit). The order is then
// Successful, Partial or Failed. It returns the numbers acquired, changed,
// for the store to write; none when the order was filled already.
func PlanFill(o *PhoneNumberOrder, pool []*PhoneNumber, now time.Time) []*PhoneNumber {
	if o.Status != OrderProcessing {
		return nil
	}
	byE164 := make(map[string]*PhoneNumber, len(pool))
	for _, n := range pool {
		byE164[n.E164] = n
	}
	var acquired []*PhoneNumber
	for i := range o.Numbers {
		on := &o.Numbers[i]
		n := byE164[on.E164]
		if n == nil || n.Status != NumberAvailable || FitsProduct(n, o.ProductType) != nil {
			on.Status = OrderedFailed
			continue
		}
		on.Status = OrderedAcquired
		n.AwsAccountID, n.ProductType, n.Status = o.AwsAccountID, o.ProductType, NumberUnassigned
		n.CallingNameStatus, n.Created, n.Updated = CallingNameUnassigned, now, now
		acquired = append(acquired, n)
	}
	switch {
	case len(acquired) == len(o.Numbers):
		o.Status = OrderSuccessful
	case len(acquired) == 0:
		o.Status = OrderFailed
	default:
		o.Status = OrderPartial
	}
	o.Updated = now
	return acquired
}
