//lint:file-ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.

package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/chime"
)

// TestSecondServerOnDataDir starts a server, then a second one on the same
// data directory: the second must exit with an error that names the
// directory and the first server's PID, and the first must go on serving.
func TestSecondServerOnDataDir(t *testing.T) {
	t.Parallel()
	first := startBelfry(t, startOptions{})
	env := cleanEnv(append(rootEnv(), "BELFRY_ADDR="+freeAddr(t), "BELFRY_DATA_DIR="+first.DataDir)...)
	r := runCmd(t, env, belfryBinary(t), "serve")
	wantPID := fmt.Sprintf("PID %d", first.cmd.Process.Pid)
	if exitCode(r.Err) <= 0 || !strings.Contains(r.Stderr, first.DataDir) || !strings.Contains(r.Stderr, wantPID) {
		t.Errorf("a second belfry serve on %s: want a non-zero exit naming the directory and %s; got %v", first.DataDir, wantPID, r)
	}
	if strings.Contains(r.Stderr, "belfry listening") {
		t.Errorf("the second server started listening before it gave up:\n%s", r.Stderr)
	}
	ctx := ctxT(t)
	if _, err := first.sdk(rootKeyID, rootSecret).CreateAccount(ctx, &chime.CreateAccountInput{Name: aws.String("Still here")}); err != nil {
		t.Errorf("CreateAccount on the first server after the second was refused: %v", err)
	}
	if err := first.waitReady(); err != nil {
		t.Errorf("the first server after the second was refused: %v", err)
	}
}
