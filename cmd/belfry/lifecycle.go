package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// domainRelease runs `belfry domain release DOMAIN`.
func domainRelease(ctx context.Context, args []string) error {
	const usage = "usage: belfry domain release DOMAIN"
	var cfg Config
	fs := flag.NewFlagSet("belfry domain release", flag.ContinueOnError)
	cfg.bind(fs)
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New(usage)
	}
	var out struct {
		Account        struct{ AccountId, Name, AccountType string }
		Domains        []string
		SuspendedUsers int
	}
	if err := operatorCall(ctx, &cfg, "DELETE", "domains/"+url.PathEscape(pos[0]), nil, &out); err != nil {
		return err
	}
	left := strings.Join(out.Domains, ", ")
	if left == "" {
		left = "none"
	}
	outf(os.Stdout, "released %s from account %s (%s); %d users suspended; domains left: %s\n",
		pos[0], out.Account.AccountId, out.Account.Name, out.SuspendedUsers, left)
	return nil
}

// accountsCommand runs `belfry accounts restore ACCOUNT_ID`.
func accountsCommand(ctx context.Context, args []string) error {
	const usage = "usage: belfry accounts restore ACCOUNT_ID"
	if len(args) == 0 || args[0] != "restore" {
		return errors.New(usage)
	}
	var cfg Config
	fs := flag.NewFlagSet("belfry accounts restore", flag.ContinueOnError)
	cfg.bind(fs)
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return errors.New(usage)
	}
	var out struct {
		Account struct{ AccountId, Name, AccountType string }
	}
	if err := operatorCall(ctx, &cfg, "POST", "accounts/"+url.PathEscape(pos[0])+"/restore", nil, &out); err != nil {
		return err
	}
	outf(os.Stdout, "restored %s account %s (%s)\n", out.Account.AccountType, out.Account.AccountId, out.Account.Name)
	return nil
}

// auditQuery is what `belfry audit` asks for.
type auditQuery struct {
	since, account string
	limit          int
}

// auditCommand runs `belfry audit [--since T] [--account ID] [--limit N]`:
// it prints the audit log as JSON lines, one event a line, oldest first,
// following the server's pages until the log or the limit ends.
func auditCommand(ctx context.Context, args []string) error {
	var cfg Config
	var q auditQuery
	fs := flag.NewFlagSet("belfry audit", flag.ContinueOnError)
	cfg.bind(fs)
	fs.StringVar(&q.since, "since", "", "only events at or after this RFC 3339 time, such as 2026-01-02T15:04:05Z")
	fs.StringVar(&q.account, "account", "", "only events of this Chime account ID")
	fs.IntVar(&q.limit, "limit", 0, "at most this many events (default all)")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return err
	}
	switch {
	case len(pos) != 0:
		return errors.New("usage: belfry audit [--since RFC3339] [--account ID] [--limit N]")
	case q.limit < 0:
		return errors.New("--limit must not be negative")
	}
	if q.since != "" {
		if _, err := time.Parse(time.RFC3339, q.since); err != nil {
			return fmt.Errorf("--since %q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", q.since)
		}
	}
	return exportAudit(ctx, &cfg, q, os.Stdout)
}

// auditPage is the most events asked of the server at once, its maximum.
const auditPage = 1000

func exportAudit(ctx context.Context, cfg *Config, q auditQuery, w io.Writer) error {
	after, printed := "", 0
	for {
		v := url.Values{}
		v.Set("limit", strconv.Itoa(auditPage))
		if q.limit > 0 {
			v.Set("limit", strconv.Itoa(min(auditPage, q.limit-printed)))
		}
		setGiven(v, map[string]string{"since": q.since, "account-id": q.account, "after": after})
		var out struct {
			Events    []json.RawMessage
			NextToken string
		}
		if err := operatorCall(ctx, cfg, "GET", "audit?"+v.Encode(), nil, &out); err != nil {
			return err
		}
		for _, ev := range out.Events {
			if err := outf(w, "%s\n", string(ev)); err != nil {
				return err
			}
		}
		printed += len(out.Events)
		if out.NextToken == "" || (q.limit > 0 && printed >= q.limit) {
			return nil
		}
		after = out.NextToken
	}
}
