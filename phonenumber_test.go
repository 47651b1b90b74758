package belfry_test

import (
	"strings"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

func TestPhoneNumberID(t *testing.T) {
	for _, c := range []struct{ id, want string }{
		{"+12065550100", "+12065550100"}, {"%2B12065550100", "+12065550100"}, {"%2b12065550100", "+12065550100"},
		{"12065550100", "+12065550100"},
	} {
		if got, err := belfry.PhoneNumberID(c.id); err != nil || got != c.want {
			t.Errorf("PhoneNumberID(%q) = %q, %v; want %q", c.id, got, err, c.want)
		}
	}
	for _, id := range []string{"", "+", "%2B", "+0123", "+1206555010x", "%252B12065550100", "+1234567890123456"} {
		if _, err := belfry.PhoneNumberID(id); belfry.ErrorKind(err) != belfry.NotFound {
			t.Errorf("PhoneNumberID(%q) = %v; want NotFound", id, err)
		}
	}
	if got := belfry.WirePhoneNumberID("+12065550100"); got != "%2B12065550100" {
		t.Errorf("WirePhoneNumberID() = %q", got)
	}
}

func TestCheckSearch(t *testing.T) {
	for _, c := range []struct {
		f      belfry.NumberSearch
		prefix string
		ok     bool
	}{
		{belfry.NumberSearch{AreaCode: "206"}, "", true},
		{belfry.NumberSearch{State: "WA"}, "", true},
		{belfry.NumberSearch{City: "Seattle", State: "WA"}, "", true},
		{belfry.NumberSearch{}, "800", true},
		{belfry.NumberSearch{}, "", false},
		{belfry.NumberSearch{City: "Seattle"}, "", false},
		{belfry.NumberSearch{Country: "DE"}, "", false},
		{belfry.NumberSearch{Country: "DE", Type: belfry.Local}, "", true},
		{belfry.NumberSearch{AreaCode: "206"}, "800", false},
		{belfry.NumberSearch{Type: belfry.Local}, "800", false},
	} {
		got, err := belfry.CheckSearch(c.f, c.prefix)
		if (err == nil) != c.ok {
			t.Errorf("CheckSearch(%+v, %q) = %v; want ok %v", c.f, c.prefix, err, c.ok)
		}
		if err == nil && (got.Country == "" || (c.prefix != "" && (got.AreaCode != c.prefix || got.Type != belfry.TollFree))) {
			t.Errorf("CheckSearch(%+v, %q) = %+v", c.f, c.prefix, got)
		}
	}
}

func TestParsePoolCSV(t *testing.T) {
	nums, err := belfry.ParsePoolCSV(strings.NewReader("e164,country,type,city,state\n+12065550100,US,Local,Seattle,WA\n+18005550100,US,TollFree,,\n"))
	if err != nil || len(nums) != 2 || nums[0].AreaCode != "206" || nums[1].Type != belfry.TollFree {
		t.Fatalf("ParsePoolCSV() = %+v, %v", nums, err)
	}
	for name, text := range map[string]string{
		"no header":     "+12065550100,US,Local,Seattle,WA\n",
		"bad line":      "E164,Country,Type,City,State\n+12065550100,US,Local,Seattle,WA\n+1206,USA,Mobile,,\n",
		"twice":         "E164,Country,Type,City,State\n+12065550100,US,Local,,\n+12065550100,US,Local,,\n",
		"short line":    "E164,Country,Type,City,State\n+12065550100,US\n",
		"empty":         "",
		"toll-free 206": "E164,Country,Type,City,State\n+12065550100,US,TollFree,,\n",
	} {
		if nums, err := belfry.ParsePoolCSV(strings.NewReader(text)); err == nil || nums != nil {
			t.Errorf("%s: ParsePoolCSV() = %d numbers, %v; want an error and nothing", name, len(nums), err)
		}
	}
	_, err = belfry.ParsePoolCSV(strings.NewReader("E164,Country,Type,City,State\n+12065550100,US,Local,,\n+1206,USA,Mobile,,\n"))
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "nothing was imported") {
		t.Errorf("ParsePoolCSV(bad line 3) = %v; want it to name line 3", err)
	}
}

func TestFitsProduct(t *testing.T) {
	us, tollFree, de := &belfry.PhoneNumber{Country: "US", Type: belfry.Local}, &belfry.PhoneNumber{Country: "US", Type: belfry.TollFree},
		&belfry.PhoneNumber{Country: "DE", Type: belfry.Local}
	for _, c := range []struct {
		n  *belfry.PhoneNumber
		p  belfry.ProductType
		ok bool
	}{
		{us, belfry.BusinessCalling, true}, {tollFree, belfry.BusinessCalling, false}, {tollFree, belfry.VoiceConnector, true},
		{de, belfry.VoiceConnector, false}, {de, belfry.SipMediaApplicationDialIn, true},
	} {
		if err := belfry.FitsProduct(c.n, c.p); (err == nil) != c.ok {
			t.Errorf("FitsProduct(%+v, %s) = %v; want ok %v", c.n, c.p, err, c.ok)
		}
	}
}

// TestPlanNumberUpdateCallingName holds a number's calling name to the
// model's rule in the domain, as the default calling name is, so that no
// caller but the API's model check can set one that the API would refuse;
// the error does not repeat the name, which the model marks sensitive.
func TestPlanNumberUpdateCallingName(t *testing.T) {
	now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		ok   bool
	}{{"Ops Desk", true}, {"", true}, {"X", false}, {"Help <script>", false}, {"Sixteen letters!", false}} {
		n := &belfry.PhoneNumber{E164: "+14155550100", Status: belfry.NumberUnassigned, ProductType: belfry.BusinessCalling}
		err := belfry.PlanNumberUpdate(n, belfry.NumberUpdate{ID: n.E164, CallingName: &tc.name}, now, time.Second)
		switch {
		case tc.ok && err != nil:
			t.Errorf("calling name %q: %v; want it taken", tc.name, err)
		case !tc.ok && (belfry.ErrorKind(err) != belfry.BadRequest || strings.Contains(err.Error(), tc.name)):
			t.Errorf("calling name %q: %v; want BadRequest that does not repeat it", tc.name, err)
		case !tc.ok && n.CallingName != "":
			t.Errorf("calling name %q refused, yet the number's is now %q", tc.name, n.CallingName)
		}
	}
}

// TestProductTypeHeldInTheDomain checks that a product type outside the
// model's is refused by the domain, for the console's forms as for the API,
// and that the number keeps the one it had.
func TestProductTypeHeldInTheDomain(t *testing.T) {
	for _, p := range belfry.ProductTypes {
		if err := belfry.CheckProductType(p); err != nil {
			t.Errorf("CheckProductType(%s) = %v", p, err)
		}
	}
	bogus := belfry.ProductType("Fax")
	n := &belfry.PhoneNumber{E164: "+14155550100", Country: "US", Status: belfry.NumberUnassigned, ProductType: belfry.BusinessCalling}
	err := belfry.PlanNumberUpdate(n, belfry.NumberUpdate{ID: n.E164, ProductType: &bogus}, time.Now(), time.Second)
	if belfry.ErrorKind(err) != belfry.BadRequest || n.ProductType != belfry.BusinessCalling {
		t.Errorf("PlanNumberUpdate to %q = %v, product type now %s; want BadRequest and BusinessCalling kept", bogus, err, n.ProductType)
	}
}
