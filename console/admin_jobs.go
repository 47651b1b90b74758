package console

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/belfryhq/belfry"
)

// jobsPageSize is the most jobs the job queue page shows.
const jobsPageSize = 200

// maxOwnAccounts bounds how many of a key's accounts the job queue and
// audit log pages look through.
const maxOwnAccounts = 1000

type jobView struct {
	ID, Kind, State, Account, AccountPath, NextAttempt, LastError, Created, Finished string
	Attempts                                                                         int
	Failed, Retrying                                                                 bool
}

// filterOption is one choice of a filter form's select.
type filterOption struct {
	Value, Label string
	Selected     bool
}

type jobsPage struct {
	adminFrame
	Accounts, States, Kinds []filterOption
	Jobs                    []jobView
	// More says the page shows only the oldest jobsPageSize jobs.
	More bool
}

// ownAccounts returns the key's accounts, oldest first, up to
// maxOwnAccounts of them.
func (s *Server) ownAccounts(r *http.Request, a *admin) ([]*belfry.Account, error) {
	var all []*belfry.Account
	var after int64
	for len(all) < maxOwnAccounts {
		page, err := s.svc.ListAccounts(a.ctx(r), belfry.AccountFilter{}, belfry.Page{After: after, Limit: listPageSize})
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if len(page) < listPageSize {
			break
		}
		after = page[len(page)-1].Seq
	}
	return all, nil
}

// chosenAccounts returns r's administrator and the key's accounts that a
// page's ?account= filter picks (all of them when it is empty), with the
// options of its select; it answers r, 404 when the filter names none of
// the key's accounts.
func (s *Server) chosenAccounts(w http.ResponseWriter, r *http.Request) (*admin, []*belfry.Account, []filterOption, bool) {
	a, ok := s.administrator(w, r)
	if !ok {
		return nil, nil, nil, false
	}
	all, err := s.ownAccounts(r, a)
	if err != nil {
		s.failed(w, r, err)
		return nil, nil, nil, false
	}
	want := r.URL.Query().Get("account")
	opts := []filterOption{{Value: "", Label: "All accounts", Selected: want == ""}}
	var chosen []*belfry.Account
	for _, acct := range all {
		opts = append(opts, filterOption{Value: acct.ID, Label: acct.Name, Selected: acct.ID == want})
		if want == "" || acct.ID == want {
			chosen = append(chosen, acct)
		}
	}
	if want != "" && len(chosen) == 0 {
		s.notFound(w, "account")
		return nil, nil, nil, false
	}
	return a, chosen, opts, true
}

// options makes a select's options of values, marking want.
func options(want string, values ...string) []filterOption {
	opts := make([]filterOption, len(values))
	for i, v := range values {
		opts[i] = filterOption{Value: v, Label: v, Selected: v == want}
	}
	return opts
}

// showJobs is the job queue of the key's accounts: by default what is
// pending, retrying and failed, and why, as `belfry jobs list` shows it.
func (s *Server) showJobs(w http.ResponseWriter, r *http.Request) {
	a, accounts, accountOpts, ok := s.chosenAccounts(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	p := jobsPage{adminFrame: s.frame(r, a, "Job queue", "jobs"), Accounts: accountOpts,
		States: options(cmp.Or(q.Get("status"), "open"), "open", "queued", "failed", "done", "cancelled", "all"),
		Kinds:  options(q.Get("kind"), "", string(belfry.KindMail), string(belfry.KindSignIn), string(belfry.KindRetention))}
	p.Kinds[0].Label = "All kinds"
	statuses, ok := belfry.JobStatusesOf(q.Get("status"))
	kind := belfry.JobKind(q.Get("kind"))
	if !ok || !slices.ContainsFunc(p.Kinds, func(o filterOption) bool { return o.Value == string(kind) }) {
		p.Problem = "Pick a state and a kind from the lists."
		s.render(w, http.StatusBadRequest, "admin_jobs", p)
		return
	}
	var jobs []*belfry.Job
	names := map[string]string{}
	for _, acct := range accounts {
		names[acct.ID] = acct.Name
		list, err := s.svc.ListJobs(a.ctx(r), belfry.JobFilter{Kind: kind, Statuses: statuses, AccountID: acct.ID},
			belfry.Page{Limit: jobsPageSize + 1})
		if err != nil {
			s.failed(w, r, err)
			return
		}
		jobs = append(jobs, list...)
	}
	slices.SortFunc(jobs, func(x, y *belfry.Job) int { return cmp.Compare(x.Seq, y.Seq) })
	if len(jobs) > jobsPageSize {
		jobs, p.More = jobs[:jobsPageSize], true
	}
	for _, j := range jobs {
		v := jobView{ID: j.ID, Kind: string(j.Kind), State: j.State(), Account: names[j.AccountID], AccountPath: accountPath(j.AccountID),
			Attempts: j.Attempts, LastError: j.LastError, Created: stamp(j.Created), Finished: stamp(j.Finished),
			Failed: j.Status == belfry.JobFailed, Retrying: j.Retrying()}
		if j.Status == belfry.JobQueued {
			v.NextAttempt = stamp(j.Due)
		}
		p.Jobs = append(p.Jobs, v)
	}
	s.render(w, http.StatusOK, "admin_jobs", p)
}

// stamp is how the console shows a time: UTC to the second, or nothing
// for the zero time.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05 MST")
}
