package api

import (
	"errors"

	"github.com/belfryhq/belfry"
)

// wirePhoneNumber is the model's PhoneNumber. Its ID is the number with
// its '+' URL-encoded, as the samples show (chime-behaviour.md §2).
type wirePhoneNumber struct {
	PhoneNumberID     string            `json:"PhoneNumberId"`
	E164PhoneNumber   string            `json:"E164PhoneNumber"`
	Country           string            `json:"Country"`
	Type              string            `json:"Type"`
	ProductType       string            `json:"ProductType"`
	Status            string            `json:"Status"`
	Capabilities      wireCapabilities  `json:"Capabilities"`
	Associations      []wireAssociation `json:"Associations"`
	CallingName       string            `json:"CallingName,omitempty"`
	CallingNameStatus string            `json:"CallingNameStatus"`
	CreatedTimestamp  timestamp         `json:"CreatedTimestamp,omitzero"`
	UpdatedTimestamp  timestamp         `json:"UpdatedTimestamp,omitzero"`
	DeletionTimestamp timestamp         `json:"DeletionTimestamp,omitzero"`
}

// wireCapabilities says what a number can carry: Belfry's numbers call
// both ways; US local numbers also carry SMS, as the samples show.
type wireCapabilities struct {
	InboundCall  bool `json:"InboundCall"`
	OutboundCall bool `json:"OutboundCall"`
	InboundSMS   bool `json:"InboundSMS"`
	OutboundSMS  bool `json:"OutboundSMS"`
	InboundMMS   bool `json:"InboundMMS"`
	OutboundMMS  bool `json:"OutboundMMS"`
}

type wireAssociation struct {
	Value               string    `json:"Value"`
	Name                string    `json:"Name"`
	AssociatedTimestamp timestamp `json:"AssociatedTimestamp,omitzero"`
}

func toWirePhoneNumber(n *belfry.PhoneNumber) *wirePhoneNumber {
	sms := n.Country == "US" && n.Type == belfry.Local
	w := &wirePhoneNumber{
		PhoneNumberID: belfry.WirePhoneNumberID(n.E164), E164PhoneNumber: n.E164, Country: n.Country, Type: string(n.Type),
		ProductType: string(n.ProductType), Status: string(n.Status),
		Capabilities: wireCapabilities{InboundCall: true, OutboundCall: true, InboundSMS: sms, OutboundSMS: sms},
		Associations: []wireAssociation{}, CallingName: n.CallingName, CallingNameStatus: string(n.CallingNameStatus),
		CreatedTimestamp: timestamp(n.Created), UpdatedTimestamp: timestamp(n.Updated), DeletionTimestamp: timestamp(n.Deleted),
	}
	if n.UserID != "" {
		w.Associations = append(w.Associations,
			wireAssociation{Value: n.UserID, Name: "UserId", AssociatedTimestamp: timestamp(n.Associated)},
			wireAssociation{Value: n.AccountID, Name: "AccountId", AssociatedTimestamp: timestamp(n.Associated)})
	}
	return w
}

func phoneNumberAnswer(n *belfry.PhoneNumber, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return struct{ PhoneNumber *wirePhoneNumber }{toWirePhoneNumber(n)}, nil
}

func getPhoneNumber(s *Server, c *call) (any, error) {
	return phoneNumberAnswer(s.svc.GetPhoneNumber(c.ctx(), c.labels["phoneNumberId"]))
}

func restorePhoneNumber(s *Server, c *call) (any, error) {
	return phoneNumberAnswer(s.svc.RestorePhoneNumber(c.ctx(), c.labels["phoneNumberId"]))
}

func numberUpdate(id string, in document) belfry.NumberUpdate {
	u := belfry.NumberUpdate{ID: id, CallingName: optional[string](in, "CallingName")}
	if p := optional[string](in, "ProductType"); p != nil {
		pt := belfry.ProductType(*p)
		u.ProductType = &pt
	}
	return u
}

func updatePhoneNumber(s *Server, c *call) (any, error) {
	return phoneNumberAnswer(s.svc.UpdatePhoneNumber(c.ctx(), numberUpdate(c.labels["phoneNumberId"], c.in)))
}

