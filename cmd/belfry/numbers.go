package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"text/tabwriter"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/queue"
)

const numbersUsage = `usage:
  belfry numbers import FILE.csv   add the file's numbers to the pool (columns E164,Country,Type,City,State)
  belfry numbers list              list the pool, with who holds each number`

// bindNumbers registers how long an order of phone numbers stays
// Processing, as a carrier would take (DECISIONS.md, "Phone numbers").
func (c *Config) bindNumbers(fs *flag.FlagSet) {
	c.OrderDelay = c.envDuration("BELFRY_ORDER_DELAY", belfry.DefaultOrderDelay)
	fs.DurationVar(&c.OrderDelay, "order-delay", c.OrderDelay,
		"how long a phone number order stays Processing, and a calling-name update in progress (BELFRY_ORDER_DELAY)")
}

// setUpNumbers runs the worker that fills phone number orders through the
// durable job queue: on every replica one, whose leases keep an order from
// being filled twice, and whose queue keeps orders across restarts. The
// deletion queue is swept by the purge worker.
func (s *server) setUpNumbers(svc *belfry.Service, log *slog.Logger) {
	svc.PhoneDelay = max(s.cfg.OrderDelay, 0)
	worker := queue.New(belfry.KindPhoneOrder, svc, queue.HandlerFunc(svc.FillPhoneNumberOrder), queue.Config{
		Concurrency: 2, Poll: min(time.Second, max(svc.PhoneDelay, 100*time.Millisecond)), Clock: svc.Now, Logger: log,
	})
	svc.PhoneOrders = worker
	s.background = append(s.background, worker.Run)
}

// numbersCommand runs `belfry numbers import|list`.
func numbersCommand(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return errors.New(numbersUsage)
	}
	var cfg Config
	fs := flag.NewFlagSet("belfry numbers "+args[0], flag.ContinueOnError)
	cfg.bind(fs)
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return errors.Join(err, errors.New(numbersUsage))
	}
	switch {
	case args[0] == "import" && len(pos) == 1:
		return importNumbers(ctx, &cfg, pos[0], os.Stdout)
	case args[0] == "list" && len(pos) == 0:
		return listNumbers(ctx, &cfg, os.Stdout)
	}
	return errors.New(numbersUsage)
}

// importNumbers checks every line of the file before it sends any, so that
// a file with a wrong line imports nothing, then sends the numbers in
// parts the server takes; the parts are idempotent, so an import cut short
// is finished by running it again.
func importNumbers(ctx context.Context, cfg *Config, path string, w io.Writer) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	nums, err := belfry.ParsePoolCSV(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	var added, had int
	for start := 0; start < len(nums); start += belfry.MaxPoolImport {
		part := nums[start:min(start+belfry.MaxPoolImport, len(nums))]
		in := struct{ Numbers []poolNumber }{make([]poolNumber, len(part))}
		for i, n := range part {
			in.Numbers[i] = poolNumber{E164: n.E164, Country: n.Country, Type: string(n.Type), City: n.City, State: n.State}
		}
		var out struct{ Added, AlreadyInPool int }
		if err := operatorCall(ctx, cfg, "POST", "phone-numbers", in, &out); err != nil {
			return fmt.Errorf("after %d numbers were added: %w", added, err)
		}
		added, had = added+out.Added, had+out.AlreadyInPool
	}
	outf(w, "added %d numbers to the pool; %d were in it already\n", added, had)
	return nil
}

// poolNumber is a number of the pool as the operator API takes and
// answers it.
type poolNumber struct {
	E164, Country, Type, City, State string
	Status                           string `json:",omitempty"`
	AwsAccountId                     string `json:",omitempty"`
}

func listNumbers(ctx context.Context, cfg *Config, w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "E164\tCOUNTRY\tTYPE\tCITY\tSTATE\tSTATUS\tAWS ACCOUNT")
	q := url.Values{}
	for {
		var out struct {
			Numbers   []poolNumber
			NextToken string
		}
		if err := operatorCall(ctx, cfg, "GET", "phone-numbers?"+q.Encode(), nil, &out); err != nil {
			return err
		}
		for _, n := range out.Numbers {
			outf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", n.E164, n.Country, n.Type, orDash(n.City), orDash(n.State), n.Status, orDash(n.AwsAccountId))
		}
		if out.NextToken == "" {
			return tw.Flush()
		}
		q.Set("next-token", out.NextToken)
	}
}
