package api

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/google/uuid"
)

// Some requests never reach the Server: net/http answers them itself, in
// plain text, when it cannot parse them (431 for headers over
// http.Server.MaxHeaderBytes; 400 for a Host header given twice, for
// Content-Length given twice with different values, or for a malformed
// header; 501 for an unknown Transfer-Encoding; 505 for an unknown HTTP
// version). An SDK reads such an answer as an error of no known type. No
// http.Server setting changes those answers, and the server could only
// answer them itself by parsing HTTP itself, so Listener reshapes them on
// their way out: net/http writes each, whole, in one Write straight to the
// connection, in a form that no handler's response has (Content-Type right
// after the status line, no Date), and the connection rewrites that one
// Write into an AWS error. Only plain HTTP can be reshaped so: under TLS
// the listener sees ciphertext, and Belfry leaves TLS to a proxy anyway.

// Listener returns ln with net/http's own error answers given the AWS
// error shape: status as net/http chose it, X-Amzn-ErrorType
// BadRequestException, a JSON {"Code","Message"} body and a request ID,
// logged with the client's address. Serve the API's http.Server on it.
func Listener(ln net.Listener, log *slog.Logger) net.Listener {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &listener{Listener: ln, log: log}
}

type listener struct {
	net.Listener
	log *slog.Logger
}

func (l *listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c, log: l.log}, nil
}

// conn reshapes net/http's error answers, and after one closes gently.
type conn struct {
	net.Conn
	log      *slog.Logger
	answered atomic.Bool // an error answer was written: the client may still be sending
}

// goErrorHeaders is what follows the status line in net/http's own error
// answers (net/http/server.go, conn.serve).
const goErrorHeaders = "\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n"

func (c *conn) Write(p []byte) (int, error) {
	status, text, ok := goErrorAnswer(p)
	if !ok {
		return c.Conn.Write(p)
	}
	id := uuid.NewString()
	msg := refusalMessage(status, text)
	c.log.LogAttrs(context.Background(), slog.LevelWarn, "request refused before routing",
		slog.String("request_id", id), slog.Int("status", status), slog.String("remote", c.RemoteAddr().String()),
		slog.String("error", msg))
	c.answered.Store(true)
	if _, err := c.Conn.Write(awsErrorAnswer(status, id, msg)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// goErrorAnswer reports whether p is a whole error answer of net/http's,
// and returns its status and the text after the status code.
func goErrorAnswer(p []byte) (status int, text string, ok bool) {
	rest, found := bytes.CutPrefix(p, []byte("HTTP/1.1 "))
	if !found {
		return 0, "", false
	}
	line, body, found := bytes.Cut(rest, []byte(goErrorHeaders))
	if !found || len(line) < 4 || line[3] != ' ' || bytes.ContainsAny(line, "\r\n") {
		return 0, "", false
	}
	status, err := strconv.Atoi(string(line[:3]))
	if err != nil || status < 400 || status > 599 {
		return 0, "", false
	}
	// The body repeats the status line, or for 501 says why.
	text = strings.TrimPrefix(string(body), string(line[:3])+" ")
	return status, text, true
}

// refusalMessage says what was wrong, as far as net/http lets it be known.
func refusalMessage(status int, text string) string {
	detail := ""
	if _, d, ok := strings.Cut(text, ": "); ok {
		detail = ": " + d
	}
	switch status {
	case http.StatusRequestHeaderFieldsTooLarge:
		// Belfry's http.Server keeps net/http's default limit,
		// http.DefaultMaxHeaderBytes.
		return "the request's headers are too large; Belfry accepts up to 1 MiB of them"
	case http.StatusNotImplemented:
		return "the request's Transfer-Encoding is not supported; send the body with a Content-Length or chunked"
	case http.StatusHTTPVersionNotSupported:
		return "the request's HTTP version is not supported; use HTTP/1.1"
	case http.StatusBadRequest:
		if detail == "" {
			detail = " (such as Host, or Content-Length with different values, given twice, or a malformed header)"
		}
		return "the request is not valid HTTP/1.1" + detail
	}
	return http.StatusText(status) + detail
}

// awsErrorAnswer is the whole HTTP answer for an error that net/http found.
func awsErrorAnswer(status int, id, msg string) []byte {
	body, _ := json.Marshal(errorBody{Code: exceptionOf[belfry.BadRequest].Code, Message: msg})
	var b bytes.Buffer
	b.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
	b.WriteString("Connection: close\r\n")
	b.WriteString("Content-Length: " + strconv.Itoa(len(body)) + "\r\n")
	b.WriteString("Content-Type: application/json\r\n")
	b.WriteString("X-Amzn-ErrorType: " + exceptionOf[belfry.BadRequest].Type + "\r\n")
	b.WriteString("x-amzn-RequestId: " + id + "\r\n\r\n")
	b.Write(body)
	return b.Bytes()
}

// lingerTime and lingerBytes bound how long and how much a connection that
// was refused reads before it closes.
const (
	lingerTime  = time.Second
	lingerBytes = 4 << 20
)

// Close closes the connection. After an error answer it first tells the
// client it is done writing and reads what the client still sends, within
// bounds: closing a socket with unread data makes TCP send a reset, which
// can discard the answer before the client reads it.
func (c *conn) Close() error {
	if c.answered.Load() {
		if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
			cw.CloseWrite()
		}
		c.Conn.SetReadDeadline(time.Now().Add(lingerTime))
		io.CopyN(io.Discard, c.Conn, lingerBytes)
	}
	return c.Conn.Close()
}

// CloseWrite lets net/http half-close the connection, as it does after a
// 431 (closeWriteAndWait).
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
