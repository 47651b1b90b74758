package api

import "strings"

// observedOperation names a request for the metrics: its Chime operation,
// "Operator" for Belfry's operator API, "Health" for /healthz and
// /readyz, and "Unmatched" for anything else, so that made-up paths cannot
// grow the metrics' label values.
func observedOperation(c *call) string {
	switch {
	case c.op != nil:
		return c.op.Name
	case strings.HasPrefix(c.r.URL.Path, operatorPrefix):
		return "Operator"
	case c.r.URL.Path == "/healthz" || c.r.URL.Path == "/readyz":
		return "Health"
	}
	return "Unmatched"
}
