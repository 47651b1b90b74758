package belfry

import (
	"cmp"
	"context"
	"slices"
)

// CheckSearch applies SearchAvailablePhoneNumbers' rules to f and returns
// it with its country filled in (US when none is given): a US search needs
// an area code, a city, a state or a toll-free prefix; a city needs its
// state; a search outside the US needs the number type
// (chime-behaviour.md §3.6). A toll-free prefix is the area code of a
// toll-free number.
func CheckSearch(f NumberSearch, tollFreePrefix string) (NumberSearch, error) {
	f.Country = orDefault(f.Country, "US")
	if tollFreePrefix != "" {
		if f.AreaCode != "" && f.AreaCode != tollFreePrefix {
			return f, Errorf(BadRequest, "AreaCode %s and TollFreePrefix %s cannot both be met", f.AreaCode, tollFreePrefix)
		}
		if f.Type == Local {
			return f, Errorf(BadRequest, "TollFreePrefix searches toll-free numbers, not Local ones")
		}
		f.AreaCode, f.Type = tollFreePrefix, TollFree
	}
	switch {
	case f.City != "" && f.State == "":
		return f, Errorf(BadRequest, "City needs State")
	case f.Country == "US" && f.AreaCode == "" && f.City == "" && f.State == "":
		return f, Errorf(BadRequest, "a search of US numbers needs AreaCode, City, State or TollFreePrefix")
	case f.Country != "US" && f.Type == "":
		return f, Errorf(BadRequest, "a search of numbers outside the US needs PhoneNumberType")
	}
	return f, nil
}

// SearchAvailablePhoneNumbers returns a page of the pool's free numbers
// that f selects (see CheckSearch).
func (s *Service) SearchAvailablePhoneNumbers(ctx context.Context, f NumberSearch, tollFreePrefix string, p Page) ([]*PhoneNumber, error) {
	if _, err := callerOf(ctx); err != nil {
		return nil, err
	}
	f, err := CheckSearch(f, tollFreePrefix)
	if err != nil {
		return nil, err
	}
	return s.Store.SearchPhoneNumbers(ctx, f, p)
}

// NumberCountry is a country whose numbers the pool has free, and their
// types, for a product type.
type NumberCountry struct {
	Country string
	Types   []NumberType
}

// ListSupportedPhoneNumberCountries returns the countries and number
// types the pool has free numbers of that can have product type p, by
// country code.
func (s *Service) ListSupportedPhoneNumberCountries(ctx context.Context, p ProductType) ([]NumberCountry, error) {
	if _, err := callerOf(ctx); err != nil {
		return nil, err
	}
	kinds, err := s.Store.AvailableNumberKinds(ctx)
	if err != nil {
		return nil, err
	}
	var out []NumberCountry
	for _, k := range kinds {
		if !NumberKindFits(k, p) {
			continue
		}
		i := slices.IndexFunc(out, func(c NumberCountry) bool { return c.Country == k.Country })
		if i < 0 {
			out = append(out, NumberCountry{Country: k.Country})
			i = len(out) - 1
		}
		if !slices.Contains(out[i].Types, k.Type) {
			out[i].Types = append(out[i].Types, k.Type)
		}
	}
	slices.SortFunc(out, func(a, b NumberCountry) int { return cmp.Compare(a.Country, b.Country) })
	for _, c := range out {
		slices.Sort(c.Types)
	}
	return out, nil
}
