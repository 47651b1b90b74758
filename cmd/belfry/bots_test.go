package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
)

// demoBot is the private bot demo's endpoint, run in the test over HTTPS
// with its own certificate: it checks each event's Chime-Signature with
// its token, echoes the verification challenge, and hands events to the
// test. While down it answers 503.
type demoBot struct {
	*httptest.Server
	events chan map[string]any
	mu     sync.Mutex
	token  string
	down   bool
	// answer, when set, is what the bot replies to each Mention through the
	// ShortLived URL the event carries, as the sample bot does: it replies
	// once the test closes release, and sends the outcome to replied.
	answer  string
	release chan struct{}
	replied chan error
}

// startDemoBot starts a demo bot over HTTPS that replies answer to each
// Mention (nothing when it is empty) and returns it with the path of a CA
// file that trusts its certificate, for BELFRY_CA_FILE.
func startDemoBot(t *testing.T, answer string) (*demoBot, string) {
	t.Helper()
	bot := &demoBot{events: make(chan map[string]any, 10), answer: answer, release: make(chan struct{}), replied: make(chan error, 10)}
	bot.Server = httptest.NewTLSServer(bot)
	t.Cleanup(bot.Close)
	ca := filepath.Join(t.TempDir(), "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: bot.Certificate().Raw}), 0o600); err != nil {
		t.Fatal(err)
	}
	return bot, ca
}

func (b *demoBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	b.mu.Lock()
	token, down := b.token, b.down
	b.mu.Unlock()
	mac := hmac.New(sha256.New, []byte(token))
	mac.Write([]byte(r.Header.Get("Chime-Request-Timestamp") + "|"))
	mac.Write(body)
	if !hmac.Equal([]byte(base64.StdEncoding.EncodeToString(mac.Sum(nil))), []byte(r.Header.Get("Chime-Signature"))) {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var ev map[string]any
	json.Unmarshal(body, &ev)
	if ev["EventType"] == "HTTPSEndpointVerification" {
		json.NewEncoder(w).Encode(map[string]any{"Challenge": ev["Challenge"]})
		return
	}
	if down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	if ev["EventType"] == "Mention" && b.answer != "" {
		endpoint, _ := ev["InboundHttpsEndpoint"].(map[string]any)
		url, _ := endpoint["Url"].(string)
		go func() {
			select {
			case <-b.release:
				b.replied <- botReply(url, b.answer)
			case <-time.After(readyTimeout):
				b.replied <- errors.New("the test never let the bot reply")
			}
		}()
	}
	b.events <- ev
}

// botReply posts {"Content": content} to url, as the sample bot answers,
// and fails unless Belfry answers 200.
func botReply(url, content string) error {
	body, _ := json.Marshal(map[string]string{"Content": content})
	resp, err := http.Post(url, "application/json", bytes.NewReader(body))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		answer, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("posting to %s: %s %s", url, resp.Status, answer)
	}
	return nil
}

func (b *demoBot) set(token string, down bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.token, b.down = token, down
}

func (b *demoBot) next(t *testing.T, typ string) map[string]any {
	t.Helper()
	select {
	case ev := <-b.events:
		if ev["EventType"] != typ {
			t.Fatalf("the bot heard %v; want a %s", ev, typ)
		}
		return ev
	case <-time.After(readyTimeout):
		t.Fatalf("the bot heard no %s within %s", typ, readyTimeout)
		return nil
	}
}