func deletePhoneNumber(s *Server, c *call) (any, error) {
	return nil, s.svc.DeletePhoneNumber(c.ctx(), c.labels["phoneNumberId"])
}

type wirePhoneNumberError struct {
	PhoneNumberID string `json:"PhoneNumberId"`
	ErrorCode     string `json:"ErrorCode"`
	ErrorMessage  string `json:"ErrorMessage"`
}

// phoneNumberErrors answers a batch call: each failed item with the
// ErrorCode of its error's kind, or PhoneNumberAssociationsExist for a
// number that is still associated (chime-behaviour.md §3.6), and
// {"PhoneNumberErrors":[]} when none failed.
func phoneNumberErrors(failed []belfry.ItemError, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	out := struct {
		PhoneNumberErrors []wirePhoneNumberError
	}{make([]wirePhoneNumberError, len(failed))}
	for i, f := range failed {
		code := exceptionOf[belfry.ErrorKind(f.Err)].Code
		if errors.Is(f.Err, belfry.ErrPhoneNumberAssociated) {
			code = "PhoneNumberAssociationsExist"
		}
		out.PhoneNumberErrors[i] = wirePhoneNumberError{PhoneNumberID: f.ID, ErrorCode: code, ErrorMessage: belfry.ErrorMessage(f.Err)}
	}
	return out, nil
}

func batchDeletePhoneNumber(s *Server, c *call) (any, error) {
	return phoneNumberErrors(s.svc.BatchDeletePhoneNumber(c.ctx(), c.in.strs("PhoneNumberIds")))
}

func batchUpdatePhoneNumber(s *Server, c *call) (any, error) {
	items := c.in.objs("UpdatePhoneNumberRequestItems")
	updates := make([]belfry.NumberUpdate, len(items))
	for i, it := range items {
		updates[i] = numberUpdate(it.str("PhoneNumberId"), it)
	}
	return phoneNumberErrors(s.svc.BatchUpdatePhoneNumber(c.ctx(), updates))
}

func associatePhoneNumberWithUser(s *Server, c *call) (any, error) {
	return nil, s.svc.AssociatePhoneNumberWithUser(c.ctx(), c.labels["accountId"], c.labels["userId"], c.in.str("E164PhoneNumber"))
}

func disassociatePhoneNumberFromUser(s *Server, c *call) (any, error) {
	return nil, s.svc.DisassociatePhoneNumberFromUser(c.ctx(), c.labels["accountId"], c.labels["userId"])
}

type listPhoneNumbersOutput struct {
	PhoneNumbers []*wirePhoneNumber `json:"PhoneNumbers"`
	NextToken    string             `json:"NextToken,omitempty"`
}

// listPhoneNumbers answers a page of the caller's inventory, 10 by
// default (DECISIONS.md, default page sizes). filter-name and
// filter-value go together; Belfry has no voice connectors or SIP rules,
// so filtering by one finds nothing.
func listPhoneNumbers(s *Server, c *call) (any, error) {
	q := c.query
	name, value := q.Get("filter-name"), q.Get("filter-value")
	if (name == "") != (value == "") {
		return nil, badRequest("filter-name and filter-value go together: give both or neither")
	}
	f := belfry.NumberFilter{Status: belfry.NumberStatus(q.Get("status")), ProductType: belfry.ProductType(q.Get("product-type"))}
	switch name {
	case "AccountId":
		f.AccountID = value
	case "UserId":
		f.UserID = value
	case "":
	default:
		return listPhoneNumbersOutput{PhoneNumbers: []*wirePhoneNumber{}}, nil
	}
	pg, err := s.pageOf(c, 10, q.Get("status"), q.Get("product-type"), name, value)
	if err != nil {
		return nil, err
	}
	list, err := s.svc.ListPhoneNumbers(c.ctx(), f, pg.Page)
	if err != nil {
		return nil, err
	}
	list, more := trim(list, pg.size)
	out := listPhoneNumbersOutput{PhoneNumbers: make([]*wirePhoneNumber, len(list))}
	for i, n := range list {
		out.PhoneNumbers[i] = toWirePhoneNumber(n)
	}
	if more {
		out.NextToken = pg.next(list[len(list)-1].Seq)
	}
	return out, nil
}
