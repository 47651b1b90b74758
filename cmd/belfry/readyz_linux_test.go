//lint:file-ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.

package main

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/smithy-go"
	"golang.org/x/sys/unix"
)

// TestReadyzWhenWritesFail takes away a running server's right to write
// files, as a full disk does: with its file size limit (RLIMIT_FSIZE) at
// zero, every write to the database fails while reads and the log go on.
// A write must then answer 503 ServiceUnavailableException, a failure that
// passes, and /readyz 503 saying that writes fail; both answer as before
// once the limit is lifted.
func TestReadyzWhenWritesFail(t *testing.T) {
	t.Parallel()
	p := startBelfry(t, startOptions{})
	client := p.sdk(rootKeyID, rootSecret)
	ctx := ctxT(t)
	if _, err := client.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Before")}); err != nil {
		t.Fatal(err)
	}
	// The first listing makes the server's secrets, which seal NextTokens:
	// a write, which has to come before writes fail.
	if _, err := client.ListAccounts(ctx, &chime.ListAccountsInput{}); err != nil {
		t.Fatal(err)
	}
	setFileSizeLimit(t, p, 0)
	_, err := client.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Full")})
	var ae smithy.APIError
	var re *awshttp.ResponseError
	if !errors.As(err, &ae) || ae.ErrorCode() != "ServiceUnavailableException" ||
		!errors.As(err, &re) || re.HTTPStatusCode() != http.StatusServiceUnavailable {
		t.Fatalf("CreateAccount with no file writes allowed = %v; want 503 ServiceUnavailableException, which clients retry", err)
	}
	status, body := p.readyz(t)
	if status != http.StatusServiceUnavailable || !strings.Contains(body, "not ready: writes fail: ") {
		t.Errorf("GET /readyz while writes fail: %d %q; want 503 saying writes fail", status, body)
	}
	if _, err := client.ListAccounts(ctx, &chime.ListAccountsInput{}); err != nil {
		t.Errorf("ListAccounts while writes fail: %v; reads should work", err)
	}

	setFileSizeLimit(t, p, unix.RLIM_INFINITY)
	if status, body := p.readyz(t); status != http.StatusOK {
		t.Errorf("GET /readyz once writes work again: %d %q; want 200", status, body)
	}
	if _, err := client.CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("After")}); err != nil {
		t.Errorf("CreateAccount once writes work again: %v", err)
	}
}

// setFileSizeLimit sets p's RLIMIT_FSIZE, the offset past which the kernel
// refuses its writes to files; pipes, such as its stderr, are exempt.
func setFileSizeLimit(t *testing.T, p *proc, limit uint64) {
	t.Helper()
	lim := unix.Rlimit{Cur: limit, Max: unix.RLIM_INFINITY}
	if err := unix.Prlimit(p.cmd.Process.Pid, unix.RLIMIT_FSIZE, &lim, nil); err != nil {
		t.Fatalf("prlimit(RLIMIT_FSIZE=%d): %v", limit, err)
	}
}

// readyz asks p whether it is ready and returns the status and body.
func (p *proc) readyz(t *testing.T) (int, string) {
	t.Helper()
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Get(p.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}
