package api

import (
	"bytes"
	"cmp"
	"net/http"
	"reflect"
	"strconv"
	"strings"

	"github.com/belfryhq/belfry"
	jsonv2 "github.com/go-json-experiment/json"
)

// The operator API is Belfry's own, for what Chime did in its console or
// through AWS itself: claiming domains and managing access keys. It answers
// under /_belfry/ only to requests signed with the root key, with errors in
// the same wire form as the Chime API.

const operatorPrefix = "/_belfry/"

func isOperatorPath(p string) bool { return strings.HasPrefix(p, operatorPrefix) }

func (s *Server) serveOperator(c *call) (int, error) {
	buf := s.bufs.Get().(*bytes.Buffer)
	defer s.putBuf(buf)
	if err := s.authenticate(c, buf); err != nil {
		return 0, err
	}
	if s.keys.root == nil || c.key.ID != s.keys.root.ID {
		return 0, belfry.Errorf(belfry.Forbidden, "operator requests must be signed with Belfry's root access key")
	}
	if err := operatorText(c); err != nil {
		return 0, err
	}
	route := c.r.Method + " " + strings.TrimPrefix(c.r.URL.Path, operatorPrefix)
	s.audit(c, operatorOperation(route))
	var (
		out  any
		code = http.StatusOK
		err  error
	)
	switch {
	case strings.HasPrefix(route, c.r.Method+" "+testPrefix):
		sub, _ := testRoute(route)
		code, out, err = s.serveTest(c, sub)
	case route == "POST domains":
		out, err = s.claimDomain(c)
	case route == "POST keys":
		code = http.StatusCreated
		out, err = s.createKey(c)
	case route == "GET keys":
		out, err = s.listKeys(c)
	case route == "GET invitations":
		out, err = s.listInvitations(c)
	case route == "GET audit":
		out, err = s.listAudit(c)
	case route == "GET jobs":
		out, err = s.listJobs(c)
	case route == "GET bot-deliveries":
		out, err = s.listBotDeliveries(c)
	case route == "GET messages":
		out, err = s.exportMessages(c)
	case route == "POST webhooks":
		code = http.StatusCreated
		out, err = s.createWebhook(c)
	case route == "GET webhooks":
		out, err = s.listWebhooks(c)
	case route == "POST phone-numbers":
		out, err = s.importPhoneNumbers(c)
	case route == "GET phone-numbers":
		out, err = s.listPool(c)
	case strings.HasPrefix(route, "POST webhooks/") && strings.HasSuffix(route, "/regenerate"):
		out, err = s.regenerateWebhook(c, strings.TrimSuffix(strings.TrimPrefix(route, "POST webhooks/"), "/regenerate"))
	case strings.HasPrefix(route, "DELETE webhooks/"):
		code = http.StatusNoContent
		err = s.deleteWebhook(c, strings.TrimPrefix(route, "DELETE webhooks/"))
	case strings.HasPrefix(route, "DELETE domains/"):
		out, err = s.releaseDomain(c, strings.TrimPrefix(route, "DELETE domains/"))
	case strings.HasPrefix(route, "POST accounts/") && strings.HasSuffix(route, "/restore"):
		out, err = s.restoreAccount(c, strings.TrimSuffix(strings.TrimPrefix(route, "POST accounts/"), "/restore"))
	case strings.HasPrefix(route, "DELETE keys/"):
		code = http.StatusNoContent
		err = s.revokeKey(c, strings.TrimPrefix(route, "DELETE keys/"))
	default:
		err = belfry.Errorf(belfry.NotFound, "no operator request matches %s %s", c.r.Method, c.r.URL.Path)
	}
	if err != nil {
		return 0, err
	}
	return s.writeOutput(c, code, out), nil
}

// operatorText refuses, before any store sees it, what no store can keep
// (belfry.ValidText): a path that is not text names nothing that exists,
// and a query value that is not text is a bad request.
func operatorText(c *call) error {
	if !belfry.ValidText(c.r.URL.Path) {
		return belfry.Errorf(belfry.NotFound, "nothing exists at %q", c.r.URL.Path)
	}
	for k, vs := range c.query {
		for _, v := range vs {
			if !belfry.ValidText(k) || !belfry.ValidText(v) {
				return badRequest("query parameter %q must be UTF-8 text without NUL characters", k)
			}
		}
	}
	return nil
}

