package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"text/tabwriter"
)

// jobsCommand lists the job queue: what is pending, retrying and failed,
// and why, so that an operator sees at once why an invitation never
// arrived.
func jobsCommand(ctx context.Context, args []string) error {
	const usage = "usage: belfry jobs list [--kind KIND] [--failed | --status open|queued|failed|done|cancelled|all] [--account-id ID]"
	if len(args) == 0 || args[0] != "list" {
		return errors.New(usage)
	}
	var cfg Config
	fs := flag.NewFlagSet("belfry jobs list", flag.ContinueOnError)
	cfg.bind(fs)
	kind := fs.String("kind", "", "list only jobs of this kind (mail, signin, retention, phone-order)")
	failed := fs.Bool("failed", false, "list only the jobs that failed for good")
	status := fs.String("status", "", "list jobs in this state; the default, open, is those queued and those that failed")
	account := fs.String("account-id", "", "list only this Chime account's jobs")
	if pos, err := parseInterleaved(fs, args[1:]); err != nil || len(pos) != 0 {
		return errors.Join(err, errors.New(usage))
	}
	q := url.Values{}
	setGiven(q, map[string]string{"kind": *kind, "status": *status, "account-id": *account})
	if *failed {
		if *status != "" && *status != "failed" {
			return errors.New("--failed and --status " + *status + " disagree\n" + usage)
		}
		q.Set("status", "failed")
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "JOB\tKIND\tSTATE\tATTEMPTS\tNEXT ATTEMPT\tACCOUNT\tLAST ERROR")
	for {
		var out struct {
			Jobs []struct {
				JobId, Kind, State, AccountId, NextAttempt, LastError string
				Attempts                                              int
			}
			NextToken string
		}
		if err := operatorCall(ctx, &cfg, "GET", "jobs?"+q.Encode(), nil, &out); err != nil {
			return err
		}
		for _, j := range out.Jobs {
			// A last error quotes the far end (a mail server's reply):
			// outf keeps its control characters off the terminal.
			err := outf(tw, "%s\t%s\t%s\t%d\t%s\t%s\t%s\n", j.JobId, j.Kind, j.State, j.Attempts,
				orDash(j.NextAttempt), orDash(j.AccountId), orDash(j.LastError))
			if err != nil {
				return err
			}
		}
		if out.NextToken == "" {
			return tw.Flush()
		}
		q.Set("next-token", out.NextToken)
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
