package main

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/botevent"
	"github.com/belfryhq/belfry/queue"
)

// bots measures bot event delivery, server, worker and bots in one
// process, the bots behind a real HTTPS server trusted through a CA file:
//
//   - mention-to-delivery: mentions posted at rate a second for n posts,
//     each timed from the post's start to its Mention's arrival at a
//     healthy bot;
//   - outbox: n posts mentioning all ten bots, queued while the worker is
//     stopped, then delivered: deliveries a second from the worker's start
//     to the last arrival;
//   - posting: the post's own latency at rate a second with no bot
//     mentioned, with a bot whose endpoint answers 503, and with one that
//     answers after 3 s (past the 2 s timeout).
type bots struct {
	rate  int
	posts int
}

// benchBot is the bots' endpoint: it echoes the challenge and notes when
// each event arrived, by its message; its mode says whether it is healthy,
// down (503) or slow (answers after 3 s).
type benchBot struct {
	mode     atomic.Value // "ok", "down" or "slow"
	mu       sync.Mutex
	arrivals map[string]time.Time
	count    atomic.Int64
	all      chan struct{}
	want     int64
}

func (b *benchBot) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	var ev struct{ EventType, Challenge, Message string }
	json.Unmarshal(body, &ev)
	if ev.EventType == "HTTPSEndpointVerification" {
		json.NewEncoder(w).Encode(map[string]string{"Challenge": ev.Challenge})
		return
	}
	switch b.mode.Load() {
	case "down":
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	case "slow":
		time.Sleep(3 * time.Second)
	}
	now := time.Now()
	if ev.EventType == "Mention" {
		b.mu.Lock()
		b.arrivals[r.URL.Path+" "+ev.Message] = now
		b.mu.Unlock()
	}
	if n := b.count.Add(1); n == b.want {
		close(b.all)
	}
}

func (s *bots) run(ctx context.Context, b *bench) error {
	bot := &benchBot{arrivals: make(map[string]time.Time), all: make(chan struct{})}
	bot.mode.Store("ok")
	srv := httptest.NewTLSServer(bot)
	defer srv.Close()
	dir, err := os.MkdirTemp("", "belfry-bench-bots-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	ca := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(ca, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw}), 0o600); err != nil {
		return err
	}
	client, err := botevent.New(botevent.Config{CAFile: ca})
	if err != nil {
		return err
	}
	svc := b.svc
	svc.BotEndpoints = client
	svc.Invitations.PublicURL = "https://belfry.example.net"
	account, err := b.account(ctx, "bench-bots", "bots.example.net")
	if err != nil {
		return err
	}
	room, err := svc.CreateRoom(b.ctx(ctx), account, "Bots", "")
	if err != nil {
		return err
	}
	u, err := svc.CreateUser(b.ctx(ctx), account, belfry.CreateUserInput{Email: "poster@bots.example.net"})
	if err != nil {
		return err
	}
	if _, err := svc.CreateRoomMembership(b.ctx(ctx), account, room.ID, u.ID, ""); err != nil {
		return err
	}
	var names []string
	for i := range belfry.MaxBotsPerAccount {
		name := fmt.Sprintf("bot%d", i)
		bt, err := svc.CreateBot(b.ctx(ctx), account, name, "")
		if err != nil {
			return err
		}
		if _, err := svc.PutEventsConfiguration(b.ctx(ctx), account, bt.ID, srv.URL+"/"+name, ""); err != nil {
			return err
		}
		if _, err := svc.CreateRoomMembership(b.ctx(ctx), account, room.ID, bt.ID, ""); err != nil {
			return err
		}
		names = append(names, name)
	}
	post := func(content string) (time.Duration, error) {
		start := time.Now()
		_, err := svc.PostRoomMessage(ctx, account, room.ID, u.ID, content)
		return time.Since(start), err
	}

	// The outbox: jobs queued while no worker runs, then delivered.
	mentionAll := "@" + strings.Join(names, " @")
	for i := range s.posts {
		if _, err := post(fmt.Sprintf("%s outbox %d", mentionAll, i)); err != nil {
			return err
		}
	}
	bot.want = int64(s.posts*len(names) + len(names)) // the Invites are still queued too
	wctx, stop := context.WithCancel(ctx)
	d := botevent.NewDeliverer(svc, client, botevent.DelivererConfig{})
	w := d.Worker(queue.Config{
		Concurrency: 64, Lease: 12 * time.Second, RunTimeout: 3 * time.Second, Poll: time.Second,
		Logger: slog.New(slog.DiscardHandler),
	})
	svc.BotEvents = w
	start := time.Now()
	done := make(chan struct{})
	go func() { w.Run(wctx); close(done) }()
	defer func() { stop(); <-done }()
	select {
	case <-bot.all:
	case <-time.After(5 * time.Minute):
		return fmt.Errorf("outbox: %d of %d events delivered in 5 minutes", bot.count.Load(), bot.want)
	}
	took := time.Since(start)
	fmt.Printf("bots outbox: %d events queued for 10 endpoints delivered in %s: %.0f deliveries/s\n",
		bot.want, took.Round(time.Millisecond), float64(bot.want)/took.Seconds())

	// Mention to delivery, at rate a second, to a healthy bot.
	bot.count.Store(0)
	bot.want, bot.all = int64(s.posts), make(chan struct{})
	starts := make(map[string]time.Time, s.posts)
	tick := time.NewTicker(time.Second / time.Duration(s.rate))
	for i := range s.posts {
		<-tick.C
		msg := fmt.Sprintf("@bot0 latency %d", i)
		starts["/bot0 "+msg] = time.Now()
		if _, err := post(msg); err != nil {
			return err
		}
	}
	tick.Stop()
	select {
	case <-bot.all:
	case <-time.After(time.Minute):
		return fmt.Errorf("latency: %d of %d mentions delivered in a minute", bot.count.Load(), bot.want)
	}
	var lat []time.Duration
	bot.mu.Lock()
	for k, t0 := range starts {
		lat = append(lat, bot.arrivals[k].Sub(t0))
	}
	bot.mu.Unlock()
	p50, p99 := pct(lat, 0.5), pct(lat, 0.99)
	fmt.Printf("bots mention-to-delivery: %d mentions at %d/s to a healthy endpoint: p50 %s, p99 %s\n",
		s.posts, s.rate, p50.Round(10*time.Microsecond), p99.Round(10*time.Microsecond))

	// Posting latency with no bot, a down bot and a slow bot mentioned.
	for _, mode := range []struct{ name, mention, bot string }{
		{"no bot mentioned", "", "ok"},
		{"a bot down (503)", "@bot1 ", "down"},
		{"a bot slow (3 s)", "@bot1 ", "slow"},
	} {
		bot.mode.Store(mode.bot)
		var took []time.Duration
		tick := time.NewTicker(time.Second / time.Duration(s.rate))
		for i := range s.posts {
			<-tick.C
			d, err := post(fmt.Sprintf("%sposting %s %d", mode.mention, mode.name, i))
			if err != nil {
				return err
			}
			took = append(took, d)
		}
		tick.Stop()
		fmt.Printf("bots posting with %s: %d posts at %d/s: p50 %s, p99 %s\n", mode.name, s.posts, s.rate,
			pct(took, 0.5).Round(10*time.Microsecond), pct(took, 0.99).Round(10*time.Microsecond))
	}
	bot.mode.Store("ok")
	return nil
}

// pct is the p-th percentile of ds.
func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	ds = slices.Clone(ds)
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}
