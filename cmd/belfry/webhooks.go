package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/belfryhq/belfry/webhook"
)

const webhooksUsage = `usage:
  belfry webhooks create ACCOUNT_ID ROOM_ID NAME     make a webhook and print its URL (shown only now)
  belfry webhooks list ACCOUNT_ID ROOM_ID            list a room's webhooks
  belfry webhooks regenerate ACCOUNT_ID WEBHOOK_ID   give a webhook a new URL and print it; the old one stops working
  belfry webhooks delete ACCOUNT_ID WEBHOOK_ID       delete a webhook; its URL stops working`

// bindWebhooks registers the webhook rate limit's flags: how many posts a
// second each webhook may make, and how many at once.
func (c *Config) bindWebhooks(fs *flag.FlagSet) {
	c.WebhookRate = webhook.DefaultRate
	c.envRate("BELFRY_WEBHOOK_RATE", &c.WebhookRate, 0, true, "a positive number of posts a second, such as 1 or 0.5")
	c.WebhookBurst = webhook.DefaultBurst
	c.envCount("BELFRY_WEBHOOK_BURST", &c.WebhookBurst, "posts")
	fs.Float64Var(&c.WebhookRate, "webhook-rate", c.WebhookRate, "posts a second each incoming webhook may make (BELFRY_WEBHOOK_RATE)")
	fs.IntVar(&c.WebhookBurst, "webhook-burst", c.WebhookBurst, "posts an incoming webhook may make at once (BELFRY_WEBHOOK_BURST)")
}

// checkWebhooks refuses a rate limit given by flag that cannot work.
func (c *Config) checkWebhooks() error {
	if !(c.WebhookRate > 0) || c.WebhookBurst < 1 {
		return fmt.Errorf("-webhook-rate must be above 0 and -webhook-burst at least 1; got %g and %d", c.WebhookRate, c.WebhookBurst)
	}
	return nil
}

// wireHook is a webhook as the operator API answers it.
type wireHook struct {
	WebhookId, AccountId, RoomId, Name, CreatedTimestamp, Url string
}

// webhooksCommand runs `belfry webhooks create|list|regenerate|delete`
// (DECISIONS.md, "Incoming webhooks").
func webhooksCommand(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(webhooksUsage)
	}
	var cfg Config
	fs := flag.NewFlagSet("belfry webhooks "+args[0], flag.ContinueOnError)
	cfg.bind(fs)
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return errors.Join(err, errors.New(webhooksUsage))
	}
	want := map[string]int{"create": 3, "list": 2, "regenerate": 2, "delete": 2}
	if n, ok := want[args[0]]; !ok || len(pos) != n {
		return errors.New(webhooksUsage)
	}
	return runWebhooks(ctx, &cfg, args[0], pos, os.Stdout)
}

func runWebhooks(ctx context.Context, cfg *Config, verb string, pos []string, w io.Writer) error {
	var one struct{ Webhook wireHook }
	switch verb {
	case "create":
		in := map[string]string{"AccountId": pos[0], "RoomId": pos[1], "Name": pos[2]}
		if err := operatorCall(ctx, cfg, "POST", "webhooks", in, &one); err != nil {
			return err
		}
		return outf(w, "%s\n", one.Webhook.Url)
	case "regenerate":
		in := map[string]string{"AccountId": pos[0]}
		if err := operatorCall(ctx, cfg, "POST", "webhooks/"+url.PathEscape(pos[1])+"/regenerate", in, &one); err != nil {
			return err
		}
		return outf(w, "%s\n", one.Webhook.Url)
	case "delete":
		q := url.Values{"account-id": {pos[0]}}
		if err := operatorCall(ctx, cfg, "DELETE", "webhooks/"+url.PathEscape(pos[1])+"?"+q.Encode(), nil, nil); err != nil {
			return err
		}
		return outf(w, "deleted webhook %s\n", pos[1])
	}
	var list struct{ Webhooks []wireHook }
	q := url.Values{"account-id": {pos[0]}, "room-id": {pos[1]}}
	if err := operatorCall(ctx, cfg, "GET", "webhooks?"+q.Encode(), nil, &list); err != nil {
		return err
	}
	for _, h := range list.Webhooks {
		if err := outf(w, "%s\t%s\t%s\n", h.WebhookId, h.CreatedTimestamp, h.Name); err != nil {
			return err
		}
	}
	return nil
}
