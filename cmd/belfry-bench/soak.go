package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// soak runs CreateUser with every client for a long while, the load under
// which the SQLite WAL once grew to gigabytes, and prints a line per
// interval: the throughput in that interval and, on SQLite, the WAL's size
// now and at its peak so far (sampled every 50 ms) and the database's size,
// so that a reader sees whether both stay flat.
type soak struct {
	dir      string
	clients  int
	duration time.Duration
	every    time.Duration
	sqlite   bool

	requests, errors atomic.Int64
	walPeak          atomic.Int64
	firstErr         atomic.Value
}

func (s *soak) run(ctx context.Context, sc scenario) error {
	if err := sc.setup(ctx); err != nil {
		return fmt.Errorf("soak: setup: %w", err)
	}
	fmt.Printf("soak: CreateUser, %d clients, %s, a line every %s\n", s.clients, s.duration, s.every)
	fmt.Printf(lineFormat, "elapsed", "requests", "errors", "req/s", "WAL now", "WAL peak", "database")
	ctx, cancel := context.WithTimeout(ctx, s.duration)
	defer cancel()
	var wg sync.WaitGroup
	for c := range s.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.drive(ctx, sc, c)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.watch(ctx)
	}()
	wg.Wait()
	elapsed := s.duration.Seconds()
	fmt.Printf("soak: %d requests, %d errors, %.0f req/s", s.requests.Load(), s.errors.Load(), float64(s.requests.Load())/elapsed)
	if s.sqlite {
		fmt.Printf("; WAL peak %s, database %s, WAL at the end %s",
			mib(s.walPeak.Load()), mib(size(s.path(""))), mib(size(s.path("-wal"))))
	}
	fmt.Println()
	if err, ok := s.firstErr.Load().(error); ok {
		fmt.Printf("soak: first error: %v\n", err)
	}
	return nil
}

// drive sends requests from client c until ctx ends.
func (s *soak) drive(ctx context.Context, sc scenario, c int) {
	for n := 1_000_000; ctx.Err() == nil; n++ {
		err := sc.do(ctx, c, n)
		switch {
		case err == nil:
			s.requests.Add(1)
		case ctx.Err() == nil:
			s.errors.Add(1)
			s.firstErr.CompareAndSwap(nil, err)
		}
	}
}

// watch samples the WAL's size for its peak and prints a line per interval
// until ctx ends.
func (s *soak) watch(ctx context.Context) {
	sample, line := time.NewTicker(50*time.Millisecond), time.NewTicker(s.every)
	defer sample.Stop()
	defer line.Stop()
	start, last := time.Now(), int64(0)
	for {
		select {
		case <-ctx.Done():
			return
		case <-sample.C:
			if s.sqlite {
				s.walPeak.Store(max(s.walPeak.Load(), size(s.path("-wal"))))
			}
		case <-line.C:
			n := s.requests.Load()
			wal, peak, db := "-", "-", "-"
			if s.sqlite {
				wal, peak, db = mib(size(s.path("-wal"))), mib(s.walPeak.Load()), mib(size(s.path("")))
			}
			fmt.Printf(lineFormat, time.Since(start).Round(time.Second), fmt.Sprint(n-last), fmt.Sprint(s.errors.Load()),
				fmt.Sprintf("%.0f", float64(n-last)/s.every.Seconds()), wal, peak, db)
			last = n
		}
	}
}

// lineFormat is a line of the soak's table, printed as it comes.
const lineFormat = "%8s %9s %7s %7s %11s %11s %11s\n"

// path is the SQLite database's file, or its WAL with suffix "-wal".
func (s *soak) path(suffix string) string { return filepath.Join(s.dir, "belfry.db"+suffix) }

// size is the size of the file at path, 0 when there is none.
func size(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
