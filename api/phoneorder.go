package api

import (
	"github.com/belfryhq/belfry"
)

// wirePhoneNumberOrder is the model's PhoneNumberOrder.
type wirePhoneNumberOrder struct {
	PhoneNumberOrderID  string              `json:"PhoneNumberOrderId"`
	ProductType         string              `json:"ProductType"`
	Status              string              `json:"Status"`
	OrderedPhoneNumbers []wireOrderedNumber `json:"OrderedPhoneNumbers"`
	CreatedTimestamp    timestamp           `json:"CreatedTimestamp,omitzero"`
	UpdatedTimestamp    timestamp           `json:"UpdatedTimestamp,omitzero"`
}

type wireOrderedNumber struct {
	E164PhoneNumber string `json:"E164PhoneNumber"`
	Status          string `json:"Status"`
}

func toWireOrder(o *belfry.PhoneNumberOrder) *wirePhoneNumberOrder {
	w := &wirePhoneNumberOrder{
		PhoneNumberOrderID: o.ID, ProductType: string(o.ProductType), Status: string(o.Status),
		OrderedPhoneNumbers: make([]wireOrderedNumber, len(o.Numbers)),
		CreatedTimestamp:    timestamp(o.Created), UpdatedTimestamp: timestamp(o.Updated),
	}
	for i, n := range o.Numbers {
		w.OrderedPhoneNumbers[i] = wireOrderedNumber{E164PhoneNumber: n.E164, Status: string(n.Status)}
	}
	return w
}

func orderAnswer(o *belfry.PhoneNumberOrder, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return struct{ PhoneNumberOrder *wirePhoneNumberOrder }{toWireOrder(o)}, nil
}

func createPhoneNumberOrder(s *Server, c *call) (any, error) {
	return orderAnswer(s.svc.CreatePhoneNumberOrder(c.ctx(), belfry.ProductType(c.in.str("ProductType")), c.in.strs("E164PhoneNumbers")))
}

func getPhoneNumberOrder(s *Server, c *call) (any, error) {
	return orderAnswer(s.svc.GetPhoneNumberOrder(c.ctx(), c.labels["phoneNumberOrderId"]))
}

type listOrdersOutput struct {
	PhoneNumberOrders []*wirePhoneNumberOrder `json:"PhoneNumberOrders"`
	NextToken         string                  `json:"NextToken,omitempty"`
}

// listPhoneNumberOrders answers a page of the caller's orders, 10 by
// default.
func listPhoneNumberOrders(s *Server, c *call) (any, error) {
	pg, err := s.pageOf(c, 10)
	if err != nil {
		return nil, err
	}
	orders, err := s.svc.ListPhoneNumberOrders(c.ctx(), pg.Page)
	if err != nil {
		return nil, err
	}
	orders, more := trim(orders, pg.size)
	out := listOrdersOutput{PhoneNumberOrders: make([]*wirePhoneNumberOrder, len(orders))}
	for i, o := range orders {
		out.PhoneNumberOrders[i] = toWireOrder(o)
	}
	if more {
		out.NextToken = pg.next(orders[len(orders)-1].Seq)
	}
	return out, nil
}

type searchOutput struct {
	E164PhoneNumbers []string `json:"E164PhoneNumbers"`
	NextToken        string   `json:"NextToken,omitempty"`
}

// searchAvailablePhoneNumbers answers a page of the pool's free numbers,
// 100 by default (the model allows 1 to 500).
func searchAvailablePhoneNumbers(s *Server, c *call) (any, error) {
	q := c.query
	f := belfry.NumberSearch{Country: q.Get("country"), Type: belfry.NumberType(q.Get("phone-number-type")),
		AreaCode: q.Get("area-code"), City: q.Get("city"), State: q.Get("state")}
	prefix := q.Get("toll-free-prefix")
	pg, err := s.pageOf(c, 100, f.Country, string(f.Type), f.AreaCode, f.City, f.State, prefix)
	if err != nil {
		return nil, err
	}
	list, err := s.svc.SearchAvailablePhoneNumbers(c.ctx(), f, prefix, pg.Page)
	if err != nil {
		return nil, err
	}
	list, more := trim(list, pg.size)
	out := searchOutput{E164PhoneNumbers: make([]string, len(list))}
	for i, n := range list {
		out.E164PhoneNumbers[i] = n.E164
	}
	if more {
		out.NextToken = pg.next(list[len(list)-1].Seq)
	}
	return out, nil
}

type wireCountry struct {
	CountryCode               string   `json:"CountryCode"`
	SupportedPhoneNumberTypes []string `json:"SupportedPhoneNumberTypes"`
}

func listSupportedPhoneNumberCountries(s *Server, c *call) (any, error) {
	countries, err := s.svc.ListSupportedPhoneNumberCountries(c.ctx(), belfry.ProductType(c.query.Get("product-type")))
	if err != nil {
		return nil, err
	}
	out := struct{ PhoneNumberCountries []wireCountry }{make([]wireCountry, len(countries))}
	for i, k := range countries {
		out.PhoneNumberCountries[i] = wireCountry{CountryCode: k.Country, SupportedPhoneNumberTypes: make([]string, len(k.Types))}
		for j, t := range k.Types {
			out.PhoneNumberCountries[i].SupportedPhoneNumberTypes[j] = string(t)
		}
	}
	return out, nil
}
