// Command belfry-bench measures Belfry through the real aws-sdk-go-v2 Chime
// client: requests per second and p50/p99 latency of CreateUser, InviteUsers
// with 50 addresses, CreateRoomMembership and ListUsers pages at 1,000 and
// at 100,000 users, with 32 concurrent clients on this machine. Beside
// Belfry it runs a floor: a bare server that only verifies SigV4 and does
// one SQLite insert per request, so that Belfry's CreateUser figure can be
// read as a share of what the machine allows. SQLite commits, Belfry's and
// the floor's, wait for the disk as Belfry's do by default; -sqlite-sync
// normal measures both as with BELFRY_SQLITE_SYNC=normal.
//
//	go run ./cmd/belfry-bench [-duration 10s] [-clients 32] [-only CreateUser,ListUsers]
//
// The soak scenario runs only when named: CreateUser for a few minutes,
// with a line every 10 s of throughput and of the WAL's and database's
// sizes, to show that both stay flat under sustained writes.
//
//	go run ./cmd/belfry-bench -only soak [-soak 3m] [-soak-every 10s]
//
// The bots scenario, also only when named, measures bot event delivery
// (bots.go): mention-to-delivery latency, deliveries a second the outbox
// sustains, and posting latency with a bot down or slow.
//
//	go run ./cmd/belfry-bench -only bots [-bots-rate 100] [-bots-posts 1000]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
)

func main() {
	duration := flag.Duration("duration", 10*time.Second, "how long each scenario runs")
	clients := flag.Int("clients", 32, "concurrent clients")
	only := flag.String("only", "", "comma-separated scenarios to run (default all but soak): floor, CreateUser, InviteUsers50, InviteUsers50+smtp, InviteUsers50+slowsmtp, InviteUsers50+downsmtp, CreateRoomMembership, ListUsers1k, ListUsers100k, webhookfloor, Webhook, soak, live, bots")
	soakFor := flag.Duration("soak", 3*time.Minute, "how long the soak scenario runs")
	soakEvery := flag.Duration("soak-every", 10*time.Second, "how often the soak scenario prints a line")
	listUsers := flag.Int("list-users", 100_000, "users in the large account for ListUsers100k")
	lv := &live{}
	flag.IntVar(&lv.streams, "live-streams", 1000, "live streams the live scenario holds open on one room")
	flag.IntVar(&lv.posts, "live-posts", 100, "webhook posts the live scenario sends, ten a second")
	bt := &bots{}
	flag.IntVar(&bt.rate, "bots-rate", 100, "mentions a second the bots scenario posts")
	flag.IntVar(&bt.posts, "bots-posts", 1000, "posts in each part of the bots scenario")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the measured runs to this file")
	db := new(database)
	flag.StringVar(&db.url, "database-url", "", "run Belfry on this PostgreSQL database, in a fresh schema dropped afterwards (default SQLite in a temporary directory)")
	flag.IntVar(&db.replicas, "replicas", 1, "Belfry servers on the one PostgreSQL database, clients spread over them round-robin")
	syncName := flag.String("sqlite-sync", "full", "what a SQLite commit waits for, Belfry's and the floors' alike: full (the disk, as Belfry does by default) or normal (BELFRY_SQLITE_SYNC)")
	flag.Parse()
	if err := db.check(*syncName); err != nil {
		fmt.Fprintln(os.Stderr, "belfry-bench:", err)
		os.Exit(2)
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "belfry-bench:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	sk := &soak{duration: *soakFor, every: *soakEvery, clients: *clients, sqlite: !db.postgres()}
	if err := run(*duration, *clients, *only, *listUsers, db, sk, lv, bt); err != nil {
		fmt.Fprintln(os.Stderr, "belfry-bench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(duration time.Duration, clients int, only string, listUsers int, db *database, sk *soak, lv *live, bt *bots) error {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "belfry-bench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	b, err := newBench(ctx, dir, clients, db)
	if err != nil {
		return err
	}
	defer b.close()
	selected := func(name string) bool {
		return only == "" || strings.Contains(","+only+",", ","+name+",")
	}
	fmt.Printf("belfry-bench: %d clients, %s per scenario, GOMAXPROCS %d, %d CPUs, %s\nstore: %s\n\n",
		clients, duration, runtime.GOMAXPROCS(0), runtime.NumCPU(), runtime.Version(), db)
	var results []result
	for _, sc := range b.scenarios(dir, listUsers, clients) {
		if !selected(sc.name) {
			continue
		}
		if sc.setup != nil {
			if err := sc.setup(ctx); err != nil {
				return fmt.Errorf("%s: setup: %w", sc.name, err)
			}
		}
		r := measure(ctx, sc, clients, duration)
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "  done: %s\n", sc.name)
	}
	if len(results) > 0 {
		report(results, db)
	}
	if strings.Contains(","+only+",", ",live,") {
		if err := lv.run(ctx, b); err != nil {
			return err
		}
	}
	if strings.Contains(","+only+",", ",bots,") {
		if err := bt.run(ctx, b); err != nil {
			return err
		}
	}
	if strings.Contains(","+only+",", ",soak,") {
		sk.dir = dir
		return sk.run(ctx, b.createUser("soak"))
	}
	return nil
}

func report(results []result, db *database) {
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\trequests\terrors\treq/s\tp50\tp99\tcpu/req\t")
	var floor, createUser, hookFloor, hook float64
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.0f\t%s\t%s\t%s\t\n", r.name, r.requests, r.errors, r.rate(),
			r.percentile(0.50).Round(10*time.Microsecond), r.percentile(0.99).Round(10*time.Microsecond),
			r.cpuPerRequest().Round(time.Microsecond))
		switch r.name {
		case "floor":
			floor = r.rate()
		case "CreateUser":
			createUser = r.rate()
		case "webhookfloor":
			hookFloor = r.rate()
		case "Webhook":
			hook = r.rate()
		}
	}
	tw.Flush()
	if floor > 0 && createUser > 0 {
		kind := "SQLite (sync " + db.sync.String() + ")"
		if db.postgres() {
			kind = "PostgreSQL"
		}
		fmt.Printf("\nCreateUser reaches %.0f%% of the floor (bare SigV4 check + one %s insert)\n", 100*createUser/floor, kind)
	}
	if hookFloor > 0 && hook > 0 {
		fmt.Printf("Webhook posts reach %.0f%% of the webhook floor (read the JSON body + one SQLite insert, sync %s)\n", 100*hook/hookFloor, db.sync)
	}
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		fmt.Printf("memory: max RSS %d MiB (server and clients in one process), Go heap in use %d MiB\n",
			ru.Maxrss/1024, ms.HeapInuse>>20)
	}
	for _, r := range results {
		if r.note != "" {
			fmt.Printf("%s: %s\n", r.name, r.note)
		}
		if r.firstErr != nil {
			fmt.Printf("first error in %s: %v\n", r.name, r.firstErr)
		}
	}
}
