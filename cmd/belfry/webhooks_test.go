package main

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
)

// airflowToken is the check Airflow's ChimeWebhookHook makes of the part
// of the URL after the host's path: "{webhook.id}?token={webhook.token}".
var airflowToken = regexp.MustCompile(`^[a-zA-Z0-9_-]+\?token=[a-zA-Z0-9_-]+$`)

// pandasScript is what AWS SDK for pandas' chime.post_message does:
// urllib's Request with a JSON body and no headers, so urllib sends it as
// application/x-www-form-urlencoded.
const pandasScript = `import json, sys
from urllib.request import Request, urlopen
webhook, message = sys.argv[1], sys.argv[2]
chime_message = {"Content": "Message: %s" % (message)}
req = Request(webhook, json.dumps(chime_message).encode("utf-8"))
response = urlopen(req)
print(response.status, req.get_header("Content-type"))
`

// hookRoom starts belfry, with room for bursts of posts, and makes an
// Enterprise account with a room in it through the Chime API.
func hookRoom(t *testing.T) (p *proc, account, room string) {
	p = startBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_WEBHOOK_BURST=100"}})
	ctx := ctxT(t)
	c := p.sdk(rootKeyID, rootSecret)
	a, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Hooks")})
	if err != nil {
		t.Fatal(err)
	}
	account = aws.ToString(a.Account.AccountId)
	p.claim(account, "example.com", "EnterpriseLWA")
	r, err := c.CreateRoom(ctx, &chime.CreateRoomInput{AccountId: &account, Name: aws.String("Ops")})
	if err != nil {
		t.Fatal(err)
	}
	return p, account, aws.ToString(r.Room.RoomId)
}

