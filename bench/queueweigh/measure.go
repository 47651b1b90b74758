package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// row is one line of the printed table.
type row struct {
	store, scenario, variant string
	rate                     float64 // enqueues or jobs worked a second
	enqP50, enqP99           time.Duration
	delP50, delP99           time.Duration
	enqueued, delivered      int
	twice                    int
	errs                     int
	riverLogs, busy          int
	riverFirst               []string
	note                     string
}

// load is how enqueues are made: conc goroutines as fast as they can, or
// one every pace.
type load struct {
	conc int
	pace time.Duration
	dur  time.Duration
}

// enqueueFor runs l against s, recording each job's commit in t and kicking
// the local worker after it.
func enqueueFor(ctx context.Context, s store, k jobKind, t *tracker, kick func(), l load, r *row) {
	var (
		n    atomic.Int64
		errs atomic.Int64
		lat  latencies
		last atomic.Value
	)
	one := func() {
		t0 := time.Now()
		id, at, err := s.enqueue(ctx, k, n.Add(1))
		if err != nil {
			errs.Add(1)
			last.Store(err.Error())
			return
		}
		lat.add(time.Since(t0))
		if k != noJob {
			t.commit(id, at)
			kick()
		}
	}
	start := time.Now()
	l.drive(ctx, one)
	elapsed := time.Since(start)
	r.enqueued = len(lat.d)
	r.rate = float64(r.enqueued) / elapsed.Seconds()
	r.enqP50, r.enqP99 = lat.quantiles()
	r.errs += int(errs.Load())
	if msg, ok := last.Load().(string); ok {
		r.note = "enqueue: " + msg
	}
}

// drive calls one as l says until l.dur has passed.
func (l load) drive(ctx context.Context, one func()) {
	deadline := time.Now().Add(l.dur)
	if l.pace > 0 {
		tick := time.NewTicker(l.pace)
		defer tick.Stop()
		for time.Now().Before(deadline) && ctx.Err() == nil {
			<-tick.C
			one()
		}
		return
	}
	var wg sync.WaitGroup
	for range l.conc {
		wg.Go(func() {
			for time.Now().Before(deadline) && ctx.Err() == nil {
				one()
			}
		})
	}
	wg.Wait()
}

// workers is what drains jobs: one outbox worker or River client a store.
type workers struct {
	kick func()
	stop func() int
}

func startWorkers(ctx context.Context, list []store, v variant, t *tracker) (workers, error) {
	if v.job == outbox {
		var ws []*outboxWorker
		for i, s := range list {
			ws = append(ws, startOutbox(s, t, fmt.Sprintf("worker%d", i+1), v))
		}
		stop := func() int {
			n := 0
			for _, w := range ws {
				w.stop()
				n += int(w.errs.Load())
			}
			return n
		}
		return workers{kick: ws[0].kick, stop: stop}, nil
	}
	var started []riverClient
	stop := func() int {
		for _, c := range started {
			sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			c.Stop(sctx)
			cancel()
		}
		return 0
	}
	for _, s := range list {
		if err := s.river().Start(ctx); err != nil {
			stop()
			return workers{}, err
		}
		started = append(started, s.river())
	}
	return workers{kick: func() {}, stop: stop}, nil
}

// measure opens a fresh database for one variant, runs fn on it and fills
// in what the tracker and River's log saw.
func measure(ctx context.Context, b backend, scenario string, v variant, replicas, want int,
	fn func(ctx context.Context, list []store, t *tracker, r *row) error) row {
	r := row{store: b.name, scenario: scenario, variant: v.name}
	t := newTracker(want)
	logs := &logCounter{}
	list, cleanup, err := b.open(ctx, v, replicas, t, logs)
	if err != nil {
		r.note = "open: " + err.Error()
		return r
	}
	err = fn(ctx, list, t, &r)
	cleanup()
	if err != nil {
		r.note = err.Error()
	}
	if v.job != noJob {
		r.delP50, r.delP99, r.delivered, r.twice = t.report()
	}
	r.riverLogs, r.busy, r.riverFirst = logs.counts()
	return r
}

// enqueueOnly measures enqueues with no worker running.
func enqueueOnly(ctx context.Context, b backend, v variant, l load) row {
	return measure(ctx, b, "enqueue", v, 1, 0, func(ctx context.Context, list []store, t *tracker, r *row) error {
		enqueueFor(ctx, list[0], v.job, t, func() {}, l, r)
		return nil
	})
}

// enqueueWorking measures enqueues, and their delivery, with a worker
// running beside them; settle is how long stragglers are waited for.
func enqueueWorking(ctx context.Context, b backend, scenario string, v variant, l load, settle time.Duration) row {
	return measure(ctx, b, scenario, v, 1, -1, func(ctx context.Context, list []store, t *tracker, r *row) error {
		w, err := startWorkers(ctx, list, v, t)
		if err != nil {
			return err
		}
		enqueueFor(ctx, list[0], v.job, t, w.kick, l, r)
		time.Sleep(settle)
		r.errs += w.stop()
		return nil
	})
}

// drain measures how fast replicas workers work through a backlog of n
// jobs enqueued before they start.
func drain(ctx context.Context, b backend, v variant, n, replicas int, limit time.Duration) row {
	scenario := fmt.Sprintf("drain %d", n)
	if replicas > 1 {
		scenario += fmt.Sprintf(" x%d replicas", replicas)
	}
	return measure(ctx, b, scenario, v, replicas, n, func(ctx context.Context, list []store, t *tracker, r *row) error {
		if err := list[0].backlog(ctx, v.job, n); err != nil {
			return fmt.Errorf("backlog: %w", err)
		}
		start := time.Now()
		w, err := startWorkers(ctx, list, v, t)
		if err != nil {
			return err
		}
		select {
		case <-t.reached:
		case <-time.After(limit):
		case <-ctx.Done():
		}
		started := t.lastStart().Sub(start)
		done, err := waitDone(ctx, list[0], v.job, start.Add(limit))
		r.errs += w.stop()
		if err != nil {
			return err
		}
		r.rate = float64(n) / done.Sub(start).Seconds()
		r.note = fmt.Sprintf("last handler started at %.2fs, all done at %.2fs", started.Seconds(), done.Sub(start).Seconds())
		if _, _, got, _ := t.report(); got < n {
			r.note = fmt.Sprintf("only %d of %d jobs ran within %s", got, n, limit)
		}
		return nil
	})
}

// waitDone returns when every job of kind k is recorded as done, or an
// error if that is not so by deadline.
func waitDone(ctx context.Context, s store, k jobKind, deadline time.Time) (time.Time, error) {
	for {
		n, err := s.unfinished(ctx, k)
		if err != nil {
			return time.Time{}, err
		}
		if n == 0 {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("%d jobs not done in time", n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
