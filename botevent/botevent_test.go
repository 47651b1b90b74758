package botevent_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
)

// TestSignatureNeedsTheToken checks that a bot checking signatures with
// its own token accepts Belfry's challenge, and that one holding another
// token refuses it, so that Put fails.
func TestSignatureNeedsTheToken(t *testing.T) {
	var botToken string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		if !botevent.Check(botToken, r.Header, body) {
			http.Error(w, "signature does not match", http.StatusForbidden)
			return
		}
		var ev struct{ Challenge string }
		json.Unmarshal(body, &ev)
		json.NewEncoder(w).Encode(ev)
	}))
	defer srv.Close()
	client, err := botevent.New(botevent.Config{AllowHTTP: true})
	if err != nil {
		t.Fatal(err)
	}
	bot := &belfry.Bot{ID: "b", SecurityToken: "the-token"}
	botToken = "the-token"
	if err := client.Verify(context.Background(), srv.URL, bot); err != nil {
		t.Fatalf("Verify(same token) = %v", err)
	}
	botToken = "another-token"
	err = client.Verify(context.Background(), srv.URL, bot)
	if belfry.ErrorKind(err) != belfry.BadRequest || !strings.Contains(belfry.ErrorMessage(err), "status 403") {
		t.Errorf("Verify(wrong token) = %v; want BadRequest quoting the 403", err)
	}
}

// TestSignKnownValue checks Sign against a value computed outside Go:
// printf '2019-04-04T21:27:47.120Z|{}' | openssl dgst -sha256 -hmac token -binary | base64
func TestSignKnownValue(t *testing.T) {
	const want = "IVyILssR6KjwN7AZDw5rreBlAgs6EjJaIrr2XkkCqfc="
	if got := botevent.Sign("token", "2019-04-04T21:27:47.120Z", []byte("{}")); got != want {
		t.Errorf("Sign() = %s; want %s", got, want)
	}
}
