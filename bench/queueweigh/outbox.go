package main

import (
	"cmp"
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// outboxWorker drains the jobs table the way Belfry's mail/worker.go drains
// its outbox: it claims due jobs with a lease (a batch at a time, topping
// up when half are done), runs them on a few goroutines, and records each
// completion by itself. It wakes on a kick from an enqueuer in the same
// process, or every poll. With together, completions are recorded as they
// pile up, many in one statement, rather than each by itself.
type outboxWorker struct {
	s       store
	t       *tracker
	holder  string
	batch   int
	conc    int
	lease   time.Duration
	poll    time.Duration
	kicks   chan struct{}
	done    chan int64 // finished jobs, when completions are recorded together
	freed   chan struct{}
	pending atomic.Int64
	errs    atomic.Int64
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

func startOutbox(s store, t *tracker, holder string, v variant) *outboxWorker {
	ctx, cancel := context.WithCancel(context.Background())
	w := &outboxWorker{
		s: s, t: t, holder: holder, batch: cmp.Or(v.batch, *outboxBatch), conc: cmp.Or(v.conc, *outboxConc),
		lease: time.Minute, poll: time.Second,
		kicks: make(chan struct{}, 1), freed: make(chan struct{}, 1), cancel: cancel,
	}
	jobs := make(chan int64, w.batch)
	var runners sync.WaitGroup
	for range w.conc {
		runners.Go(func() { w.run(ctx, jobs) })
	}
	if v.together {
		w.done = make(chan int64, w.batch)
		w.wg.Go(func() { w.completeLoop(ctx) })
	}
	w.wg.Go(func() {
		runners.Wait()
		if w.done != nil {
			close(w.done)
		}
	})
	w.wg.Go(func() {
		defer close(jobs)
		w.claimLoop(ctx, jobs)
	})
	return w
}

func (w *outboxWorker) kick() { wake(w.kicks) }

func (w *outboxWorker) stop() {
	w.cancel()
	w.wg.Wait()
}

func (w *outboxWorker) claimLoop(ctx context.Context, jobs chan<- int64) {
	timer := time.NewTimer(w.poll)
	defer timer.Stop()
	for ctx.Err() == nil {
		room := w.batch - int(w.pending.Load())
		if room >= w.batch/2 {
			ids, err := w.s.claim(ctx, w.holder, time.Now(), w.lease, room)
			if err != nil && ctx.Err() == nil {
				w.errs.Add(1)
			}
			w.pending.Add(int64(len(ids)))
			for _, id := range ids {
				jobs <- id
			}
			if len(ids) == room {
				continue // there may be more due at once
			}
		}
		timer.Reset(w.poll)
		select {
		case <-w.kicks:
		case <-w.freed:
		case <-timer.C:
		case <-ctx.Done():
		}
	}
}

func (w *outboxWorker) run(ctx context.Context, jobs <-chan int64) {
	for id := range jobs {
		w.t.start(id)
		// The handler does nothing; its completion is recorded even while
		// the worker stops, as Belfry records a delivery.
		if w.done != nil {
			w.done <- id
			continue
		}
		w.completed(ctx, id)
	}
}

// completeLoop records the completions that are waiting, all in one
// statement, then waits for more.
func (w *outboxWorker) completeLoop(ctx context.Context) {
	for id := range w.done {
		ids := []int64{id}
	gather:
		for len(ids) < w.batch {
			select {
			case id, ok := <-w.done:
				if !ok {
					break gather
				}
				ids = append(ids, id)
			default:
				break gather
			}
		}
		w.completed(ctx, ids...)
	}
}

func (w *outboxWorker) completed(ctx context.Context, ids ...int64) {
	if err := w.s.complete(context.WithoutCancel(ctx), w.holder, ids...); err != nil {
		w.errs.Add(1)
	}
	w.pending.Add(-int64(len(ids)))
	wake(w.freed)
}

func wake(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
