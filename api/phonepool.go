package api

import (
	"strconv"

	"github.com/belfryhq/belfry"
	jsonv2 "github.com/go-json-experiment/json"
)

// The operator's pool of phone numbers: POST /_belfry/phone-numbers adds
// numbers (belfry numbers import), GET lists the pool (belfry numbers
// list).

// wirePoolNumber is a number of the pool as the operator API takes and
// answers it; who holds it and its status only in answers.
type wirePoolNumber struct {
	E164         string `json:"E164"`
	Country      string `json:"Country"`
	Type         string `json:"Type"`
	City         string `json:"City"`
	State        string `json:"State"`
	Status       string `json:"Status,omitempty"`
	AwsAccountID string `json:"AwsAccountId,omitempty"`
}

// importPhoneNumbers answers POST /_belfry/phone-numbers.
func (s *Server) importPhoneNumbers(c *call) (any, error) {
	var in struct{ Numbers []wirePoolNumber }
	if err := jsonv2.Unmarshal(c.body, &in, jsonv2.RejectUnknownMembers(true)); err != nil {
		return nil, badRequest("the request body is not valid: %v", err)
	}
	nums := make([]*belfry.PhoneNumber, len(in.Numbers))
	for i, n := range in.Numbers {
		if n.Status != "" || n.AwsAccountID != "" {
			return nil, badRequest("number %d: Status and AwsAccountId are the pool's to say, not an import's", i+1)
		}
		nums[i] = &belfry.PhoneNumber{E164: n.E164, Country: n.Country, Type: belfry.NumberType(n.Type), City: n.City, State: n.State}
	}
	added, err := s.svc.ImportPhoneNumbers(c.r.Context(), nums)
	if err != nil {
		return nil, err
	}
	return struct{ Added, AlreadyInPool int }{added, len(nums) - added}, nil
}

// listPool answers GET /_belfry/phone-numbers, 500 numbers a page.
func (s *Server) listPool(c *call) (any, error) {
	after, err := operatorAfter(c)
	if err != nil {
		return nil, err
	}
	const size = 500
	list, err := s.svc.PoolNumbers(c.r.Context(), belfry.Page{After: after, Limit: size + 1})
	if err != nil {
		return nil, err
	}
	list, more := trim(list, size)
	out := struct {
		Numbers   []wirePoolNumber
		NextToken string `json:",omitempty"`
	}{Numbers: make([]wirePoolNumber, len(list))}
	for i, n := range list {
		out.Numbers[i] = wirePoolNumber{E164: n.E164, Country: n.Country, Type: string(n.Type), City: n.City, State: n.State,
			Status: string(n.Status), AwsAccountID: n.AwsAccountID}
	}
	if more {
		out.NextToken = strconv.FormatInt(list[len(list)-1].Seq, 10)
	}
	return out, nil
}

// operatorAfter reads the next-token of an operator listing: the sequence
// number of the last item of the page before, as the listing gave it.
func operatorAfter(c *call) (int64, error) {
	t := c.query.Get("next-token")
	if t == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, badRequest("next-token %q is not valid", t)
	}
	return n, nil
}
