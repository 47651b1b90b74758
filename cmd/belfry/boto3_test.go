package main

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
)

// pythonWithBoto3 returns a Python that can import boto3, or skips the
// test. The python3 first on PATH may be one (pyenv's, say) without boto3
// while Debian's python3-boto3 serves /usr/bin/python3, so both are tried.
func pythonWithBoto3(t *testing.T) string {
	t.Helper()
	var tried []string
	for _, name := range []string{"python3", "/usr/bin/python3"} {
		py, err := exec.LookPath(name)
		if err != nil {
			continue
		}
		tried = append(tried, py)
		if r := runCmd(t, cleanEnv(), py, "-c", "import boto3"); r.Err == nil {
			return py
		}
	}
	t.Skipf("no python3 with boto3 (tried %v); .ci/run installs it with apt-get install python3-boto3", tried)
	return ""
}

// TestBoto3 runs testdata/e2e_boto3.py, which drives Belfry the way a
// user's boto3 script would, and checks boto3's exception classes.
func TestBoto3(t *testing.T) {
	t.Parallel()
	py := pythonWithBoto3(t)
	p := startBelfry(t, startOptions{})

	// The script cannot claim a domain, an operator's act; claim one for it.
	made, err := p.sdk(rootKeyID, rootSecret).CreateAccount(ctxT(t), &chime.CreateAccountInput{Name: aws.String("boto3 corp")})
	if err != nil {
		t.Fatal(err)
	}
	corp := aws.ToString(made.Account.AccountId)
	p.claim(corp, "corp.example", "EnterpriseOIDC")

	script, err := filepath.Abs(filepath.Join("testdata", "e2e_boto3.py"))
	if err != nil {
		t.Fatal(err)
	}
	env := cleanEnv(
		"AWS_ACCESS_KEY_ID="+rootKeyID,
		"AWS_SECRET_ACCESS_KEY="+rootSecret,
		"AWS_CONFIG_FILE="+filepath.Join(t.TempDir(), "absent"),
		"AWS_EC2_METADATA_DISABLED=true",
		"AWS_MAX_ATTEMPTS=1",
	)
	r := runCmd(t, env, py, script, p.URL, corp, "corp.example")
	if r.Err != nil {
		t.Fatalf("%s %s: %v", py, script, r)
	}
	t.Logf("%s", r.Stdout)
}
