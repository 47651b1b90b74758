package api

import (
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
)

// The developers' test API, under /_belfry/test/ when BELFRY_TEST_API
// enables it, signed with the root key as every operator request is: a
// reset to an empty Belfry that keeps its access keys, faults injected
// into operations to exercise a client's retries, and the recent requests
// with their outcomes. Fault rules and recent requests live in each
// process: on several replicas each has its own.

const testPrefix = "test/"

// recentMax bounds the recent requests kept.
const recentMax = 1000

// maxFaultLatency bounds an injected delay below the request timeout.
const maxFaultLatency = 20 * time.Second

// faultErrors are the modeled errors a fault may answer: those a service
// gives when it is overloaded or failing, which clients are to retry.
var faultErrors = map[string]func() error{
	"ThrottledClientException": func() error { return errThrottled(time.Second) },
	"ServiceUnavailableException": func() error {
		return belfry.Errorf(belfry.Unavailable, "injected fault: the service is unavailable; try again")
	},
	"ServiceFailureException": func() error {
		return &belfry.Error{Kind: belfry.Internal, Message: "injected fault: the service failed"}
	},
}

// fault is a rule: requests of Operation answer Error with Probability,
// after LatencyMs.
type fault struct {
	Operation   string  `json:"Operation"`
	Error       string  `json:"Error,omitempty"`
	Probability float64 `json:"Probability"`
	LatencyMs   int     `json:"LatencyMs,omitempty"`
}

// recentRequest is one answered Chime request, as the list shows it.
type recentRequest struct {
	Time        timestamp `json:"Time"`
	RequestID   string    `json:"RequestId"`
	Operation   string    `json:"Operation"`
	Status      int       `json:"Status"`
	ErrorType   string    `json:"ErrorType,omitempty"`
	AccessKeyID string    `json:"AccessKeyId,omitempty"`
}

// testAPI is the test API's state in this process.
type testAPI struct {
	mu     sync.Mutex
	faults map[string]fault
	recent []recentRequest // oldest first, at most recentMax
}

func newTestAPI() *testAPI { return &testAPI{faults: map[string]fault{}} }

// record keeps c's outcome among the recent requests.
func (t *testAPI) record(c *call, status int, at time.Time) {
	if t == nil || c.op == nil {
		return
	}
	r := recentRequest{Time: timestamp(at), RequestID: c.id, Operation: c.op.Name, Status: status,
		ErrorType: c.w.Header().Get("X-Amzn-ErrorType")}
	if c.key != nil {
		r.AccessKeyID = c.key.ID
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.recent) == recentMax {
		t.recent = slices.Delete(t.recent, 0, recentMax/10)
	}
	t.recent = append(t.recent, r)
}

// inject applies the fault rule of c's operation, if any: its latency,
// then its error with its probability.
func (t *testAPI) inject(c *call) error {
	if t == nil {
		return nil
	}
	t.mu.Lock()
	f, ok := t.faults[c.op.Name]
	t.mu.Unlock()
	if !ok {
		return nil
	}
	if f.LatencyMs > 0 {
		select {
		case <-time.After(time.Duration(f.LatencyMs) * time.Millisecond):
		case <-c.r.Context().Done():
			return c.r.Context().Err()
		}
	}
	if f.Error != "" && rand.Float64() < f.Probability {
		return faultErrors[f.Error]()
	}
	return nil
}

// serveTest answers the test API's routes; route is the operator route
// after "test/".
func (s *Server) serveTest(c *call, route string) (code int, out any, err error) {
	t := s.test
	if t == nil {
		return 0, nil, belfry.Errorf(belfry.NotFound, "the test API is off; start Belfry with BELFRY_TEST_API=true to use %s", c.r.URL.Path)
	}
	switch {
	case route == "POST reset":
		if ev := belfry.AuditFrom(c.r.Context()); ev != nil {
			ev.Operation = "TestReset"
		}
		if err := s.svc.ResetChime(c.r.Context()); err != nil {
			return 0, nil, err
		}
		t.mu.Lock()
		clear(t.faults)
		t.recent = nil
		t.mu.Unlock()
		return http.StatusOK, struct{}{}, nil
	case route == "GET faults":
		return http.StatusOK, t.listFaults(), nil
	case route == "POST faults":
		f, err := s.decodeFault(c)
		if err != nil {
			return 0, nil, err
		}
		t.mu.Lock()
		t.faults[f.Operation] = f
		t.mu.Unlock()
		return http.StatusCreated, struct{ Fault fault }{f}, nil
	case route == "DELETE faults":
		t.mu.Lock()
		clear(t.faults)
		t.mu.Unlock()
		return http.StatusNoContent, nil, nil
	case strings.HasPrefix(route, "DELETE faults/"):
		op := strings.TrimPrefix(route, "DELETE faults/")
		t.mu.Lock()
		_, ok := t.faults[op]
		delete(t.faults, op)
		t.mu.Unlock()
		if !ok {
			return 0, nil, belfry.Errorf(belfry.NotFound, "no fault is injected into %q", op)
		}
		return http.StatusNoContent, nil, nil
	case route == "GET requests":
		return http.StatusOK, t.listRecent(c.query.Get("operation")), nil
	}
	return 0, nil, belfry.Errorf(belfry.NotFound, "no test API request matches %s %s", c.r.Method, c.r.URL.Path)
}

// decodeFault reads and checks a fault rule.
func (s *Server) decodeFault(c *call) (fault, error) {
	var in struct {
		Operation, Error string
		Probability      *float64
		LatencyMs        *int
	}
	if err := decodeStrict(c, &in); err != nil {
		return fault{}, err
	}
	f := fault{Operation: in.Operation, Error: in.Error, Probability: 1}
	if in.Probability != nil {
		f.Probability = *in.Probability
	}
	if in.LatencyMs != nil {
		f.LatencyMs = *in.LatencyMs
	}
	switch {
	case s.handlers[f.Operation] == nil:
		return fault{}, badRequest("Operation %q is not a Chime operation that Belfry serves", f.Operation)
	case f.Error != "" && faultErrors[f.Error] == nil:
		return fault{}, badRequest("Error %q is not one of ThrottledClientException, ServiceUnavailableException, ServiceFailureException", f.Error)
	case !(f.Probability >= 0 && f.Probability <= 1):
		return fault{}, badRequest("Probability must be from 0 to 1")
	case f.LatencyMs < 0 || time.Duration(f.LatencyMs)*time.Millisecond > maxFaultLatency:
		return fault{}, badRequest("LatencyMs must be from 0 to %d", maxFaultLatency.Milliseconds())
	case f.Error == "" && f.LatencyMs == 0:
		return fault{}, badRequest("a fault needs an Error, a LatencyMs, or both")
	}
	return f, nil
}

func (t *testAPI) listFaults() any {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := struct{ Faults []fault }{Faults: []fault{}}
	for _, f := range t.faults {
		out.Faults = append(out.Faults, f)
	}
	slices.SortFunc(out.Faults, func(a, b fault) int { return strings.Compare(a.Operation, b.Operation) })
	return out
}

func (t *testAPI) listRecent(operation string) any {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := struct{ Requests []recentRequest }{Requests: []recentRequest{}}
	for _, r := range t.recent {
		if operation == "" || r.Operation == operation {
			out.Requests = append(out.Requests, r)
		}
	}
	return out
}

// testRoute returns an operator route under test/ without that prefix,
// as "METHOD path", and whether it is one.
func testRoute(route string) (string, bool) {
	method, path, _ := strings.Cut(route, " ")
	rest, ok := strings.CutPrefix(path, testPrefix)
	return method + " " + rest, ok
}
