package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net/url"
	"os"
	"strconv"
	"text/tabwriter"
)

// botsCommand runs `belfry bots deliveries [-newest N] ACCOUNT_ID BOT_ID`:
// a bot's delivery log, each attempt at each of its events, oldest first,
// or only the N newest, newest first (DECISIONS.md, bots).
func botsCommand(ctx context.Context, args []string) error {
	const usage = "usage: belfry bots deliveries [-newest N] ACCOUNT_ID BOT_ID"
	if len(args) == 0 || args[0] != "deliveries" {
		return errors.New(usage)
	}
	var cfg Config
	fs := flag.NewFlagSet("belfry bots deliveries", flag.ContinueOnError)
	cfg.bind(fs)
	newest := fs.Int("newest", 0, "show only the N newest attempts, newest first")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil || len(pos) != 2 || *newest < 0 {
		return errors.Join(err, errors.New(usage))
	}
	q := url.Values{"account-id": {pos[0]}, "bot-id": {pos[1]}}
	left := -1 // rows still to print; -1 is all
	if *newest > 0 {
		q.Set("order", "newest")
		left = *newest
	}
	tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tEVENT\tTYPE\tROOM\tATTEMPT\tSTATUS\tDURATION\tERROR")
	for {
		var out struct {
			Deliveries []struct {
				EventId, EventType, RoomId, Time, Error string
				Attempt, HttpStatus                     int
				DurationMs                              int64
			}
			NextToken string
		}
		if err := operatorCall(ctx, &cfg, "GET", "bot-deliveries?"+q.Encode(), nil, &out); err != nil {
			return err
		}
		for _, d := range out.Deliveries {
			if left == 0 {
				return tw.Flush()
			}
			left--
			status := "-"
			if d.HttpStatus != 0 {
				status = strconv.Itoa(d.HttpStatus)
			}
			err := outf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%d ms\t%s\n", d.Time, d.EventId, d.EventType, d.RoomId, d.Attempt,
				status, d.DurationMs, orDash(d.Error))
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
