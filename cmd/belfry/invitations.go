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

// invitationsCommand lists undelivered invitations with their accept
// links: with no mail server configured, this is how a small team hands
// the links out by hand.
func invitationsCommand(ctx context.Context, args []string) error {
	const usage = "usage: belfry invitations list [--account-id ID]"
	if len(args) == 0 || args[0] != "list" {
		return errors.New(usage)
	}
	var cfg Config
	fs := flag.NewFlagSet("belfry invitations list", flag.ContinueOnError)
	cfg.bind(fs)
	account := fs.String("account-id", "", "list only this Chime account's invitations")
	if pos, err := parseInterleaved(fs, args[1:]); err != nil || len(pos) != 0 {
		return errors.Join(err, errors.New(usage))
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tACCOUNT\tEXPIRES\tATTEMPTS\tLINK")
	next := ""
	for {
		q := url.Values{}
		if *account != "" {
			q.Set("account-id", *account)
		}
		if next != "" {
			q.Set("next-token", next)
		}
		var out struct {
			Invitations []struct {
				AccountId, Email, Link, Expires, LastError string
				Attempts                                   int
			}
			NextToken string
		}
		if err := operatorCall(ctx, &cfg, "GET", "invitations?"+q.Encode(), nil, &out); err != nil {
			return err
		}
		for _, in := range out.Invitations {
			outf(tw, "%s\t%s\t%s\t%d\t%s\n", in.Email, in.AccountId, in.Expires, in.Attempts, in.Link)
		}
		if next = out.NextToken; next == "" {
			return tw.Flush()
		}
	}
}
