package console_test

import (
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
)

// botEndpoint starts a bot's HTTPS endpoint that answers the verification
// challenge, and makes e's Belfry trust its certificate.
func (e *adminEnv) botEndpoint() string {
	e.t.Helper()
	return botEndpointFor(e.t, e.svc)
}

// botEndpointFor starts an HTTPS bot that answers challenges, trusted by
// svc's bot client, and returns its events URL.
func botEndpointFor(t *testing.T, svc *belfry.Service) string {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev struct{ Challenge string }
		json.NewDecoder(r.Body).Decode(&ev)
		json.NewEncoder(w).Encode(map[string]string{"Challenge": ev.Challenge})
	}))
	t.Cleanup(srv.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	client, err := botevent.New(botevent.Config{CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	svc.BotEndpoints = client
	return srv.URL + "/events"
}

func TestConsoleBots(t *testing.T) {
	e := newAdminEnv(t)
	team := e.account(e.root, "Small Team")
	c := e.signIn(e.root)
	if page := e.page(c, "/console/accounts/"+team.ID+"/bots"); !strings.Contains(page, "only Enterprise accounts have bots") {
		t.Errorf("a Team account's bots page:\n%s", page)
	}
	acct := e.enterprise(e.root, "Corp", "example.com")
	bots := "/console/accounts/" + acct.ID + "/bots"
	status, page, resp := e.submit(c, bots, bots, url.Values{"name": {"Deploy <Bot>"}, "domain": {"example.com"}})
	if status != http.StatusSeeOther {
		t.Fatalf("create bot = %d:\n%s", status, page)
	}
	path := resp.Header.Get("Location")
	path = path[:strings.Index(path, "?")]
	list, _ := e.svc.ListBots(as(e.root), acct.ID, belfry.Page{Limit: 10})
	if len(list) != 1 {
		t.Fatalf("bots = %v; want the one made", list)
	}
	bot := list[0]
	page = e.page(c, path)
	if !strings.Contains(page, bot.SecurityToken) || !strings.Contains(page, "Deploy &lt;Bot&gt;") || !strings.Contains(page, "Enabled") {
		t.Errorf("bot page:\n%s\nwant its escaped name, its token and its state", page)
	}
	if status, page, _ := e.submit(c, bots, bots, url.Values{"name": {"X"}, "domain": {"example.org"}}); status != http.StatusBadRequest || !strings.Contains(page, "example.org") {
		t.Errorf("a bot in a domain the account does not claim = %d:\n%s\nwant 400", status, page)
	}
	if status, _, _ := e.submit(c, path, path+"/disable", nil); status != http.StatusSeeOther {
		t.Errorf("disable = %d", status)
	}
	if b, _ := e.svc.GetBot(as(e.root), acct.ID, bot.ID); !b.Disabled {
		t.Errorf("after disabling the bot is enabled")
	}
	if ev := e.lastAudit(); ev.Operation != "console:UpdateBot" || ev.AccessKeyID != e.root.ID {
		t.Errorf("audit event = %+v; want console:UpdateBot", ev)
	}
	e.submit(c, path, path+"/enable", nil)
	e.submit(c, path, path+"/regenerate", nil)
	if b, _ := e.svc.GetBot(as(e.root), acct.ID, bot.ID); b.Disabled || b.SecurityToken == bot.SecurityToken {
		t.Errorf("after enabling and regenerating: %+v; want enabled with a new token", b)
	}
	// Without a trusted endpoint the page says why nothing was saved.
	status, page, _ = e.submit(c, path, path+"/events", url.Values{"endpoint": {"https://127.0.0.1:1/x"}})
	if status != http.StatusBadRequest || !strings.Contains(page, `role="alert"`) {
		t.Errorf("an endpoint Belfry cannot send to = %d:\n%s\nwant 400 with the reason", status, page)
	}
	status, page, _ = e.submit(c, path, path+"/events", url.Values{"endpoint": {"https://bot.example.com/x"}, "lambda": {"arn:aws:lambda:us-east-1:111122223333:function:f"}})
	if status != http.StatusBadRequest || !strings.Contains(page, "not both") {
		t.Errorf("an endpoint and a Lambda function = %d:\n%s\nwant 400 asking for one", status, page)
	}
	endpoint := e.botEndpoint()
	if status, page, _ := e.submit(c, path, path+"/events", url.Values{"endpoint": {endpoint}}); status != http.StatusSeeOther {
		t.Fatalf("events configuration = %d:\n%s", status, page)
	}
	if page := e.page(c, path); !strings.Contains(page, endpoint) {
		t.Errorf("bot page does not show the endpoint %s", endpoint)
	}
	if status, _, _ := e.submit(c, path, path+"/noevents", nil); status != http.StatusSeeOther {
		t.Errorf("delete events configuration = %d", status)
	}
	if _, err := e.svc.GetEventsConfiguration(as(e.root), acct.ID, bot.ID); belfry.ErrorKind(err) != belfry.NotFound {
		t.Errorf("after deleting, GetEventsConfiguration = %v; want NotFound", err)
	}
	tenant := e.signIn(e.other)
	if status, page, _ := fetch(t, tenant, "GET", e.srv.URL+path, nil); status != http.StatusNotFound || strings.Contains(page, "Deploy") {
		t.Errorf("another AWS account's key GET the bot = %d:\n%s\nwant 404", status, page)
	}
	if status, _, _ := e.submit(tenant, "/console/", path+"/disable", nil); status != http.StatusNotFound {
		t.Errorf("another AWS account's key disabling the bot = %d; want 404", status)
	}
}
