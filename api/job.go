package api

import (
	"strconv"

	"github.com/belfryhq/belfry"
)

// wireJob is one job of the queue as an operator reads it. It carries no
// payload: a job's data can hold an invitee's link or a bot's token.
type wireJob struct {
	JobID       string    `json:"JobId"`
	Kind        string    `json:"Kind"`
	State       string    `json:"State"`
	AccountID   string    `json:"AccountId,omitempty"`
	Ref         string    `json:"Ref,omitempty"`
	Attempts    int       `json:"Attempts"`
	NextAttempt timestamp `json:"NextAttempt,omitzero"`
	LastError   string    `json:"LastError,omitempty"`
	LeaseHolder string    `json:"LeaseHolder,omitempty"`
	Created     timestamp `json:"Created"`
	Finished    timestamp `json:"Finished,omitzero"`
}

// listJobs answers GET /_belfry/jobs: the job queue, by default the jobs
// still queued (pending or retrying) and those that failed, oldest first,
// optionally of one kind, status or Chime account.
func (s *Server) listJobs(c *call) (any, error) {
	after, err := operatorAfter(c)
	if err != nil {
		return nil, err
	}
	status := c.query.Get("status")
	statuses, ok := belfry.JobStatusesOf(status)
	if !ok {
		return nil, badRequest("status %q is not one of open, queued, failed, done, cancelled, all", status)
	}
	const size = 500
	f := belfry.JobFilter{Kind: belfry.JobKind(c.query.Get("kind")), Statuses: statuses, AccountID: c.query.Get("account-id")}
	jobs, err := s.svc.ListJobs(c.r.Context(), f, belfry.Page{After: after, Limit: size + 1})
	if err != nil {
		return nil, err
	}
	jobs, more := trim(jobs, size)
	out := struct {
		Jobs      []wireJob
		NextToken string `json:",omitempty"`
	}{Jobs: make([]wireJob, len(jobs))}
	for i, j := range jobs {
		w := wireJob{
			JobID: j.ID, Kind: string(j.Kind), State: j.State(), AccountID: j.AccountID, Ref: j.Ref,
			Attempts: j.Attempts, LastError: j.LastError, LeaseHolder: j.LeaseHolder,
			Created: timestamp(j.Created), Finished: timestamp(j.Finished),
		}
		if j.Status == belfry.JobQueued {
			w.NextAttempt = timestamp(j.Due)
		}
		out.Jobs[i] = w
	}
	if more {
		out.NextToken = strconv.FormatInt(jobs[len(jobs)-1].Seq, 10)
	}
	return out, nil
}
