package api_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

// TestPoolImportRefused checks that the operator's import takes only the
// root key and a well-formed list of numbers, and that a refused import
// adds nothing.
func TestPoolImportRefused(t *testing.T) {
	e := newEnv(t)
	other, err := e.svc.CreateAccessKey(context.Background(), "444455556666", "intruder")
	if err != nil {
		t.Fatal(err)
	}
	good := `{"Numbers":[{"E164":"+12065550100","Country":"US","Type":"Local","City":"Seattle","State":"WA"}]}`
	if r := e.do(request{Method: "POST", Path: "/_belfry/phone-numbers", Body: []byte(good), Key: other}); r.Status != http.StatusForbidden {
		t.Errorf("import signed by another key: %d %s; want 403", r.Status, r.Body)
	}
	if r := e.do(request{Method: "POST", Path: "/_belfry/phone-numbers", Body: []byte(good), Unsigned: true}); r.Status != http.StatusUnauthorized {
		t.Errorf("unsigned import: %d %s; want 401", r.Status, r.Body)
	}
	many := `{"Numbers":[` + strings.Repeat(`{"E164":"+12065550100","Country":"US","Type":"Local","City":"","State":""},`, belfry.MaxPoolImport) +
		`{"E164":"+12065550101","Country":"US","Type":"Local","City":"","State":""}]}`
	for name, body := range map[string]string{
		"not JSON":          `{"Numbers":[`,
		"unknown member":    `{"Numbers":[{"E164":"+12065550100","Country":"US","Type":"Local","Carrier":"x"}]}`,
		"status given":      `{"Numbers":[{"E164":"+12065550100","Country":"US","Type":"Local","Status":"Assigned"}]}`,
		"bad number":        `{"Numbers":[{"E164":"206-555-0100","Country":"US","Type":"Local"}]}`,
		"bad type":          `{"Numbers":[{"E164":"+12065550100","Country":"US","Type":"Mobile"}]}`,
		"toll-free not 8xx": `{"Numbers":[{"E164":"+12065550100","Country":"US","Type":"TollFree"}]}`,
		"NUL in city":       `{"Numbers":[{"E164":"+12065550100","Country":"US","Type":"Local","City":"Sea\u0000ttle"}]}`,
		"too many":          many,
	} {
		if r := e.do(request{Method: "POST", Path: "/_belfry/phone-numbers", Body: []byte(body)}); r.Status != http.StatusBadRequest {
			t.Errorf("%s: %d %s; want 400", name, r.Status, r.Body)
		}
	}
	if pool, err := e.svc.PoolNumbers(context.Background(), belfry.Page{}); err != nil || len(pool) != 0 {
		t.Errorf("refused imports left %d numbers in the pool (%v); want none", len(pool), err)
	}
	// Markup is only text: the pool keeps it as given, and the API never
	// renders it.
	e.operator("POST", "/_belfry/phone-numbers",
		`{"Numbers":[{"E164":"+12065550100","Country":"US","Type":"Local","City":"<b>Seattle</b>","State":"WA"}]}`, http.StatusOK)
	r := e.operator("GET", "/_belfry/phone-numbers", "", http.StatusOK)
	if !strings.Contains(string(r.Body), `\u003cb\u003eSeattle`) && !strings.Contains(string(r.Body), `<b>Seattle`) {
		t.Errorf("pool listing %s; want the city as imported", r.Body)
	}
	e.operator("GET", "/_belfry/phone-numbers?next-token=abc", "", http.StatusBadRequest)
}
