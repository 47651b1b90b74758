package api

import (
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/belfryhq/belfry"
)

// audit gives a request that may change state its audit event: who signed
// it, from where, when, and which operation it is. The service adds what
// the change was and the store records the event with the change, so every
// operation is audited without its handler doing anything (belfry.AuditEvent).
// GET requests change nothing and carry none.
func (s *Server) audit(c *call, operation string) {
	if c.r.Method == http.MethodGet {
		return
	}
	ip, _, err := net.SplitHostPort(c.r.RemoteAddr)
	if err != nil {
		ip = c.r.RemoteAddr
	}
	ev := &belfry.AuditEvent{
		Time: s.now().UTC(), AwsAccountID: c.caller.AwsAccountID, AccessKeyID: c.caller.AccessKeyID,
		CallerARN: c.caller.ARN, SourceIP: ip, RequestID: c.id, Operation: operation,
		AccountID: c.labels["accountId"],
	}
	c.r = c.r.WithContext(belfry.WithAudit(c.r.Context(), ev))
}

// now is the server's time: Config.Now, which tests set, or the service's
// clock.
func (s *Server) now() time.Time {
	if s.verifier.Now != nil {
		return s.verifier.Now()
	}
	return s.svc.Now()
}

type wireAuditEvent struct {
	Seq          int64     `json:"Seq"`
	Time         timestamp `json:"Time"`
	AwsAccountID string    `json:"AwsAccountId,omitempty"`
	AccessKeyID  string    `json:"AccessKeyId,omitempty"`
	CallerARN    string    `json:"CallerArn,omitempty"`
	SourceIP     string    `json:"SourceIp,omitempty"`
	RequestID    string    `json:"RequestId,omitempty"`
	Operation    string    `json:"Operation"`
	AccountID    string    `json:"AccountId,omitempty"`
	Resources    []string  `json:"Resources,omitempty"`
	Summary      string    `json:"Summary,omitempty"`
}

// listAudit answers GET /_belfry/audit?since=&account-id=&after=&limit=: a
// page of the audit log, oldest first. NextToken, when present, is the
// after= of the next page.
func (s *Server) listAudit(c *call) (any, error) {
	f, err := auditFilter(c)
	if err != nil {
		return nil, err
	}
	events, err := s.svc.AuditEvents(c.r.Context(), f)
	if err != nil {
		return nil, err
	}
	out := struct {
		Events    []wireAuditEvent
		NextToken string `json:",omitempty"`
	}{Events: make([]wireAuditEvent, len(events))}
	for i, ev := range events {
		out.Events[i] = wireAuditEvent{
			Seq: ev.Seq, Time: timestamp(ev.Time), AwsAccountID: ev.AwsAccountID, AccessKeyID: ev.AccessKeyID,
			CallerARN: ev.CallerARN, SourceIP: ev.SourceIP, RequestID: ev.RequestID, Operation: ev.Operation,
			AccountID: ev.AccountID, Resources: ev.Resources, Summary: ev.Summary,
		}
	}
	if n := len(events); n > 0 && n == f.Limit {
		out.NextToken = strconv.FormatInt(events[n-1].Seq, 10)
	}
	return out, nil
}

func auditFilter(c *call) (belfry.AuditFilter, error) {
	f := belfry.AuditFilter{AccountID: c.query.Get("account-id"), Limit: belfry.MaxAuditPage}
	if v := c.query.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return f, badRequest("since %q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", v)
		}
		f.Since = t
	}
	if v := c.query.Get("after"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return f, badRequest("after %q must be the Seq of an event", v)
		}
		f.After = n
	}
	if v := c.query.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > belfry.MaxAuditPage {
			return f, badRequest("limit %q must be a whole number from 1 to %d", v, belfry.MaxAuditPage)
		}
		f.Limit = n
	}
	return f, nil
}
