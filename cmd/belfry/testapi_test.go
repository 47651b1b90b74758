package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestTestAPIBoto3 runs testdata/testapi_boto3.py against a server with
// BELFRY_TEST_API=true: boto3's retries meet injected faults, and the
// recent requests show each attempt.
func TestTestAPIBoto3(t *testing.T) {
	t.Parallel()
	py := pythonWithBoto3(t)
	p := startBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_TEST_API=true"}})
	script, err := filepath.Abs(filepath.Join("testdata", "testapi_boto3.py"))
	if err != nil {
		t.Fatal(err)
	}
	env := cleanEnv("AWS_ACCESS_KEY_ID="+rootKeyID, "AWS_SECRET_ACCESS_KEY="+rootSecret,
		"AWS_CONFIG_FILE="+filepath.Join(t.TempDir(), "absent"), "AWS_EC2_METADATA_DISABLED=true")
	r := runCmd(t, env, py, script, p.URL)
	if r.Err != nil {
		t.Fatalf("%s: %v", script, r)
	}
	t.Logf("%s", r.Stdout)
}

// TestTestAPIRefused checks the test API's start-up rules: refused on
// PostgreSQL unless forced, and a value that is not false, true or force.
// Neither needs a database: Belfry stops before it connects.
func TestTestAPIRefused(t *testing.T) {
	t.Parallel()
	pg := append(rootEnv(), "BELFRY_DATABASE_URL=postgres://127.0.0.1:1/none")
	for _, tc := range []struct {
		env  []string
		want string
	}{
		{append(pg, "BELFRY_TEST_API=true"), "BELFRY_TEST_API=force"},
		{[]string{"BELFRY_TEST_API=yes"}, "not false, true or force"},
	} {
		env := cleanEnv(append(tc.env, "BELFRY_DATA_DIR="+t.TempDir(), "BELFRY_ADDR="+freeAddr(t))...)
		r := runCmd(t, env, belfryBinary(t), "serve")
		if exitCode(r.Err) <= 0 || !strings.Contains(r.Stderr, tc.want) {
			t.Errorf("belfry serve with %q: want a non-zero exit and %q on stderr; got %v", tc.env, tc.want, r)
		}
	}
}
