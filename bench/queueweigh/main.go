// Command queueweigh measures River (riverqueue/river) against Belfry's own
// durable outbox, on SQLite and on PostgreSQL: the cost of enqueueing a job in
// the transaction of a business write, how soon and how fast jobs are worked,
// and whether replicas sharing a PostgreSQL database ever work a job twice.
// It is a benchmark for a decision, not part of Belfry: it is its own module,
// so that Belfry gains no dependency on River.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"text/tabwriter"
	"time"
)

var (
	dur           = flag.Duration("dur", 6*time.Second, "how long each enqueue measurement runs")
	conc          = flag.Int("conc", 32, "goroutines enqueueing at once")
	pace          = flag.Duration("pace", 20*time.Millisecond, "interval between enqueues when measuring latency")
	pacedDur      = flag.Duration("paced-dur", 4*time.Second, "how long the paced latency measurement runs")
	backlogN      = flag.Int("backlog", 20000, "jobs in the backlog that drain measures")
	drainLimit    = flag.Duration("drain-limit", 90*time.Second, "the longest a drain is waited for")
	stores        = flag.String("stores", "sqlite,postgres", "which stores to measure")
	pgURL         = flag.String("pg", "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable", "PostgreSQL server to make databases on")
	riverWorkers  = flag.Int("river-workers", 100, "River's MaxWorkers for the default queue")
	riverCooldown = flag.Duration("river-cooldown", 0, "River's FetchCooldown (0: River's default, 100ms)")
	outboxBatch   = flag.Int("outbox-batch", 16, "outbox jobs claimed at most (Belfry's default: 4 x concurrency)")
	outboxConc    = flag.Int("outbox-conc", 4, "outbox jobs worked at once (Belfry's default)")
	riverBusy     = flag.Int("river-busy-ms", 5000, "SQLite busy_timeout of River's own pool, in milliseconds")
	riverConns    = flag.Int("river-conns", 1, "connections in River's own SQLite pool (riversqlite advises 1)")
	only          = flag.String("only", "", "run only the scenarios whose name contains this")
	cpuProfile    = flag.String("cpuprofile", "", "write a CPU profile to this file")
)

func main() {
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "queueweigh:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var rows []row
	for _, name := range strings.Split(*stores, ",") {
		var b backend
		switch name {
		case "sqlite":
			b = sqliteBackend()
		case "postgres":
			b = postgresBackend(*pgURL)
		default:
			fmt.Fprintf(os.Stderr, "queueweigh: unknown store %q\n", name)
			os.Exit(2)
		}
		rows = append(rows, runStore(ctx, b, func(r row) {
			fmt.Fprintf(os.Stderr, "%s %s %s: %.0f/s %s\n", r.store, r.scenario, r.variant, r.rate, r.note)
		})...)
	}
	printRows(rows)
}

// variants are the ways of enqueueing and working jobs measured on a store:
// the floor, Belfry's outbox and River as configured by default, and tuned.
type variants struct {
	floor, own, riv      variant
	ownTuned, ownBatched variant
	rivTuned             variant
	working              []variant // the defaults, with a worker running
}

func variantsFor(b backend) variants {
	v := variants{
		floor:    variant{name: "floor (no job)", job: noJob},
		own:      variant{name: "outbox", job: outbox},
		riv:      variant{name: "river", job: riverq},
		ownTuned: variant{name: "outbox (claim 1000, 100 at once)", job: outbox, batch: 1000, conc: 100},
		ownBatched: variant{name: "outbox (claim 1000, 100 at once, batched completes)", job: outbox,
			batch: 1000, conc: 100, together: true},
		rivTuned: variant{name: "river (1000 workers, 10ms cooldown)", job: riverq, workers: 1000,
			cooldown: 10 * time.Millisecond},
	}
	v.working = []variant{v.own, v.riv}
	if b.name == "sqlite" {
		v.riv.name = "river (Belfry's writer conn)"
		v.rivTuned.name = "river (writer conn, 1000 workers, 10ms cooldown)"
		v.working = []variant{v.own, v.riv, {name: "river (own pool)", job: riverq, ownPool: true}}
	}
	return v
}

// step is one measurement, named by its scenario for -only.
type step struct {
	scenario string
	run      func() row
}

// plan lists the measurements of one store, the variants of each one after
// another so that they meet the same load; the enqueue measurement runs its
// variants forwards, then backwards.
func plan(ctx context.Context, b backend) []step {
	v := variantsFor(b)
	full := load{conc: *conc, dur: *dur}
	paced := load{conc: 1, pace: *pace, dur: *pacedDur}
	all := append(slices.Clone(v.working), v.ownTuned, v.ownBatched, v.rivTuned)
	var steps []step
	for _, x := range []variant{v.floor, v.own, v.riv, v.riv, v.own, v.floor} {
		steps = append(steps, step{"enqueue", func() row { return enqueueOnly(ctx, b, x, full) }})
	}
	for _, x := range all {
		steps = append(steps, step{"enqueue+worker", func() row {
			return enqueueWorking(ctx, b, "enqueue+worker", x, full, time.Second)
		}})
	}
	for _, x := range append(slices.Clone(v.working), v.ownBatched, v.rivTuned) {
		steps = append(steps, step{"latency (paced)", func() row {
			return enqueueWorking(ctx, b, "latency (paced)", x, paced, time.Second)
		}})
	}
	for _, x := range all {
		steps = append(steps, step{"drain", func() row { return drain(ctx, b, x, *backlogN, 1, *drainLimit) }})
	}
	if b.name == "postgres" {
		for _, x := range all {
			steps = append(steps, step{"drain replicas", func() row { return drain(ctx, b, x, *backlogN, 3, *drainLimit) }})
		}
	}
	return steps
}

// runStore runs the measurements of one store that -only selects.
func runStore(ctx context.Context, b backend, progress func(row)) []row {
	var rows []row
	for _, st := range plan(ctx, b) {
		if ctx.Err() != nil || !strings.Contains(st.scenario, *only) {
			continue
		}
		r := st.run()
		progress(r)
		rows = append(rows, r)
	}
	return rows
}

func printRows(rows []row) {
	w := tabwriter.NewWriter(os.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "store\tscenario\tvariant\trate/s\tenq p50\tenq p99\tdeliv p50\tdeliv p99\tenqueued\tdelivered\ttwice\terrors\triver warn (busy)\tnote\n")
	for _, r := range rows {
		fmt.Fprintf(w, "%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d (%d)\t%s\n",
			r.store, r.scenario, r.variant, r.rate, ms(r.enqP50), ms(r.enqP99), ms(r.delP50), ms(r.delP99),
			r.enqueued, r.delivered, r.twice, r.errs, r.riverLogs, r.busy, trim(r.note))
	}
	w.Flush()
	for _, r := range rows {
		for _, msg := range r.riverFirst {
			fmt.Printf("River logged (%s, %s, %s): %s\n", r.store, r.scenario, r.variant, trim(msg))
		}
	}
}

func ms(d time.Duration) string {
	if d == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond))
}

func trim(s string) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) > 160 {
		return s[:160] + "…"
	}
	return s
}
