package main

import (
	"slices"
	"sync"
	"time"
)

// latencies collects durations from many goroutines.
type latencies struct {
	mu sync.Mutex
	d  []time.Duration
}

func (l *latencies) add(d time.Duration) {
	l.mu.Lock()
	l.d = append(l.d, d)
	l.mu.Unlock()
}

// quantiles returns the median and the 99th percentile, or zeros when
// nothing was recorded.
func (l *latencies) quantiles() (p50, p99 time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return quantiles(l.d)
}

func quantiles(d []time.Duration) (p50, p99 time.Duration) {
	if len(d) == 0 {
		return 0, 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	at := func(q float64) time.Duration { return s[min(len(s)-1, int(q*float64(len(s))))] }
	return at(0.50), at(0.99)
}

// tracker follows jobs from commit to the start of their handler, and counts
// how often each handler ran, so that a job run twice is seen.
type tracker struct {
	mu        sync.Mutex
	committed map[int64]time.Time
	started   map[int64]time.Time
	runs      map[int64]int
	reached   chan struct{} // closed when want jobs have started
	want      int
}

func newTracker(want int) *tracker {
	return &tracker{
		committed: make(map[int64]time.Time),
		started:   make(map[int64]time.Time),
		runs:      make(map[int64]int),
		reached:   make(chan struct{}),
		want:      want,
	}
}

// commit records when the transaction that enqueued job id committed.
func (t *tracker) commit(id int64, at time.Time) {
	t.mu.Lock()
	t.committed[id] = at
	t.mu.Unlock()
}

// start records that a handler began to run job id.
func (t *tracker) start(id int64) {
	now := time.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	t.runs[id]++
	if t.runs[id] > 1 {
		return
	}
	t.started[id] = now
	if len(t.started) == t.want {
		close(t.reached)
	}
}

// report gives the delivery latencies of the jobs that both committed and
// started, how many jobs started, and how many started more than once. A
// handler may start a moment before its enqueuer saw the commit return:
// that counts as zero.
func (t *tracker) report() (p50, p99 time.Duration, delivered, twice int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	var d []time.Duration
	for id, s := range t.started {
		if c, ok := t.committed[id]; ok {
			d = append(d, max(0, s.Sub(c)))
		}
	}
	for _, n := range t.runs {
		if n > 1 {
			twice++
		}
	}
	p50, p99 = quantiles(d)
	return p50, p99, len(t.started), twice
}

// lastStart is when the last job's handler first started.
func (t *tracker) lastStart() time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	var last time.Time
	for _, s := range t.started {
		if s.After(last) {
			last = s
		}
	}
	return last
}
