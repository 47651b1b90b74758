package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// parseInterleaved parses flags that may stand before, between or after
// positional arguments, so that `belfry domain claim ID DOMAIN --type T`
// works as written.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

func domainCommand(ctx context.Context, args []string) error {
	if len(args) > 0 && args[0] == "release" {
		return domainRelease(ctx, args[1:])
	}
	if len(args) == 0 || args[0] != "claim" {
		return fmt.Errorf("usage: belfry domain claim ACCOUNT_ID DOMAIN --type EnterpriseLWA|EnterpriseDirectory|EnterpriseOIDC")
	}
	var cfg Config
	fs := flag.NewFlagSet("belfry domain claim", flag.ContinueOnError)
	cfg.bind(fs)
	typ := fs.String("type", "", "the Enterprise account type: EnterpriseLWA, EnterpriseDirectory or EnterpriseOIDC")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != 2 || *typ == "" {
		return fmt.Errorf("usage: belfry domain claim ACCOUNT_ID DOMAIN --type EnterpriseLWA|EnterpriseDirectory|EnterpriseOIDC")
	}
	var out struct {
		Account struct{ AccountId, Name, AccountType string }
		Domains []string
	}
	in := map[string]string{"AccountId": pos[0], "Domain": pos[1], "Type": *typ}
	if err := operatorCall(ctx, &cfg, "POST", "domains", in, &out); err != nil {
		return err
	}
	outf(os.Stdout, "account %s (%s) is %s with domains %s\n", out.Account.AccountId, out.Account.Name,
		out.Account.AccountType, strings.Join(out.Domains, ", "))
	return nil
}

type keyOutput struct {
	AccessKeyId, SecretAccessKey, AwsAccountId, Name, Arn, Created, Revoked string
}

func keysCommand(ctx context.Context, args []string) error {
	const keysUsage = "usage: belfry keys create --aws-account-id ID [--name NAME] | keys list | keys revoke ACCESS_KEY_ID"
	if len(args) == 0 {
		return errors.New(keysUsage)
	}
	var cfg Config
	fs := flag.NewFlagSet("belfry keys "+args[0], flag.ContinueOnError)
	cfg.bind(fs)
	account := fs.String("aws-account-id", "", "the 12-digit AWS account ID the key belongs to")
	name := fs.String("name", "", "who holds the key, as named in ARNs (default belfry-admin)")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case args[0] == "create" && len(pos) == 0:
		var out struct{ AccessKey keyOutput }
		in := map[string]string{"AwsAccountId": *account, "Name": *name}
		if err := operatorCall(ctx, &cfg, "POST", "keys", in, &out); err != nil {
			return err
		}
		k := out.AccessKey
		outf(os.Stdout, "AWS_ACCESS_KEY_ID=%s\nAWS_SECRET_ACCESS_KEY=%s\n# AWS account %s, %s\n", k.AccessKeyId, k.SecretAccessKey, k.AwsAccountId, k.Arn)
		return nil
	case args[0] == "list" && len(pos) == 0:
		var out struct{ AccessKeys []keyOutput }
		if err := operatorCall(ctx, &cfg, "GET", "keys", nil, &out); err != nil {
			return err
		}
		tw := tabwriter.NewWriter(os.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ACCESS KEY ID\tAWS ACCOUNT\tNAME\tCREATED\tREVOKED")
		for _, k := range out.AccessKeys {
			outf(tw, "%s\t%s\t%s\t%s\t%s\n", k.AccessKeyId, k.AwsAccountId, k.Name, k.Created, orString(k.Revoked, "-"))
		}
		return tw.Flush()
	case args[0] == "revoke" && len(pos) == 1:
		if err := operatorCall(ctx, &cfg, "DELETE", "keys/"+pos[0], nil, nil); err != nil {
			return err
		}
		outf(os.Stdout, "revoked %s\n", pos[0])
		return nil
	}
	return errors.New(keysUsage)
}

// operatorCall sends one signed request to the running server's operator
// API and decodes its answer into out.
func operatorCall(ctx context.Context, cfg *Config, method, path string, in, out any) error {
	root, _, err := cfg.rootKey(false)
	if err != nil {
		return err
	}
	var body []byte
	if in != nil {
		body, _ = json.Marshal(in)
	}
	url := strings.TrimSuffix(cfg.Endpoint, "/") + "/_belfry/" + path
	req, err := http.NewRequestWithContext(ctx, method, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: root.ID, SecretAccessKey: root.Secret}
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "chime", "us-east-1", time.Now()); err != nil {
		return err
	}
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
	if err != nil {
		return fmt.Errorf("cannot reach Belfry at %s (set BELFRY_ENDPOINT or --endpoint): %w", cfg.Endpoint, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode >= 300 {
		var e struct{ Message string }
		json.Unmarshal(raw, &e)
		// The message may quote what an API caller named: it is printed.
		return fmt.Errorf("%s (%s)", printable(orString(e.Message, strings.TrimSpace(string(raw)))),
			printable(resp.Header.Get("X-Amzn-ErrorType")))
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// setGiven sets in q the operator command's options that were given, and
// leaves out those left empty, which the server reads as "any".
func setGiven(q url.Values, options map[string]string) {
	for name, value := range options {
		if value != "" {
			q.Set(name, value)
		}
	}
}