// TestWebhookClients posts through a webhook made with `belfry webhooks
// create` as curl, Airflow's ChimeWebhookHook and AWS SDK for pandas send
// their requests, kills the server with SIGKILL right after, and finds
// every post in `belfry messages export` after a restart, as the webhook.
func TestWebhookClients(t *testing.T) {
	t.Parallel()
	p, account, room := hookRoom(t)
	hookURL := strings.TrimSpace(p.mustOperator("webhooks", "create", account, room, "Deploys"))
	u, err := url.Parse(hookURL)
	if err != nil || u.Scheme+"://"+u.Host != p.URL || !strings.HasPrefix(u.Path, "/incomingwebhooks/") {
		t.Fatalf("belfry webhooks create printed %q; want a URL of the server's /incomingwebhooks/", hookURL)
	}
	var want []string

	r := runCmd(t, cleanEnv(), "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}",
		"-H", "Content-Type: application/json", "-d", `{"Content":"deployed <b>v1.2</b> & done"}`, hookURL)
	if r.Err != nil || r.Stdout != "200" {
		t.Fatalf("curl: %v", r)
	}
	want = append(want, "deployed <b>v1.2</b> & done")

	airflowPost(t, p, hookURL)
	want = append(want, "DAG etl failed – café 🔥")
	pandasPost(t, hookURL, "rows loaded: 42")
	want = append(want, "Message: rows loaded: 42")

	for i := range 20 {
		r := runCmd(t, cleanEnv(), "curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "-d",
			fmt.Sprintf(`{"text":"burst %d"}`, i), hookURL)
		if r.Err != nil || r.Stdout != "200" {
			t.Fatalf("curl burst %d: %v", i, r)
		}
		want = append(want, fmt.Sprint("burst ", i))
	}
	if _, err := p.stop(syscall.SIGKILL, stopTimeout); err == nil {
		t.Fatal("SIGKILL: the process exited 0, want killed")
	}
	again := startBelfry(t, startOptions{DataDir: p.DataDir})
	lines := exportLines(t, again.mustOperator("messages", "export", account, "--room", room))
	var got []string
	for _, l := range lines {
		got = append(got, l.Content)
		if l.Sender.Type != "Webhook" || l.Sender.Name != "Deploys (Webhook)" || l.RoomId != room {
			t.Errorf("exported sender %+v in %s; want Type Webhook, Name \"Deploys (Webhook)\" in room %s", l.Sender, l.RoomId, room)
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("exported contents after SIGKILL and restart:\n%q\nwant every post answered 200, verbatim:\n%q", got, want)
	}
}

// airflowPost sends what Airflow's ChimeWebhookHook sends: it joins the
// connection's schema, host (with the path up to the ID) and password
// ("ID?token=TOKEN"), checks the password's shape, and posts
// json.dumps({"Content": message}) with requests, non-ASCII escaped.
func airflowPost(t *testing.T, p *proc, hookURL string) {
	t.Helper()
	password := strings.TrimPrefix(hookURL, p.URL+"/incomingwebhooks/")
	if !airflowToken.MatchString(password) {
		t.Fatalf("the URL's %q fails Airflow's check %s", password, airflowToken)
	}
	endpoint := "http" + "://" + strings.TrimPrefix(p.URL, "http://") + "/incomingwebhooks/" + password
	req, err := http.NewRequestWithContext(ctxT(t), http.MethodPost, endpoint,
		strings.NewReader(`{"Content": "DAG etl failed \u2013 caf\u00e9 \ud83d\udd25"}`))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{"Content-type": "application/json", "User-Agent": "python-requests/2.32.3",
		"Accept-Encoding": "gzip, deflate", "Accept": "*/*", "Connection": "keep-alive"} {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("Airflow's request: %v, %v", resp, err)
	}
	resp.Body.Close()
}

// pandasPost runs AWS SDK for pandas' post_message, as pandasScript.
func pandasPost(t *testing.T, hookURL, message string) {
	t.Helper()
	script := filepath.Join(t.TempDir(), "pandas_chime.py")
	if err := os.WriteFile(script, []byte(pandasScript), 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCmd(t, cleanEnv(), "python3", script, hookURL, message)
	if r.Err != nil || strings.TrimSpace(r.Stdout) != "200 application/x-www-form-urlencoded" {
		t.Fatalf("AWS SDK for pandas' request: %v", r)
	}
}

// TestWebhooksCommands lists, regenerates and deletes a webhook with the
// operator commands, and checks what its old URLs answer.
func TestWebhooksCommands(t *testing.T) {
	t.Parallel()
	p, account, room := hookRoom(t)
	first := strings.TrimSpace(p.mustOperator("webhooks", "create", account, room, "CI"))
	list := p.mustOperator("webhooks", "list", account, room)
	id := strings.TrimPrefix(strings.Split(first, "?")[0], p.URL+"/incomingwebhooks/")
	if !strings.HasPrefix(list, id+"\t") || !strings.HasSuffix(list, "\tCI\n") || strings.Contains(list, "token") {
		t.Errorf("belfry webhooks list printed %q; want the webhook's ID and name, no token", list)
	}
	second := strings.TrimSpace(p.mustOperator("webhooks", "regenerate", account, id))
	post := func(u string) string {
		r := runCmd(t, cleanEnv(), "curl", "-sS", "-w", " %{http_code}", "-d", `{"Content":"hi"}`, u)
		if r.Err != nil {
			t.Fatalf("curl: %v", r)
		}
		return r.Stdout
	}
	if got := post(first); !strings.HasSuffix(got, " 404") || !strings.Contains(got, "regenerated") {
		t.Errorf("the URL before regenerating answered %q; want 404 saying so", got)
	}
	if got := post(second); !strings.HasSuffix(got, " 200") {
		t.Errorf("the regenerated URL answered %q; want 200", got)
	}
	newID := strings.TrimPrefix(strings.Split(second, "?")[0], p.URL+"/incomingwebhooks/")
	if out := p.mustOperator("webhooks", "delete", account, newID); !strings.Contains(out, newID) {
		t.Errorf("belfry webhooks delete printed %q; want it to name the webhook", out)
	}
	if got := post(second); !strings.HasSuffix(got, " 404") {
		t.Errorf("a deleted webhook's URL answered %q; want 404", got)
	}
	if r := p.operator("webhooks", "delete", account, newID); r.Err == nil || !strings.Contains(r.Stderr, "not found") {
		t.Errorf("deleting it again: %v; want an error saying it is not found", r)
	}
	if r := p.operator("webhooks", "create", account, room); r.Err == nil || !strings.Contains(r.Stderr, "usage") {
		t.Errorf("create without a name: %v; want the usage", r)
	}
}

func TestWebhookRateConfig(t *testing.T) {
	for _, tc := range []struct {
		rate, burst string
		args        []string
		wantRate    float64
		wantBurst   int
		wantErr     string
	}{
		{"", "", nil, 1, 5, ""},
		{"0.5", "10", nil, 0.5, 10, ""},
		{"0.5", "10", []string{"-webhook-rate", "3", "-webhook-burst", "2"}, 3, 2, ""},
		{"0", "", nil, 0, 0, "BELFRY_WEBHOOK_RATE"},
		{"-1", "", nil, 0, 0, "BELFRY_WEBHOOK_RATE"},
		{"NaN", "", nil, 0, 0, "BELFRY_WEBHOOK_RATE"},
		{"fast", "", nil, 0, 0, "BELFRY_WEBHOOK_RATE"},
		{"", "0", nil, 0, 0, "BELFRY_WEBHOOK_BURST"},
		{"", "2.5", nil, 0, 0, "BELFRY_WEBHOOK_BURST"},
		{"", "", []string{"-webhook-rate", "0"}, 0, 0, "-webhook-rate"},
		{"", "", []string{"-webhook-burst", "0"}, 0, 0, "-webhook-burst"},
	} {
		t.Run(fmt.Sprint(tc.rate, "/", tc.burst, tc.args), func(t *testing.T) {
			t.Setenv("BELFRY_WEBHOOK_RATE", tc.rate)
			t.Setenv("BELFRY_WEBHOOK_BURST", tc.burst)
			cfg, err := parseConfig(tc.args, (*Config).bindWebhooks, (*Config).checkWebhooks)
			if !wantConfigErr(t, err, tc.wantErr) {
				return
			}
			if err != nil || cfg.WebhookRate != tc.wantRate || cfg.WebhookBurst != tc.wantBurst {
				t.Errorf("got %g/%d, %v; want %g/%d", cfg.WebhookRate, cfg.WebhookBurst, err, tc.wantRate, tc.wantBurst)
			}
		})
	}
}
