package storetest

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
)

// readOnly lists the store methods that change no state, besides those
// whose name starts with List, each with what it does instead. Every other
// exported method of a store is taken to change state. The rule fails
// closed: a method added to a store counts as a change, which
// testAuditEveryChange must make and see audited, until someone lists it
// here, where a reviewer sees the claim and testAuditReadersRecordNothing
// tries it.
var readOnly = map[string]string{
	"Account":              "reads an account",
	"User":                 "reads a user",
	"Room":                 "reads a room",
	"Message":              "reads a message",
	"MembershipOf":         "reads one member's membership of a room",
	"Webhook":              "reads a webhook for a post to its URL",
	"Bot":                  "reads a bot",
	"EventsConfiguration":  "reads a bot's events configuration",
	"Key":                  "reads an access key",
	"InviteByToken":        "reads an invite and its user for the accept page",
	"DomainAccount":        "reads the account that holds a domain",
	"PurgeableAccounts":    "reads which deleted accounts are due for purging",
	"AccountSettings":      "reads an account's settings",
	"RetentionSettings":    "reads an account's retention settings",
	"UserSettings":         "reads a user's settings",
	"GlobalSettings":       "reads an AWS account's CDR buckets",
	"PhoneNumberSettings":  "reads an AWS account's default calling name",
	"BotDeliveries":        "reads a bot's delivery log",
	"RecentBotDeliveries":  "reads a bot's delivery log, the newest first",
	"Jobs":                 "reads jobs of the queue",
	"PhoneNumber":          "reads a number of an AWS account's inventory",
	"PhoneNumberOrder":     "reads a phone number order",
	"PoolNumbers":          "reads the pool of phone numbers",
	"SearchPhoneNumbers":   "reads the pool's free numbers",
	"AvailableNumberKinds": "reads the countries and types of the pool's free numbers",
	"AuditEvents":          "reads the audit log",
	"Ping":                 "asks the database whether it answers",
	"JobStats":             "reads the job queue's figures for the metrics",
	"PoolStats":            "reads the SQLite connection pools' figures",
	"PoolStat":             "reads the PostgreSQL connection pool's figures",
	"ObserveWrites":        "sets the function that hears how long writes take; no data",
	"TakeTokens":           "takes tokens from an access key's rate bucket: throttling, no Chime state",
	"Close":                "ends the store's connections and leaves the data as it was",
}

// auditedElsewhere lists the writers that testAuditEveryChange cannot
// call in its sequence, with the test that checks their audit instead.
var auditedElsewhere = map[string]string{
	"ResetChime": "testReset: it empties the audit log that the sequence is compared with",
}

// isReader says whether the store method name only reads.
func isReader(name string) bool {
	_, ok := readOnly[name]
	return ok || strings.HasPrefix(name, "List")
}

// writers returns the names of the exported methods of s's concrete type
// that change state: those of belfry.Store and any the store adds.
func writers(s belfry.Store) []string {
	typ := reflect.TypeOf(s)
	var out []string
	for i := range typ.NumMethod() {
		if name := typ.Method(i).Name; !isReader(name) {
			out = append(out, name)
		}
	}
	return out
}

// wantEveryWriter fails t unless changes call every method of s that
// changes state, and no method that readOnly says only reads.
func wantEveryWriter(t *testing.T, s belfry.Store, changes []auditedChange) {
	t.Helper()
	called := make(map[string]bool)
	for _, c := range changes {
		called[c.method] = true
		if isReader(c.method) {
			t.Errorf("the audited changes call %s, which readOnly lists as a reader", c.method)
		}
	}
	for _, name := range writers(s) {
		if _, ok := auditedElsewhere[name]; !called[name] && !ok {
			t.Errorf("%T.%s changes state but testAuditEveryChange does not call it: add a change that does,"+
				" or list it in readOnly if it only reads", s, name)
		}
	}
}

// testAuditReadersRecordNothing calls each method readOnly lists, with an
// audit event and zero arguments, and checks that none records the event.
// A store records the event of every write it makes, even one that finds
// nothing to change, so a method listed as a reader that writes whatever
// it is given shows here; one that fails before writing when given nothing
// does not, which is why readOnly stays short and says why of each.
func testAuditReadersRecordNothing(t *testing.T, s belfry.Store) {
	mkUser(t, s, mkEnterprise(t, s, "example.com"), "ana@example.com")
	ctxType := reflect.TypeFor[context.Context]()
	v := reflect.ValueOf(s)
	var tried []string
	for i := range v.NumMethod() {
		name := v.Type().Method(i).Name
		if !isReader(name) || name == "Close" {
			continue
		}
		ev := event(name, 1)
		m := v.Method(i)
		args := make([]reflect.Value, m.Type().NumIn())
		for j := range args {
			args[j] = reflect.Zero(m.Type().In(j))
			if m.Type().In(j) == ctxType {
				args[j] = reflect.ValueOf(belfry.WithAudit(t.Context(), ev))
			}
		}
		m.Call(args)
		if ev.Seq != 0 {
			t.Errorf("%s, which readOnly lists as a reader, recorded its audit event", name)
		}
		tried = append(tried, name)
	}
	if got := auditLog(t, s); len(got) != 0 {
		t.Errorf("readers %v recorded %d events; want none", tried, len(got))
	}
	if !slices.Contains(tried, "AuditEvents") {
		t.Errorf("tried readers %v; want AuditEvents among them", tried)
	}
}