// TestBotDemoFlow runs the private bot demo's flow against the built
// binary with aws-cli: create-bot, put-events-configuration pointing at a
// real HTTPS bot trusted through BELFRY_CA_FILE, the bot added to a room
// hears its Invite and replies through the URL it carries; the reply is in
// `belfry messages export` as the bot's. Then, with the bot down, it is
// removed from the room and Belfry is killed with SIGKILL while the Remove
// is pending: after a restart, once the bot is back, the Remove arrives,
// and `belfry bots deliveries` shows the attempts.
func TestBotDemoFlow(t *testing.T) {
	t.Parallel()
	bot, ca := startDemoBot(t, "")
	addr := freeAddr(t)
	opts := startOptions{Addr: addr, ExtraEnv: []string{"BELFRY_CA_FILE=" + ca, "BELFRY_PUBLIC_URL=http://" + addr}}
	p := startBelfry(t, opts)
	ctx, c := ctxT(t), p.sdk(rootKeyID, rootSecret)
	a, err := c.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Demo")})
	if err != nil {
		t.Fatal(err)
	}
	account := aws.ToString(a.Account.AccountId)
	p.claim(account, "example.com", "EnterpriseLWA")
	// aws-cli v1 reads a parameter that is a URL as the address of its
	// value, unless told not to, as the README says.
	cli := newAWS(t, p, rootKeyID, rootSecret)
	config := filepath.Join(t.TempDir(), "aws-config")
	if err := os.WriteFile(config, []byte("[default]\ncli_follow_urlparam = false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cli.env = append(cli.env, "AWS_CONFIG_FILE="+config)
	var created struct {
		Bot struct{ BotId, SecurityToken, DisplayName string }
	}
	cli.json(&created, "create-bot", "--account-id", account, "--display-name", "myBot", "--domain", "example.com")
	botID := created.Bot.BotId
	bot.set(created.Bot.SecurityToken, false)
	var cfg struct {
		EventsConfiguration struct{ OutboundEventsHTTPSEndpoint string }
	}
	cli.json(&cfg, "put-events-configuration", "--account-id", account, "--bot-id", botID,
		"--outbound-events-https-endpoint", bot.URL+"/chime")
	r, err := c.CreateRoom(ctx, &chime.CreateRoomInput{AccountId: &account, Name: aws.String("Demo room")})
	if err != nil {
		t.Fatal(err)
	}
	roomID := aws.ToString(r.Room.RoomId)
	member := &chime.CreateRoomMembershipInput{AccountId: &account, RoomId: &roomID, MemberId: &botID}
	if _, err := c.CreateRoomMembership(ctx, member); err != nil {
		t.Fatal(err)
	}

	invite := bot.next(t, "Invite")
	endpoint, _ := invite["InboundHttpsEndpoint"].(map[string]any)
	hook, _ := endpoint["Url"].(string)
	if endpoint["EndpointType"] != "Persistent" || !strings.HasPrefix(hook, "http://"+addr+"/incomingwebhooks/") {
		t.Fatalf("Invite = %v; want a Persistent URL of this Belfry", invite)
	}
	if err := botReply(hook, "Hello, welcome to the room, my webhook is "+hook); err != nil {
		t.Fatalf("the bot's reply: %v", err)
	}

	bot.set(created.Bot.SecurityToken, true)
	leave := &chime.DeleteRoomMembershipInput{AccountId: &account, RoomId: &roomID, MemberId: &botID}
	if _, err := c.DeleteRoomMembership(ctx, leave); err != nil {
		t.Fatal(err)
	}
	// The Remove is retried while the bot is down: wait for a logged 503.
	deliveries(t, p, account, botID, func(rows []string) bool { return strings.Contains(rows[len(rows)-1], "503") })
	if _, err := p.stop(syscall.SIGKILL, stopTimeout); err == nil {
		t.Fatal("SIGKILL: the process exited 0, want killed")
	}
	bot.set(created.Bot.SecurityToken, false)
	opts.DataDir = p.DataDir
	again := startBelfry(t, opts)
	remove := bot.next(t, "Remove")
	if d, _ := remove["Discussion"].(map[string]any); d["DiscussionId"] != roomID || remove["InboundHttpsEndpoint"] != nil {
		t.Errorf("Remove = %v; want one of room %s, with no URL", remove, roomID)
	}

	lines := exportLines(t, again.mustOperator("messages", "export", account, "--room", roomID))
	if len(lines) != 1 || lines[0].Sender.Id != botID || lines[0].Sender.Type != "Bot" ||
		lines[0].Sender.Name != "myBot (Bot)" || !strings.HasPrefix(lines[0].Content, "Hello, welcome") {
		t.Errorf("export = %+v; want the bot's reply, from the bot", lines)
	}
	rows := deliveries(t, again, account, botID, func(rows []string) bool {
		return strings.Contains(rows[len(rows)-1], "Remove") && strings.Contains(rows[len(rows)-1], " 200 ")
	})
	if !strings.HasPrefix(rows[0], "TIME") || !strings.Contains(rows[1], "Invite") || !strings.Contains(rows[1], " 200 ") ||
		!strings.Contains(rows[2], "Remove") || !strings.Contains(rows[2], " 503 ") {
		t.Errorf("belfry bots deliveries:\n%s\nwant the Invite's 200, the Remove's 503s, then its 200", strings.Join(rows, "\n"))
	}
	last := strings.Split(strings.TrimSpace(again.mustOperator("bots", "deliveries", "-newest", "1", account, botID)), "\n")
	if len(last) != 2 || last[1] != rows[len(rows)-1] {
		t.Errorf("belfry bots deliveries -newest 1:\n%s\nwant the header and the log's last attempt:\n%s", strings.Join(last, "\n"), rows[len(rows)-1])
	}
}

// deliveries polls `belfry bots deliveries` until done says its rows (the
// header first) are what the test waits for: the log is another process's,
// which sends no signal.
func deliveries(t *testing.T, p *proc, account, botID string, done func([]string) bool) []string {
	t.Helper()
	deadline := time.Now().Add(readyTimeout)
	for {
		rows := strings.Split(strings.TrimSpace(p.mustOperator("bots", "deliveries", account, botID)), "\n")
		if len(rows) > 1 && done(rows) {
			return rows
		}
		if time.Now().After(deadline) {
			t.Fatalf("belfry bots deliveries after %s:\n%s", readyTimeout, strings.Join(rows, "\n"))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
