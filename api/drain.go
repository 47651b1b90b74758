package api

import (
	"io"
	"net/http"
	"time"
)

// A client that sends a body over MaxBodyBytes is answered 400 at once,
// before the rest of its body is read. A simple client writes all of its
// body before it reads anything, and net/http, left to itself, closes such
// a connection half a second after the answer with the body unread, which
// makes TCP send a reset that can discard the 400 before the client reads
// it. So the server reads and drops the rest of a refused body, within
// bounds, after sending the answer, and then closes the connection.

// drainBytes and drainTime bound what is read of a refused body: enough for
// a client that sent a few megabytes by mistake, not a sink for anyone's
// upload.
const (
	drainBytes = 32 << 20
	drainTime  = 5 * time.Second
)

// refuseBody prepares the answer to a request whose body is refused for
// its size: it will close the connection, and it is sent while the body
// is still coming in (full duplex), which net/http otherwise prevents.
func refuseBody(c *call) {
	c.refusedBody = true
	c.w.Header().Set("Connection", "close")
	if c.r.Header.Get("Expect") == "" {
		http.NewResponseController(c.w).EnableFullDuplex()
	}
}

// drainBody sends the answer written so far and reads the rest of the
// refused body. A client that asked to be told before sending its body
// (Expect: 100-continue) sends none, so nothing is read from it.
func drainBody(c *call) {
	rc := http.NewResponseController(c.w)
	rc.Flush()
	if c.r.Header.Get("Expect") != "" {
		return
	}
	rc.SetReadDeadline(time.Now().Add(drainTime))
	io.CopyN(io.Discard, c.r.Body, drainBytes)
}
