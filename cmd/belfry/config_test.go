package main

import (
	"net"
	"regexp"
	"strings"
	"testing"
)

// TestPublicURLRefused starts Belfry with a BELFRY_PUBLIC_URL that is no
// absolute http(s) URL: it must refuse to start, naming the variable,
// rather than mail accept links that lead nowhere.
func TestPublicURLRefused(t *testing.T) {
	t.Parallel()
	for _, bad := range []string{"chime.example.org", "ftp://chime.example.org", "/belfry", "https://", "https://chime.example.org/?x=1"} {
		t.Run(bad, func(t *testing.T) {
			p := launch(t, belfryBinary(t), startOptions{DataDir: t.TempDir(), ExtraEnv: []string{"BELFRY_PUBLIC_URL=" + bad}})
			if err := p.waitReady(); err == nil {
				t.Fatalf("belfry serve with BELFRY_PUBLIC_URL=%s started; want it to refuse to", bad)
			}
			select {
			case <-p.done:
			default:
				t.Fatalf("belfry serve with BELFRY_PUBLIC_URL=%s neither started nor stopped", bad)
			}
			if code := exitCode(p.waitErr); code != 1 || !strings.Contains(p.stderr.String(), "BELFRY_PUBLIC_URL") {
				t.Errorf("belfry serve with BELFRY_PUBLIC_URL=%s: exit %d, stderr:\n%s\nwant exit 1 naming the variable", bad, code, p.stderr)
			}
		})
	}
}

// TestSQLiteSync starts Belfry with each BELFRY_SQLITE_SYNC: full and
// normal start and say in the log which one the store runs with, and a
// value that is neither is refused, naming the variable, rather than run
// on a durability the operator did not ask for.
func TestSQLiteSync(t *testing.T) {
	t.Parallel()
	for _, sync := range []string{"full", "normal"} {
		p := startBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_SQLITE_SYNC=" + sync}})
		if want := "(sync " + sync + ")"; !strings.Contains(p.stderr.String(), want) {
			t.Errorf("BELFRY_SQLITE_SYNC=%s: the log does not say %q:\n%s", sync, want, p.stderr)
		}
	}
	p := launch(t, belfryBinary(t), startOptions{DataDir: t.TempDir(), ExtraEnv: []string{"BELFRY_SQLITE_SYNC=off"}})
	if err := p.waitReady(); err == nil {
		t.Fatal("belfry serve with BELFRY_SQLITE_SYNC=off started; want it to refuse to")
	}
	<-p.done
	if code := exitCode(p.waitErr); code != 1 || !strings.Contains(p.stderr.String(), "BELFRY_SQLITE_SYNC") {
		t.Errorf("BELFRY_SQLITE_SYNC=off: exit %d, stderr:\n%s\nwant exit 1 naming the variable", code, p.stderr)
	}
}

// TestPublicURLOnEveryInterface starts Belfry on 0.0.0.0 with no
// BELFRY_PUBLIC_URL: its links must point at http://localhost:PORT, not at
// 0.0.0.0, which no browser opens, and it must say that BELFRY_PUBLIC_URL
// should be set. Operator commands with only BELFRY_ADDR set find it.
func TestPublicURLOnEveryInterface(t *testing.T) {
	t.Parallel()
	_, port, err := net.SplitHostPort(freeAddr(t))
	if err != nil {
		t.Fatal(err)
	}
	addr := "0.0.0.0:" + port
	p := launch(t, belfryBinary(t), startOptions{DataDir: t.TempDir(), Addr: addr})
	p.URL = "http://127.0.0.1:" + port
	if err := p.waitReady(); err != nil {
		t.Fatalf("belfry on %s did not become ready: %v", addr, err)
	}
	want := "http://localhost:" + port
	if log := p.stderr.String(); !strings.Contains(log, "public_url="+want) || !regexp.MustCompile(`level=WARN.*BELFRY_PUBLIC_URL`).MatchString(log) {
		t.Errorf("belfry on %s without BELFRY_PUBLIC_URL logged:\n%s\nwant public_url=%s and a warning that names BELFRY_PUBLIC_URL", addr, log, want)
	}

	b := &mailBelfry{proc: p, PublicURL: want, chime: p.sdk(rootKeyID, rootSecret)}
	b.invite(b.team("Team"), "ana@example.org")
	r := runCmd(t, cleanEnv(append(rootEnv(), "BELFRY_ADDR="+addr)...), belfryBinary(t), "invitations", "list")
	if r.Err != nil || !strings.Contains(r.Stdout, want+"/invitations/") {
		t.Errorf("belfry invitations list with BELFRY_ADDR=%s and no BELFRY_ENDPOINT: %v\nwant a link to %s/invitations/…", addr, r, want)
	}
}

// TestOperatorEndpointFromAddr runs an operator command with BELFRY_ADDR
// set as for the server and BELFRY_ENDPOINT unset: it must find the server
// there, not at the default port.
func TestOperatorEndpointFromAddr(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	addr := strings.TrimPrefix(p.URL, "http://")
	r := runCmd(t, cleanEnv(append(rootEnv(), "BELFRY_ADDR="+addr)...), belfryBinary(t), "keys", "list")
	if r.Err != nil || !strings.Contains(r.Stdout, "ACCESS KEY ID") || !strings.Contains(p.stderr.String(), "path=/_belfry/keys") {
		t.Errorf("belfry keys list with BELFRY_ADDR=%s and no BELFRY_ENDPOINT: %v\nwant the key list of the server at %s", addr, r, p.URL)
	}
}

func TestDefaultEndpoint(t *testing.T) {
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:8080",
		"127.0.0.1:9000": "http://127.0.0.1:9000",
		"localhost:9000": "http://localhost:9000",
		":18086":         "http://127.0.0.1:18086",
		"0.0.0.0:18086":  "http://127.0.0.1:18086",
		"[::]:18086":     "http://127.0.0.1:18086",
		"[::1]:18086":    "http://[::1]:18086",
		"no port":        "http://127.0.0.1:8080",
	} {
		if got := defaultEndpoint(addr); got != want {
			t.Errorf("defaultEndpoint(%q) = %q, want %q", addr, got, want)
		}
	}
}
