package console

import (
	"maps"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/belfryhq/belfry"
)

// auditPageSize is the most events the audit log page shows at once, and
// auditScan the most pages of the whole log it reads to find them, when
// it looks through every account of the key.
const (
	auditPageSize = 100
	auditScan     = 10
)

type auditView struct {
	Seq                                                                 int64
	Time, Operation, Account, AccountPath, Caller, Key, Source, Summary string
	Resources                                                           []string
}

type auditPage struct {
	adminFrame
	Accounts               []filterOption
	Since, Operation, Next string
	Events                 []auditView
}

// sinceLayouts are the times the audit log's since filter takes: what a
// date or datetime-local field sends, and RFC 3339.
var sinceLayouts = []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02T15:04:05", time.DateOnly}

func parseSince(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	for _, layout := range sinceLayouts {
		if t, err := time.Parse(layout, v); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// showAudit is the audit log of the key's accounts, oldest first, as
// `belfry audit` prints it, filtered by account, time and operation. The
// key sees the events in its accounts and those its AWS account's keys
// caused, never another AWS account's.
func (s *Server) showAudit(w http.ResponseWriter, r *http.Request) {
	a, accounts, accountOpts, ok := s.chosenAccounts(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	p := auditPage{adminFrame: s.frame(r, a, "Audit log", "audit"), Accounts: accountOpts,
		Since: q.Get("since"), Operation: strings.TrimSpace(q.Get("operation"))}
	since, ok := parseSince(p.Since)
	if !ok {
		p.Problem = "Give the time to start from as a date, such as 2026-01-02, or a date and time."
		s.render(w, http.StatusBadRequest, "admin_audit", p)
		return
	}
	names := map[string]string{}
	for _, acct := range accounts {
		names[acct.ID] = acct.Name
	}
	f := belfry.AuditFilter{Since: since, After: afterOf(r), Limit: belfry.MaxAuditPage}
	if q.Get("account") != "" {
		f.AccountID = accounts[0].ID
	}
	keep := func(ev *belfry.AuditEvent) bool {
		_, mine := names[ev.AccountID]
		if f.AccountID == "" {
			mine = mine || ev.AwsAccountID == a.key.AwsAccountID
		}
		return mine && (p.Operation == "" || strings.Contains(strings.ToLower(ev.Operation), strings.ToLower(p.Operation)))
	}
	var scanned int64
	more := false
	for i := 1; ; i++ {
		evs, err := s.svc.AuditEvents(r.Context(), f)
		if err != nil {
			s.failed(w, r, err)
			return
		}
		full := false
		for _, ev := range evs {
			scanned = ev.Seq
			if keep(ev) {
				p.Events = append(p.Events, viewAudit(ev, names))
				if full = len(p.Events) == auditPageSize; full {
					break
				}
			}
		}
		if full || len(evs) == f.Limit && i == auditScan {
			more = true
			break
		}
		if len(evs) < f.Limit {
			break
		}
		f.After = scanned
	}
	if more {
		next := maps.Clone(q)
		next.Set("after", strconv.FormatInt(scanned, 10))
		p.Next = "/console/audit?" + next.Encode()
	}
	s.render(w, http.StatusOK, "admin_audit", p)
}

func viewAudit(ev *belfry.AuditEvent, names map[string]string) auditView {
	v := auditView{Seq: ev.Seq, Time: stamp(ev.Time), Operation: ev.Operation, Account: names[ev.AccountID],
		Caller: ev.CallerARN, Key: ev.AccessKeyID, Source: ev.SourceIP, Summary: ev.Summary, Resources: ev.Resources}
	if v.Account != "" {
		v.AccountPath = accountPath(ev.AccountID)
	} else {
		v.Account = ev.AccountID
	}
	return v
}
