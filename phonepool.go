package belfry

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// The operator's pool of numbers is loaded from CSV files with the columns
// E164, Country, Type (Local or TollFree), City and State, a header line
// first (DECISIONS.md "Phone numbers").

var (
	countryPattern  = regexp.MustCompile(`^[A-Z]{2}$`)
	tollFreePattern = regexp.MustCompile(`^8(00|33|44|55|66|77|88)$`)
)

// poolColumns are the columns of a pool file, in order.
var poolColumns = []string{"E164", "Country", "Type", "City", "State"}

// MaxPoolImport is the most numbers one ImportPhoneNumbers call takes;
// larger files are sent in parts, each checked before the first is sent.
const MaxPoolImport = 2000

// PoolNumber checks one number of the pool as the operator gives it and
// returns it as the pool keeps it, Available, with its area code.
func PoolNumber(e164, country, typ, city, state string) (*PhoneNumber, error) {
	n := &PhoneNumber{E164: e164, Country: country, Type: NumberType(typ), City: strings.TrimSpace(city),
		State: strings.TrimSpace(state), Status: NumberAvailable}
	if strings.HasPrefix(e164, "+1") && len(e164) == 12 {
		n.AreaCode = e164[2:5]
	}
	var problems []string
	if !e164Pattern.MatchString(e164) {
		problems = append(problems, fmt.Sprintf("E164 %q is not a number such as +12065550100", e164))
	}
	if !countryPattern.MatchString(country) {
		problems = append(problems, fmt.Sprintf("Country %q is not a two-letter code such as US", country))
	}
	if n.Type != Local && n.Type != TollFree {
		problems = append(problems, fmt.Sprintf("Type %q is neither Local nor TollFree", typ))
	}
	if n.Type == TollFree && country == "US" && !tollFreePattern.MatchString(n.AreaCode) {
		problems = append(problems, fmt.Sprintf("%s is no US toll-free number (+1 800, 833, 844, 855, 866, 877 or 888)", e164))
	}
	if !ValidText(n.City+n.State) || len(n.City) > 100 || len(n.State) > 100 {
		problems = append(problems, "City and State must be text of at most 100 bytes")
	}
	if problems != nil {
		return nil, Errorf(BadRequest, "%s", strings.Join(problems, "; "))
	}
	return n, nil
}

// ParsePoolCSV reads a pool file. It returns every number, or, when any
// line is wrong, an error that names each wrong line and no number, so
// that nothing of a wrong file is imported.
func ParsePoolCSV(r io.Reader) ([]*PhoneNumber, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = len(poolColumns)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("line 1: %w; the first line names the columns %s", err, strings.Join(poolColumns, ","))
	}
	for i, c := range poolColumns {
		if !strings.EqualFold(strings.TrimSpace(header[i]), c) {
			return nil, fmt.Errorf("line 1 names the columns %s; want %s", strings.Join(header, ","), strings.Join(poolColumns, ","))
		}
	}
	var nums []*PhoneNumber
	var bad []error
	seen := map[string]int{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			bad = append(bad, err)
			if len(bad) > 20 {
				break
			}
			continue
		}
		n, err := PoolNumber(rec[0], rec[1], rec[2], rec[3], rec[4])
		switch {
		case err != nil:
			bad = append(bad, fmt.Errorf("line %d: %s", line, ErrorMessage(err)))
		case seen[n.E164] != 0:
			bad = append(bad, fmt.Errorf("line %d: %s is on line %d already", line, n.E164, seen[n.E164]))
		default:
			seen[n.E164] = line
			nums = append(nums, n)
		}
	}
	if bad != nil {
		return nil, errors.Join(append(bad, errors.New("nothing was imported"))...)
	}
	return nums, nil
}

// ImportPhoneNumbers adds numbers to the pool, checking each again as
// PoolNumber does; those the pool has are left as they are, so importing
// a file twice changes nothing. It returns how many it added.
func (s *Service) ImportPhoneNumbers(ctx context.Context, nums []*PhoneNumber) (int, error) {
	if len(nums) > MaxPoolImport {
		return 0, Errorf(BadRequest, "%d numbers were given; one import takes at most %d", len(nums), MaxPoolImport)
	}
	checked := make([]*PhoneNumber, len(nums))
	for i, n := range nums {
		c, err := PoolNumber(n.E164, n.Country, string(n.Type), n.City, n.State)
		if err != nil {
			return 0, Errorf(BadRequest, "number %d: %s", i+1, ErrorMessage(err))
		}
		checked[i] = c
	}
	AuditNote(ctx, "", fmt.Sprintf("imported %d numbers into the pool", len(nums)))
	return s.Store.ImportPhoneNumbers(ctx, checked)
}

// PoolNumbers returns a page of the pool, for the operator.
func (s *Service) PoolNumbers(ctx context.Context, p Page) ([]*PhoneNumber, error) {
	return s.Store.PoolNumbers(ctx, p)
}
