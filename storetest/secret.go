package storetest

import (
	"bytes"
	"fmt"
	"sync"
	"testing"

	"github.com/belfryhq/belfry"
)

var secretTests = []test{
	{"FirstValueKept", testSecretKept},
	{"RaceOneWinner", testSecretRace},
}

// RunSecrets runs the cases of belfry.SecretStore, each on a fresh store
// from open, as Run does for the others.
func RunSecrets(t *testing.T, open func(t *testing.T) belfry.Store) {
	for _, tc := range secretTests {
		t.Run("Secrets/"+tc.name, func(t *testing.T) {
			s := open(t)
			t.Cleanup(func() {
				if err := s.Close(); err != nil {
					t.Errorf("Close() = %v", err)
				}
			})
			tc.run(t, s)
		})
	}
}

func testSecretKept(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	first, second := []byte("first secret \x00\xff"), []byte("second secret")
	for _, step := range []struct {
		name      string
		candidate []byte
		want      []byte
	}{
		{"server", first, first},
		{"server", second, first},
		{"cookies", second, second},
	} {
		got, err := s.ServerSecret(ctx, step.name, step.candidate)
		if err != nil {
			t.Fatalf("ServerSecret(%q, %q) = %v", step.name, step.candidate, err)
		}
		if !bytes.Equal(got, step.want) {
			t.Errorf("ServerSecret(%q, %q) = %q; want %q", step.name, step.candidate, got, step.want)
		}
	}
}

// testSecretRace asks for one secret from many goroutines at once, each
// with its own candidate, as replicas starting together do: all must get
// the same value, one of the candidates.
func testSecretRace(t *testing.T, s belfry.Store) {
	const n = 8
	got := make([][]byte, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			got[i], errs[i] = s.ServerSecret(t.Context(), "server", fmt.Appendf(nil, "candidate %d", i))
		})
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("ServerSecret() in goroutine %d = %v", i, errs[i])
		}
		if !bytes.Equal(got[i], got[0]) {
			t.Errorf("ServerSecret() in goroutine %d = %q; goroutine 0 got %q", i, got[i], got[0])
		}
	}
	var known bool
	for i := range n {
		known = known || bytes.Equal(got[0], fmt.Appendf(nil, "candidate %d", i))
	}
	if !known {
		t.Errorf("ServerSecret() = %q; want one of the candidates", got[0])
	}
}
