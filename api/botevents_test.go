package api_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/botevent"
)

// botServer is a bot's HTTPS endpoint as a bot builder writes one: it
// checks each request's Chime-Signature with the bot's token, computed
// here on its own, and answers the verification challenge with answer.
type botServer struct {
	*httptest.Server
	token  string // the bot's SecurityToken; set before Put
	answer func(w http.ResponseWriter, challenge string)
}

// echo answers the challenge as the sample bot does.
func echo(w http.ResponseWriter, challenge string) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]string{"Challenge": challenge})
}

func (b *botServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	mac := hmac.New(sha256.New, []byte(b.token))
	mac.Write([]byte(r.Header.Get("Chime-Request-Timestamp") + "|"))
	mac.Write(body)
	if base64.StdEncoding.EncodeToString(mac.Sum(nil)) != r.Header.Get("Chime-Signature") {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var event struct{ EventType, Challenge string }
	if json.Unmarshal(body, &event) != nil || event.EventType != "HTTPSEndpointVerification" {
		http.Error(w, "not a verification", http.StatusBadRequest)
		return
	}
	b.answer(w, event.Challenge)
}

// newBotServer starts a bot endpoint whose certificate e's Belfry trusts
// through a CA file, as an operator with a private CA would set it up.
func newBotServer(e *env) *botServer {
	e.t.Helper()
	b := &botServer{answer: echo}
	b.Server = httptest.NewTLSServer(b)
	e.t.Cleanup(b.Close)
	ca := filepath.Join(e.t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: b.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		e.t.Fatal(err)
	}
	client, err := botevent.New(botevent.Config{CAFile: ca})
	if err != nil {
		e.t.Fatal(err)
	}
	e.svc.BotEndpoints = client
	return b
}

// botWithEndpoint makes a bot of an Enterprise account and an endpoint
// that checks the bot's signatures, and returns them with the account's
// and the bot's IDs.
func botWithEndpoint(t *testing.T) (e *env, srv *botServer, acct, id string) {
	e = newEnv(t)
	srv = newBotServer(e)
	acct = e.enterprise("corp", "example.com")
	bot := e.bot(acct, "Build")
	srv.token = aws.ToString(bot.SecurityToken)
	return e, srv, acct, aws.ToString(bot.BotId)
}

// putEvents configures bot id of account acct to send events to endpoint.
func (e *env) putEvents(acct, id, endpoint string) (*chime.PutEventsConfigurationOutput, error) {
	return e.chime.PutEventsConfiguration(context.Background(), &chime.PutEventsConfigurationInput{
		AccountId: aws.String(acct), BotId: aws.String(id), OutboundEventsHTTPSEndpoint: aws.String(endpoint)})
}

// getEvents returns bot id's events configuration.
func (e *env) getEvents(acct, id string) (*chime.GetEventsConfigurationOutput, error) {
	return e.chime.GetEventsConfiguration(context.Background(), &chime.GetEventsConfigurationInput{
		AccountId: aws.String(acct), BotId: aws.String(id)})
}

// TestEventsConfiguration checks that an endpoint that answers the
// challenge is stored, shown, lets the bot join a room, and once deleted
// keeps it out of rooms again.
func TestEventsConfiguration(t *testing.T) {
	e, srv, acct, id := botWithEndpoint(t)
	_, err := e.getEvents(acct, id)
	wantErr[*types.NotFoundException](t, err)
	out, err := e.putEvents(acct, id, srv.URL+"/events")
	if err != nil {
		t.Fatalf("PutEventsConfiguration() = %v", err)
	}
	if got := statusOf(out.ResultMetadata); got != 201 {
		t.Errorf("PutEventsConfiguration answered %d; want 201", got)
	}
	got, err := e.getEvents(acct, id)
	if err != nil || aws.ToString(got.EventsConfiguration.OutboundEventsHTTPSEndpoint) != srv.URL+"/events" ||
		aws.ToString(got.EventsConfiguration.BotId) != id || got.EventsConfiguration.LambdaFunctionArn != nil {
		t.Fatalf("GetEventsConfiguration() = %+v, %v; want the endpoint just put", got, err)
	}
	room := e.room(acct, "Ops")
	if _, err := e.join(acct, room, id, ""); err != nil {
		t.Fatalf("CreateRoomMembership(configured bot) = %v", err)
	}
	del := &chime.DeleteEventsConfigurationInput{AccountId: aws.String(acct), BotId: aws.String(id)}
	if _, err := e.chime.DeleteEventsConfiguration(context.Background(), del); err != nil {
		t.Fatalf("DeleteEventsConfiguration() = %v", err)
	}
	_, err = e.getEvents(acct, id)
	wantErr[*types.NotFoundException](t, err)
	if _, err := e.chime.DeleteEventsConfiguration(context.Background(), del); err != nil {
		t.Errorf("DeleteEventsConfiguration() again = %v; want 204, as the model lists no NotFound", err)
	}
	other := e.room(acct, "Other")
	_, err = e.join(acct, other, id, "")
	wantErr[*types.BadRequestException](t, err)
}

// TestEventsConfigurationRefused checks that each endpoint that cannot be
// trusted with events is refused with a message saying why, and that
// nothing is stored.
func TestEventsConfigurationRefused(t *testing.T) {
	e, srv, acct, id := botWithEndpoint(t)
	cases := []struct {
		name, endpoint, want string
		answer               func(http.ResponseWriter, string)
	}{
		{"no echo", srv.URL, `answered status 200 with "{}"`, func(w http.ResponseWriter, _ string) { w.Write([]byte("{}")) }},
		{"wrong echo", srv.URL, `"{\"Challenge\":\"nope\"}"`, func(w http.ResponseWriter, _ string) { w.Write([]byte(`{"Challenge":"nope"}`)) }},
		{"500", srv.URL, "status 500", func(w http.ResponseWriter, _ string) { http.Error(w, "down", 500) }},
		{"http", "http://" + strings.TrimPrefix(srv.URL, "https://"), "BELFRY_ALLOW_HTTP_ENDPOINTS", echo},
		{"metadata", "https://169.254.169.254/latest/meta-data/", "link-local", echo},
	}
	for _, c := range cases {
		srv.answer = c.answer
		_, err := e.putEvents(acct, id, c.endpoint)
		bad := wantErr[*types.BadRequestException](t, err)
		if !strings.Contains(aws.ToString(bad.Message), c.want) {
			t.Errorf("%s: PutEventsConfiguration() = %q; want it to say %q", c.name, aws.ToString(bad.Message), c.want)
		}
		if got, err := e.getEvents(acct, id); err == nil {
			t.Errorf("%s: GetEventsConfiguration() = %+v after a refused Put; want nothing stored", c.name, got)
		}
	}
	// Without the CA file, the endpoint's certificate is one no root signed.
	trusting := e.svc.BotEndpoints
	e.svc.BotEndpoints, _ = botevent.New(botevent.Config{})
	srv.answer = echo
	_, err := e.putEvents(acct, id, srv.URL)
	if bad := wantErr[*types.BadRequestException](t, err); !strings.Contains(aws.ToString(bad.Message), "certificate") {
		t.Errorf("untrusted: PutEventsConfiguration() = %q; want it to name the certificate", aws.ToString(bad.Message))
	}
	if got, err := e.getEvents(acct, id); err == nil {
		t.Errorf("untrusted: GetEventsConfiguration() = %+v after a refused Put; want nothing stored", got)
	}
	e.svc.BotEndpoints = trusting
	_, err = e.chime.PutEventsConfiguration(context.Background(), &chime.PutEventsConfigurationInput{
		AccountId: aws.String(acct), BotId: aws.String(id), LambdaFunctionArn: aws.String("arn:aws:lambda:us-east-1:111122223333:function:bot")})
	if bad := wantErr[*types.BadRequestException](t, err); !strings.Contains(aws.ToString(bad.Message), "BELFRY_LAMBDA_DELIVERY") {
		t.Errorf("PutEventsConfiguration(Lambda) = %q; want it to name the setting", aws.ToString(bad.Message))
	}
}

// TestEventsConfigurationErrors checks that a Team account is Forbidden
// and an unknown bot NotFound, as for the other bot operations; Delete,
// whose model lists no NotFound, answers BadRequest naming the bot.
func TestEventsConfigurationErrors(t *testing.T) {
	e := newEnv(t)
	newBotServer(e)
	team := e.account("team")
	_, err := e.putEvents(team, "x", "https://bot.example.com/")
	wantErr[*types.ForbiddenException](t, err)
	_, err = e.getEvents(team, "x")
	wantErr[*types.ForbiddenException](t, err)
	acct := e.enterprise("corp", "example.com")
	_, err = e.putEvents(acct, "no-such-bot", "https://bot.example.com/")
	wantErr[*types.NotFoundException](t, err)
	_, err = e.chime.DeleteEventsConfiguration(context.Background(), &chime.DeleteEventsConfigurationInput{
		AccountId: aws.String(acct), BotId: aws.String("no-such-bot")})
	if bad := wantErr[*types.BadRequestException](t, err); !strings.Contains(aws.ToString(bad.Message), "no-such-bot") {
		t.Errorf("DeleteEventsConfiguration(unknown bot) = %q; want it to name the bot", aws.ToString(bad.Message))
	}
}
