package main

// The tests of this package run the real belfry binary as a child process,
// the way an operator runs it, and drive it through real clients: aws-cli,
// boto3, aws-sdk-go-v2 and belfry's own operator commands.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
)

// The root key the tests start Belfry with: AWS's documentation example
// pair, which is not a secret anywhere.
const (
	rootKeyID     = "AKIAIOSFODNN7EXAMPLE"
	rootSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	rootAwsAcctID = "111122223333"
)

// Bounds on every wait, so that a broken build or server fails a test
// instead of hanging it.
const (
	buildTimeout   = 5 * time.Minute
	readyTimeout   = 20 * time.Second
	commandTimeout = 2 * time.Minute
	stopTimeout    = 10 * time.Second
)

var (
	binDir    string // where TestMain lets the binary be built
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "belfry-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binDir = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// belfryBinary builds the real binary once for all tests of the run.
func belfryBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), buildTimeout)
		defer cancel()
		out := filepath.Join(binDir, "belfry")
		cmd := exec.CommandContext(ctx, "go", "build", "-o", out, ".")
		if b, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build -o %s .: %v\n%s", out, err, b)
			return
		}
		binPath = out
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binPath
}

// cleanEnv is the test's environment without anything that configures
// Belfry or an AWS client, so that neither the developer's settings nor
// their AWS profile leak into a test.
func cleanEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "BELFRY_") || strings.HasPrefix(kv, "AWS_") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, extra...)
}

// syncBuffer is a bytes.Buffer that a child's output can be copied into
// while the test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is one running belfry server.
type proc struct {
	t       *testing.T
	cmd     *exec.Cmd
	URL     string // http://127.0.0.1:PORT
	DataDir string
	stderr  *syncBuffer
	done    chan struct{} // closed when the process has exited
	waitErr error         // the exit status, once done is closed
}

// startOptions says how to start a server.
type startOptions struct {
	DataDir  string // empty means a fresh t.TempDir()
	NoRoot   bool   // leave BELFRY_ROOT_* unset
	ExtraEnv []string
	// Addr is where Belfry listens, for a test that must know it before
	// the start (to set BELFRY_PUBLIC_URL); empty means a free port of
	// 127.0.0.1, another one at each attempt.
	Addr string
}

// startBelfry starts `belfry serve` on a free port of 127.0.0.1 and waits
// until /readyz answers 200. The process is killed when the test ends, and
// its stderr is logged if the test failed.
func startBelfry(t *testing.T, opts startOptions) *proc {
	t.Helper()
	bin := belfryBinary(t)
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	// Another process may take the port between our probe and Belfry's
	// listen; try a few ports before giving up.
	for attempt := 1; ; attempt++ {
		p := launch(t, bin, opts)
		err := p.waitReady()
		if err == nil {
			return p
		}
		p.kill()
		if attempt < 3 && strings.Contains(p.stderr.String(), "address already in use") {
			continue
		}
		t.Fatalf("belfry did not become ready: %v (its stderr follows)", err)
	}
}

func launch(t *testing.T, bin string, opts startOptions) *proc {
	t.Helper()
	addr := opts.Addr
	if addr == "" {
		addr = freeAddr(t)
	}
	env := cleanEnv("BELFRY_ADDR="+addr, "BELFRY_DATA_DIR="+opts.DataDir, "BELFRY_LOG_LEVEL=info")
	if !opts.NoRoot {
		env = append(env, rootEnv()...)
	}
	env = append(env, opts.ExtraEnv...)
	p := &proc{t: t, URL: "http://" + addr, DataDir: opts.DataDir, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = env
	p.cmd.Stdout = p.stderr
	p.cmd.Stderr = p.stderr
	p.cmd.WaitDelay = stopTimeout
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", bin, err)
	}
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.kill()
		if t.Failed() {
			t.Logf("belfry at %s, stderr:\n%s", p.URL, p.stderr.String())
		}
	})
	return p
}

func rootEnv() []string {
	return []string{
		"BELFRY_ROOT_ACCESS_KEY_ID=" + rootKeyID,
		"BELFRY_ROOT_SECRET_ACCESS_KEY=" + rootSecret,
		"BELFRY_ROOT_AWS_ACCOUNT_ID=" + rootAwsAcctID,
	}
}

// freeAddr returns 127.0.0.1 with a port that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitReady polls /readyz until it answers 200, the process exits or
// readyTimeout passes.
func (p *proc) waitReady() error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(readyTimeout)
	for {
		resp, err := client.Get(p.URL + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			err = fmt.Errorf("GET /readyz: %s", resp.Status)
		}
		select {
		case <-p.done:
			return fmt.Errorf("the process exited before it was ready: %v", p.waitErr)
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not ready after %v: %v", readyTimeout, err)
		}
	}
}

// stop sends sig and waits up to within for the process to exit,
// returning how long it took and its exit error (nil for status 0).
func (p *proc) stop(sig syscall.Signal, within time.Duration) (time.Duration, error) {
	p.t.Helper()
	start := time.Now()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("signal %v: %v", sig, err)
	}
	select {
	case <-p.done:
		return time.Since(start), p.waitErr
	case <-time.After(within):
		p.t.Fatalf("belfry still running %v after %v", within, sig)
		return 0, nil
	}
}

// kill ends the process if it still runs and waits for it.
func (p *proc) kill() {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Kill()
	select {
	case <-p.done:
	case <-time.After(stopTimeout):
		p.t.Errorf("belfry (pid %d) did not exit after SIGKILL", p.cmd.Process.Pid)
	}
}

// result is what a finished command printed and how it exited.
type result struct {
	Stdout, Stderr string
	Err            error
}

func (r result) String() string {
	return fmt.Sprintf("exit: %v\nstdout:\n%s\nstderr:\n%s", r.Err, r.Stdout, r.Stderr)
}

// runCmd runs a command with a bounded time and returns its output.
func runCmd(t *testing.T, env []string, name string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	cmd.WaitDelay = stopTimeout
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if ctx.Err() != nil {
		err = fmt.Errorf("timed out after %v: %w", commandTimeout, err)
	}
	return result{Stdout: stdout.String(), Stderr: stderr.String(), Err: err}
}

// operator runs a belfry operator command against p, signed with the root
// key from the environment.
func (p *proc) operator(args ...string) result {
	p.t.Helper()
	env := cleanEnv(append(rootEnv(), "BELFRY_ENDPOINT="+p.URL)...)
	return runCmd(p.t, env, belfryBinary(p.t), args...)
}

// mustOperator is operator for commands that must succeed.
func (p *proc) mustOperator(args ...string) string {
	p.t.Helper()
	r := p.operator(args...)
	if r.Err != nil {
		p.t.Fatalf("belfry %s: %v", strings.Join(args, " "), r)
	}
	return r.Stdout
}

// claim makes account id an Enterprise account with the operator command.
func (p *proc) claim(accountID, domain, typ string) {
	p.t.Helper()
	out := p.mustOperator("domain", "claim", accountID, domain, "--type", typ)
	if !strings.Contains(out, typ) {
		p.t.Fatalf("belfry domain claim printed %q, want it to name %s", out, typ)
	}
}

// sdk returns an aws-sdk-go-v2 Chime client for p, with retries off.
func (p *proc) sdk(keyID, secret string) *chime.Client {
	return chime.New(chime.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(p.URL),
		Credentials:  credentials.NewStaticCredentialsProvider(keyID, secret, ""),
		Retryer:      aws.NopRetryer{},
	})
}

// exitCode returns the exit status err carries, or -1.
func exitCode(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	return -1
}

func ctxT(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	t.Cleanup(cancel)
	return ctx
}
