package readiness

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/belfryhq/belfry"
)

var (
	errFull     = errors.New("disk full")
	errConflict = errors.New("a user with that e-mail exists")
)

// storage is a store's side of Writes: a probe that fails while full is
// set, and the faults it can tell apart.
type storage struct {
	mu     sync.Mutex
	full   bool
	probes int
}

func (s *storage) probe(context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.probes++
	if s.full {
		return errFull
	}
	return nil
}

func (s *storage) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.probes
}

func fault(err error) string {
	if errors.Is(err, errFull) {
		return "the disk is full"
	}
	return ""
}

func TestChecks(t *testing.T) {
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	st := &storage{}
	w := &Writes{Probe: st.probe, Fault: fault, Now: func() time.Time { return now }}
	ctx := t.Context()
	check := func(wantProbes int, wantReason string) {
		t.Helper()
		err := w.Check(ctx)
		switch {
		case wantReason == "" && err != nil:
			t.Errorf("Check() = %v; want nil", err)
		case wantReason != "" && (belfry.ErrorKind(err) != belfry.Unavailable || !strings.Contains(belfry.ErrorMessage(err), wantReason)):
			t.Errorf("Check() = %v; want Unavailable saying %q", err, wantReason)
		}
		if got := st.count(); got != wantProbes {
			t.Errorf("after Check, %d probes in all; want %d", got, wantProbes)
		}
	}

	check(1, "") // nothing written yet: probe
	check(1, "") // the probe vouches for Fresh
	now = now.Add(Fresh)
	check(2, "") // stale: probe again
	now = now.Add(Fresh)
	w.Wrote(nil)
	check(2, "") // a real write vouches: no probe
	w.Wrote(errConflict)
	check(2, "") // a refused write says nothing of the storage
	st.full = true
	w.Wrote(errFull)
	check(3, "writes fail: the disk is full") // a failure makes the next check probe
	check(4, "writes fail: the disk is full") // and the one after, until a write works
	st.full = false
	check(5, "")
	check(5, "")
}

// TestConcurrentChecksShareAProbe starts many checks at once on a store
// that nothing has written to: one probe answers them all.
func TestConcurrentChecksShareAProbe(t *testing.T) {
	st := &storage{}
	w := &Writes{Probe: st.probe, Fault: fault}
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.Check(t.Context()); err != nil {
				t.Errorf("Check() = %v", err)
			}
		}()
	}
	wg.Wait()
	if n := st.count(); n != 1 {
		t.Errorf("20 checks at once made %d probes; want 1", n)
	}
}

// TestStuckProbe checks that a check gives up when its context ends while
// another check's probe is stuck, instead of waiting with it.
func TestStuckProbe(t *testing.T) {
	stuck, release := make(chan struct{}), make(chan struct{})
	w := &Writes{Fault: fault, Probe: func(context.Context) error {
		close(stuck)
		<-release
		return nil
	}}
	first := make(chan error, 1)
	go func() { first <- w.Check(context.Background()) }()
	<-stuck
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := w.Check(ctx); belfry.ErrorKind(err) != belfry.Unavailable {
		t.Errorf("Check() beside a stuck probe = %v; want Unavailable", err)
	}
	close(release)
	if err := <-first; err != nil {
		t.Errorf("the stuck probe's Check() = %v once it finished; want nil", err)
	}
}

// TestUnavailable checks which write errors become Unavailable: a failure
// of the storage, even one a store wrapped, and nothing else, so that a
// deterministic failure keeps its own answer.
func TestUnavailable(t *testing.T) {
	w := &Writes{Fault: fault}
	for _, tc := range []struct {
		name string
		err  error
		want belfry.Kind
	}{
		{"full disk", errFull, belfry.Unavailable},
		{"full disk, wrapped", fmt.Errorf("sqlite: %w", errFull), belfry.Unavailable},
		{"conflict", &belfry.Error{Kind: belfry.Conflict, Message: "taken", Err: errFull}, belfry.Conflict},
		{"unrelated", errConflict, belfry.Internal},
	} {
		got := w.Unavailable(tc.err)
		if belfry.ErrorKind(got) != tc.want || !errors.Is(got, tc.err) {
			t.Errorf("Unavailable(%s) = %v (kind %v); want kind %v wrapping the error", tc.name, got, belfry.ErrorKind(got), tc.want)
		}
	}
	if got := w.Unavailable(errFull); !strings.Contains(belfry.ErrorMessage(got), "the disk is full") {
		t.Errorf("Unavailable(full disk) says %q; want the reason", belfry.ErrorMessage(got))
	}
	if w.Unavailable(nil) != nil {
		t.Error("Unavailable(nil) != nil")
	}
}
