package sigv4_test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"
)

const oracleScript = "testdata/botocore_oracle.py"

// botoSpec is one request for the botocore oracle to sign.
type botoSpec struct {
	Name    string            `json:"name"`
	Method  string            `json:"method"`
	URL     string            `json:"url"`
	Body    string            `json:"body,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
}

// botoSigned is a request as botocore signed and prepared it.
type botoSigned struct {
	Name    string      `json:"name"`
	Method  string      `json:"method"`
	URL     string      `json:"url"`
	Headers [][2]string `json:"headers"`
	Body    string      `json:"body"`
}

var botoSpecs = []botoSpec{
	{Name: "CreateUser", Method: "POST", URL: chimeHost + "/accounts/" + accountID + "/users?operation=create",
		Body: createBody, Headers: map[string]string{"Content-Type": "application/json"}},
	{Name: "ListAccounts in URL", Method: "GET", URL: chimeHost + "/accounts?name=a%20b&max-results=5"},
	{Name: "ListAccounts in params", Method: "GET", URL: chimeHost + "/accounts",
		Params: map[string]string{"name": "a b+c/d~e@f", "user-email": "x+y@example.com", "max-results": "5"}},
	{Name: "label with + and @", Method: "GET", URL: chimeHost + "/accounts/x/users/a%2Bb%40ex.com"},
	{Name: "label with slash, space, UTF-8", Method: "GET", URL: chimeHost + "/accounts/x/users/a%2Fb%20c%C3%A9"},
	{Name: "DELETE without body", Method: "DELETE", URL: chimeHost + "/accounts/x/users/y"},
	{Name: "path botocore normalizes", Method: "GET", URL: chimeHost + "/accounts//x/./users/../users/"},
	{Name: "header whitespace", Method: "POST", URL: chimeHost + "/accounts", Body: `{"Name":"n"}`,
		Headers: map[string]string{"X-Custom": "  a   b  c ", "Content-Type": "application/json"}},
	{Name: "host with port", Method: "GET", URL: "http://127.0.0.1:8080/accounts?name=~x"},
}

// python returns the python3 interpreter, or skips the test when python3 or
// botocore is missing.
func python(t *testing.T) string {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed; install python3-boto3 to run the botocore oracle")
	}
	if out, err := exec.Command(py, "-c", "import botocore").CombinedOutput(); err != nil {
		t.Skipf("botocore is not importable (%v: %s); install python3-boto3 to run the botocore oracle", err, out)
	}
	return py
}

// oracleCmd runs the oracle script without any AWS configuration of the machine.
func oracleCmd(t *testing.T, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(t.Context(), python(t), append([]string{oracleScript}, args...)...)
	cmd.Env = append(os.Environ(),
		"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_EC2_METADATA_DISABLED=true", "SIGV4_TEST_SECRET="+testSecret,
		"NO_PROXY=*", "HTTP_PROXY=", "HTTPS_PROXY=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	t.Cleanup(func() {
		if t.Failed() && stderr.Len() > 0 {
			t.Logf("oracle stderr:\n%s", stderr.String())
		}
	})
	return cmd
}

func TestVerifyBotocoreSigned(t *testing.T) {
	in, err := json.Marshal(map[string]any{"access_key": testKeyID, "secret_key": testSecret, "requests": botoSpecs})
	if err != nil {
		t.Fatal(err)
	}
	cmd := oracleCmd(t, "sign")
	cmd.Stdin = bytes.NewReader(in)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("running the botocore oracle: %v", err)
	}
	var signed []botoSigned
	if err := json.Unmarshal(out, &signed); err != nil {
		t.Fatalf("decoding oracle output %q: %v", out, err)
	}
	if len(signed) != len(botoSpecs) {
		t.Fatalf("oracle signed %d requests, want %d", len(signed), len(botoSpecs))
	}
	for _, s := range signed {
		t.Run(s.Name, func(t *testing.T) {
			r := newRequest(t, s.Method, s.URL, s.Body)
			for _, h := range s.Headers {
				r.Header.Add(h[0], h[1])
			}
			sr, body := overWire(t, r)
			if _, err := newVerifier(time.Now()).Verify(sr, body); err != nil {
				t.Errorf("Verify(%s %s): %v\nAuthorization: %s", sr.Method, sr.RequestURI, err, sr.Header.Get("Authorization"))
			}
		})
	}
}

func TestBotocoreClientEndToEnd(t *testing.T) {
	s := newChimeServer(t)
	out, err := oracleCmd(t, "client", s.URL, testKeyID).Output()
	if err != nil {
		t.Fatalf("running the botocore client: %v", err)
	}
	var results map[string]string
	if err := json.Unmarshal(out, &results); err != nil {
		t.Fatalf("decoding client output %q: %v", out, err)
	}
	for _, name := range []string{"GetAccount", "ListAccounts", "CreateUser", "GetUser"} {
		if results[name] != "ok" {
			t.Errorf("botocore %s: %s", name, results[name])
		}
	}
	seen := s.take()
	if len(seen) != 4 {
		t.Errorf("server saw %d requests, want 4", len(seen))
	}
	for _, seen := range seen {
		t.Logf("botocore sent %s %s?%s SignedHeaders=%s", seen.method, seen.path, seen.query, seen.signedHeaders)
		if seen.err != nil {
			t.Errorf("server rejected botocore %s %s?%s: %v", seen.method, seen.path, seen.query, seen.err)
		}
	}
}
