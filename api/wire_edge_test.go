package api_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// rawExchange writes req on a new connection, all of it, as a simple
// client does before it reads anything, then reads the whole answer. It
// fails the test if the connection is reset before the answer is read.
func rawExchange(t *testing.T, e *env, req []byte) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(e.srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := c.Write(req); err != nil {
		t.Fatalf("writing the request: %v", err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("reading the answer's body: %v", err)
	}
	return resp, body
}

// wantAWSError checks that an answer has the AWS error shape the SDKs read.
func wantAWSError(t *testing.T, resp *http.Response, body []byte, status int, wantText string) {
	t.Helper()
	var eb struct{ Code, Message string }
	if err := json.Unmarshal(body, &eb); err != nil {
		t.Fatalf("status %d, body %q: not JSON: %v", resp.StatusCode, body, err)
	}
	if resp.StatusCode != status || resp.Header.Get("X-Amzn-ErrorType") != "BadRequestException" ||
		resp.Header.Get("Content-Type") != "application/json" || resp.Header.Get("x-amzn-RequestId") == "" ||
		eb.Code != "BadRequest" || !strings.Contains(eb.Message, wantText) {
		t.Errorf("answer %d %v %s; want %d, a BadRequestException in JSON with a request ID, whose message mentions %q",
			resp.StatusCode, resp.Header, body, status, wantText)
	}
}

// TestOversizedBodyAnswered sends bodies over the limit the way a simple
// client does, all of the body before reading: it must read the whole 400,
// not a connection reset.
func TestOversizedBodyAnswered(t *testing.T) {
	e := newEnv(t)
	big := bytes.Repeat([]byte("x"), 8<<20)
	t.Run("Content-Length", func(t *testing.T) {
		req := fmt.Appendf(nil, "POST /accounts HTTP/1.1\r\nHost: belfry\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(big))
		resp, body := rawExchange(t, e, append(req, big...))
		wantAWSError(t, resp, body, http.StatusBadRequest, "at most")
	})
	t.Run("chunked", func(t *testing.T) {
		req := []byte("POST /accounts HTTP/1.1\r\nHost: belfry\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
		for chunk := range slices.Chunk(big, 64<<10) {
			req = fmt.Appendf(req, "%x\r\n%s\r\n", len(chunk), chunk)
		}
		resp, body := rawExchange(t, e, append(req, "0\r\n\r\n"...))
		wantAWSError(t, resp, body, http.StatusBadRequest, "over")
	})
}

// TestUnparsableRequests sends requests that net/http refuses before
// Belfry's handler sees them: their answers have the AWS error shape too.
func TestUnparsableRequests(t *testing.T) {
	e := newEnv(t)
	tests := []struct {
		name     string
		req      string
		status   int
		wantText string
	}{
		{"headers too large", "GET /accounts HTTP/1.1\r\nHost: belfry\r\nX-Big: " + strings.Repeat("h", 1<<20+64<<10) + "\r\n\r\n",
			http.StatusRequestHeaderFieldsTooLarge, "headers are too large"},
		{"Host twice", "GET /accounts HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", http.StatusBadRequest, "not valid HTTP/1.1"},
		{"Content-Length twice", "POST /accounts HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
			http.StatusBadRequest, "not valid HTTP/1.1"},
		{"no Host", "GET /accounts HTTP/1.1\r\n\r\n", http.StatusBadRequest, "missing required Host header"},
		{"unknown Transfer-Encoding", "POST /accounts HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
			http.StatusNotImplemented, "Transfer-Encoding"},
		{"HTTP/2 as HTTP/1", "GET /accounts HTTP/2.0\r\nHost: a\r\n\r\n", http.StatusHTTPVersionNotSupported, "HTTP version"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := rawExchange(t, e, []byte(tt.req))
			wantAWSError(t, resp, body, tt.status, tt.wantText)
		})
	}
}
