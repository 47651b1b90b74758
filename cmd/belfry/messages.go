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
	"time"
)

const messagesUsage = "usage: belfry messages export ACCOUNT_ID [--room ROOM_ID | --conversation CONVERSATION_ID] [--since RFC3339]"

// messagesCommand exports an account's messages as JSON lines, oldest
// first, for compliance and for moving to another service (DECISIONS.md,
// "Rooms, once they hold conversations").
func messagesCommand(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "export" {
		return errors.New(messagesUsage)
	}
	var cfg Config
	fs := flag.NewFlagSet("belfry messages export", flag.ContinueOnError)
	cfg.bind(fs)
	room := fs.String("room", "", "export only this room's messages")
	conversation := fs.String("conversation", "", "export only this conversation's messages")
	since := fs.String("since", "", "export only messages posted at or after this RFC 3339 time, such as 2026-01-02T15:04:05Z")
	pos, err := parseInterleaved(fs, args[1:])
	switch {
	case err != nil || len(pos) != 1:
		return errors.Join(err, errors.New(messagesUsage))
	case *room != "" && *conversation != "":
		return errors.New("--room and --conversation cannot be given together\n" + messagesUsage)
	}
	if *since != "" {
		if _, err := time.Parse(time.RFC3339, *since); err != nil {
			return fmt.Errorf("--since %q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", *since)
		}
	}
	q := url.Values{"account-id": {pos[0]}}
	setGiven(q, map[string]string{"room-id": *room, "conversation-id": *conversation, "since": *since})
	return exportMessages(ctx, &cfg, q, os.Stdout)
}

// exportMessages prints every page of the export that q selects, one JSON
// line a message. The lines go through outf: a message's content is an API
// caller's text, whose control characters must not reach the terminal.
func exportMessages(ctx context.Context, cfg *Config, q url.Values, w io.Writer) error {
	for {
		var out struct {
			Messages  []json.RawMessage
			NextToken string
		}
		if err := operatorCall(ctx, cfg, "GET", "messages?"+q.Encode(), nil, &out); err != nil {
			return err
		}
		for _, m := range out.Messages {
			if err := outf(w, "%s\n", string(m)); err != nil {
				return err
			}
		}
		if out.NextToken == "" {
			return nil
		}
		q.Set("next-token", out.NextToken)
	}
}
