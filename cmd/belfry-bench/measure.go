package main

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A scenario is one kind of request, driven by many clients at once. Each
// client calls do with its own index and a counter of its calls.
type scenario struct {
	name  string
	setup func(ctx context.Context) error
	do    func(ctx context.Context, client, n int) error
	// report, when set, is called after the run for a line of its own.
	report func() string
}

type result struct {
	name      string
	requests  int
	errors    int
	elapsed   time.Duration
	latencies []time.Duration
	firstErr  error
	note      string
	// cpu is the CPU time the whole process (server and clients) spent
	// during the run: per request, it compares builds on a machine too
	// busy for their rates to.
	cpu time.Duration
}

// cpuPerRequest is the process's CPU time per request of the run.
func (r result) cpuPerRequest() time.Duration {
	if r.requests == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.requests)
}

// cpuTime is the CPU time the process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func (r result) rate() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	return r.latencies[min(len(r.latencies)-1, int(p*float64(len(r.latencies))))]
}

// measure runs sc with clients concurrent clients for about d, after a short
// warm-up whose requests are not counted.
func measure(ctx context.Context, sc scenario, clients int, d time.Duration) result {
	warm(ctx, sc, clients)
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		stop     atomic.Bool
		res      = result{name: sc.name}
		deadline = time.Now().Add(d)
	)
	start, cpu0 := time.Now(), cpuTime()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lat := make([]time.Duration, 0, 4096)
			var errs int
			var first error
			for n := 1_000_000; !stop.Load(); n++ {
				t0 := time.Now()
				err := sc.do(ctx, c, n)
				lat = append(lat, time.Since(t0))
				if err != nil {
					errs++
					first = cmpErr(first, err)
				}
				if time.Now().After(deadline) {
					stop.Store(true)
				}
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			res.errors += errs
			res.firstErr = cmpErr(res.firstErr, first)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed, res.cpu = time.Since(start), cpuTime()-cpu0
	res.requests = len(res.latencies)
	if sc.report != nil {
		res.note = sc.report()
	}
	slices.Sort(res.latencies)
	return res
}

// warm sends a few requests per client so that connections are open and
// statements prepared before the clock starts.
func warm(ctx context.Context, sc scenario, clients int) {
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range 5 {
				sc.do(ctx, c, n)
			}
		}()
	}
	wg.Wait()
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}
