// Command belfry runs the Belfry server and its operator commands.
//
//	belfry [serve]                                     run the server
//	belfry domain claim ACCOUNT_ID DOMAIN --type TYPE  make an account Enterprise
//	belfry keys create --aws-account-id ID [--name N]  make an access key
//	belfry keys list                                   list access keys
//	belfry keys revoke ACCESS_KEY_ID                   revoke an access key
//	belfry domain release DOMAIN                       release a domain, suspending its users
//	belfry accounts restore ACCOUNT_ID                 bring back an account deleted less than 90 days ago
//	belfry audit [--since T] [--account ID] [--limit N] print the audit log as JSON lines
//	belfry backup FILE                                 back the SQLite database up to FILE while the server runs
//	belfry numbers import FILE.csv                     add phone numbers to the pool
//
// Configuration comes from flags and BELFRY_* environment variables; see the
// README's configuration table.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:]); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "belfry:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args)
	case "domain":
		return domainCommand(ctx, args)
	case "keys":
		return keysCommand(ctx, args)
	case "invitations":
		return invitationsCommand(ctx, args)
	case "jobs":
		return jobsCommand(ctx, args)
	case "messages":
		return messagesCommand(ctx, args)
	case "accounts":
		return accountsCommand(ctx, args)
	case "audit":
		return auditCommand(ctx, args)
	case "webhooks":
		return webhooksCommand(ctx, args)
	case "backup":
		return backupCommand(ctx, args)
	case "numbers":
		return numbersCommand(ctx, args)
	case "bots":
		return botsCommand(ctx, args)
	case "help":
		fmt.Print(usage)
		return nil
	}
	return fmt.Errorf("unknown command %q\n%s", cmd, usage)
}

const usage = `usage:
  belfry [serve] [flags]                              run the server
  belfry domain claim ACCOUNT_ID DOMAIN --type TYPE   claim a domain; TYPE is EnterpriseLWA, EnterpriseDirectory or EnterpriseOIDC
  belfry keys create --aws-account-id ID [--name N]   create an access key for a 12-digit AWS account ID
  belfry keys list                                    list access keys
  belfry keys revoke ACCESS_KEY_ID                    revoke an access key
  belfry domain release DOMAIN                        release a claimed domain; its users are suspended
  belfry accounts restore ACCOUNT_ID                  bring back an account deleted less than 90 days ago
  belfry audit [--since RFC3339] [--account ID] [--limit N]
                                                      print the audit log as JSON lines, oldest first
  belfry invitations list [--account-id ID]           list undelivered invitations with their accept links
  belfry jobs list [--kind K] [--failed] [--status S] [--account-id ID]
                                                      list the job queue: pending, retrying and failed jobs, and why
  belfry messages export ACCOUNT_ID [--room ID | --conversation ID] [--since RFC3339]
                                                      print an account's messages as JSON lines, oldest first
  belfry webhooks create ACCOUNT_ID ROOM_ID NAME      make an incoming webhook and print its URL
  belfry webhooks list ACCOUNT_ID ROOM_ID             list a room's webhooks
  belfry webhooks regenerate ACCOUNT_ID WEBHOOK_ID    give a webhook a new URL and print it
  belfry webhooks delete ACCOUNT_ID WEBHOOK_ID        delete a webhook
  belfry backup FILE                                  copy the SQLite database to FILE, consistently, while the server runs
  belfry numbers import FILE.csv                      add phone numbers to the pool (E164,Country,Type,City,State)
  belfry numbers list                                 list the pool of phone numbers and who holds each
  belfry bots deliveries ACCOUNT_ID BOT_ID            list each attempt at delivering a bot's events
`
