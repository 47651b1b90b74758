package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"

	"github.com/belfryhq/belfry/webhook"
	"github.com/google/uuid"
)

// hookBench posts to incoming webhooks over real HTTP: client c posts to
// its own webhook, so that the per-webhook limit (raised here far above
// what the clients can send) is not what is measured.
type hookBench struct {
	urls  []string // Belfry's, one a client
	floor string   // the floor's URL
	http  *http.Client
}

// webhookScenarios are "Webhook", posts through Belfry's webhook server,
// and "webhookfloor", the least a webhook server can do: read the JSON
// body and insert one row into SQLite with Belfry's driver, pragmas and
// single writer connection, then answer 200.
func (b *bench) webhookScenarios(dir string, clients int) []scenario {
	h := &hookBench{http: &http.Client{Transport: b.transport}}
	body := func(c, n int) io.Reader {
		return bytes.NewReader(fmt.Appendf(nil, `{"Content":"deploy %d of client %d finished **green**"}`, n, c))
	}
	post := func(ctx context.Context, url string, c, n int) error {
		req, err := http.NewRequestWithContext(ctx, "POST", url, body(c, n))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := h.http.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("POST answered %s", resp.Status)
		}
		return nil
	}
	return []scenario{
		{
			name:  "webhookfloor",
			setup: func(context.Context) error { return h.startFloor(b, dir) },
			do:    func(ctx context.Context, c, n int) error { return post(ctx, h.floor, c, n) },
		},
		{
			name:  "Webhook",
			setup: func(ctx context.Context) error { return h.startBelfry(ctx, b, clients) },
			do:    func(ctx context.Context, c, n int) error { return post(ctx, h.urls[c], c, n) },
		},
	}
}

// startBelfry makes an Enterprise account with a webhook a client, ten
// to a room (the most a room has), and serves Belfry's webhook handler
// with limits no client reaches.
func (h *hookBench) startBelfry(ctx context.Context, b *bench, clients int) error {
	account, err := b.account(ctx, "bench-webhooks", "hooks.example.net")
	if err != nil {
		return err
	}
	base, err := b.listen(webhook.New(webhook.Config{Service: b.svc, Rate: 1e9, Burst: 1e9}))
	if err != nil {
		return err
	}
	var room string
	for c := range clients {
		if c%10 == 0 {
			r, err := b.svc.CreateRoom(b.ctx(ctx), account, fmt.Sprintf("Deploys %d", c/10), "")
			if err != nil {
				return err
			}
			room = r.ID
		}
		_, url, err := b.svc.CreateWebhook(b.ctx(ctx), account, room, fmt.Sprintf("hook %d", c))
		if err != nil {
			return err
		}
		// The URL names the public host; the benchmark reaches the
		// handler on its own port with the same path and query.
		h.urls = append(h.urls, base+strings.TrimPrefix(url, b.svc.Invitations.PublicURL))
	}
	return nil
}

type hookFloor struct{ insert *sql.Stmt }

func (h *hookBench) startFloor(b *bench, dir string) error {
	db, err := sql.Open("sqlite", b.db.sqliteDSN(filepath.Join(dir, "hookfloor.db")))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1) // one writer, as Belfry's SQLite store has
	if _, err := db.Exec(`CREATE TABLE posts (id TEXT PRIMARY KEY, hook TEXT NOT NULL, content TEXT NOT NULL)`); err != nil {
		return err
	}
	stmt, err := db.Prepare(`INSERT INTO posts (id, hook, content) VALUES (?, ?, ?)`)
	if err != nil {
		return err
	}
	h.floor, err = b.listen(&hookFloor{insert: stmt})
	h.floor += "/incomingwebhooks/floor?token=floor"
	return err
}

func (f *hookFloor) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var in struct{ Content string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 64<<10)).Decode(&in); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if _, err := f.insert.Exec(uuid.NewString(), r.URL.Query().Get("token"), in.Content); err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.WriteHeader(http.StatusOK)
}