// decodeStrict decodes an operator request's body into v, a pointer to a
// struct of strings, as strictly as Chime requests are read: member names
// exactly as v's fields spell them, no member given twice, no unknown
// member, and every value text (belfry.ValidText).
func decodeStrict(c *call, v any) error {
	if err := jsonv2.Unmarshal(c.body, v, jsonv2.RejectUnknownMembers(true)); err != nil {
		return badRequest("the request body is not valid: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	s := reflect.ValueOf(v).Elem()
	for i := range s.NumField() {
		if f := s.Field(i); f.Kind() == reflect.String && !belfry.ValidText(f.String()) {
			name, _, _ := strings.Cut(s.Type().Field(i).Tag.Get("json"), ",")
			return badRequest("%s must be UTF-8 text without NUL characters", cmp.Or(name, s.Type().Field(i).Name))
		}
	}
	return nil
}

func (s *Server) claimDomain(c *call) (any, error) {
	var in struct {
		AccountID string `json:"AccountId"`
		Domain    string
		Type      string
	}
	if err := decodeStrict(c, &in); err != nil {
		return nil, err
	}
	t, err := belfry.ParseEnterpriseType(in.Type)
	if err != nil {
		return nil, err
	}
	a, err := s.svc.ClaimDomain(c.r.Context(), in.AccountID, in.Domain, t)
	if err != nil {
		return nil, err
	}
	return struct {
		Account *wireAccount
		Domains []string
	}{toWireAccount(a), a.Domains}, nil
}

type wireKey struct {
	AccessKeyID     string    `json:"AccessKeyId"`
	SecretAccessKey string    `json:"SecretAccessKey,omitempty"`
	AwsAccountID    string    `json:"AwsAccountId"`
	Name            string    `json:"Name"`
	Arn             string    `json:"Arn"`
	Created         timestamp `json:"Created,omitzero"`
	Revoked         timestamp `json:"Revoked,omitzero"`
}

func toWireKey(k *belfry.AccessKey, s secrets) wireKey {
	w := wireKey{
		AccessKeyID: k.ID, AwsAccountID: k.AwsAccountID, Name: k.Name, Arn: k.ARN(),
		Created: timestamp(k.Created), Revoked: timestamp(k.Revoked),
	}
	if s == withSecrets {
		w.SecretAccessKey = k.Secret
	}
	return w
}

func (s *Server) createKey(c *call) (any, error) {
	var in struct {
		AwsAccountID string `json:"AwsAccountId"`
		Name         string
	}
	if err := decodeStrict(c, &in); err != nil {
		return nil, err
	}
	k, err := s.svc.CreateAccessKey(c.r.Context(), in.AwsAccountID, in.Name)
	if err != nil {
		return nil, err
	}
	return struct{ AccessKey wireKey }{toWireKey(k, withSecrets)}, nil
}

func (s *Server) listKeys(c *call) (any, error) {
	keys, err := s.svc.ListAccessKeys(c.r.Context())
	if err != nil {
		return nil, err
	}
	out := struct{ AccessKeys []wireKey }{make([]wireKey, len(keys))}
	for i, k := range keys {
		out.AccessKeys[i] = toWireKey(k, withoutSecrets)
	}
	return out, nil
}

func (s *Server) revokeKey(c *call, id string) error {
	if id == s.keys.root.ID {
		return badRequest("the root key cannot be revoked; set BELFRY_ROOT_ACCESS_KEY_ID and BELFRY_ROOT_SECRET_ACCESS_KEY to replace it")
	}
	if err := s.svc.RevokeAccessKey(c.r.Context(), id); err != nil {
		return err
	}
	s.keys.forget(id)
	return nil
}

type wireInvitation struct {
	InviteID    string    `json:"InviteId"`
	AccountID   string    `json:"AccountId"`
	Email       string    `json:"Email"`
	Link        string    `json:"Link"`
	Expires     timestamp `json:"Expires,omitzero"`
	Attempts    int       `json:"Attempts"`
	NextAttempt timestamp `json:"NextAttempt,omitzero"`
	LastError   string    `json:"LastError,omitempty"`
}

// listInvitations lists the invitations whose e-mail is not delivered,
// with their accept links, so that an operator without a mail server can
// hand the links out (issue 3).
func (s *Server) listInvitations(c *call) (any, error) {
	after, err := operatorAfter(c)
	if err != nil {
		return nil, err
	}
	const size = 500
	mails, err := s.svc.QueuedMails(c.r.Context(), c.query.Get("account-id"), belfry.Page{After: after, Limit: size + 1})
	if err != nil {
		return nil, err
	}
	mails, more := trim(mails, size)
	out := struct {
		Invitations []wireInvitation
		NextToken   string `json:",omitempty"`
	}{Invitations: make([]wireInvitation, len(mails))}
	for i, m := range mails {
		out.Invitations[i] = wireInvitation{
			InviteID: m.InviteID, AccountID: m.AccountID, Email: m.To, Link: m.Link, Expires: timestamp(m.Expires),
			Attempts: m.Attempts, NextAttempt: timestamp(m.NextAttempt), LastError: m.LastError,
		}
	}
	if more {
		out.NextToken = strconv.FormatInt(mails[len(mails)-1].Seq, 10)
	}
	return out, nil
}
