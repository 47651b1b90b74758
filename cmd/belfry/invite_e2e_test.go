package main

// The invitation path end to end: InviteUsers through the Go SDK, the
// e-mail through a real SMTP server, the accept page through a plain HTTP
// client, and `belfry invitations list` for the links nobody mailed.

import (
	"fmt"
	"maps"
	"mime"
	netmail "net/mail"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/aws/aws-sdk-go-v2/service/chime/types"
	"github.com/belfryhq/belfry/internal/smtptest"
)

// What the tests configure Belfry's invitation e-mail with.
const (
	mailFromName = "Belfry Invitations"
	mailFromAddr = "invites@belfry.example"
	mailReplyTo  = "admins@example.org"
)

// Bounds on the waits for mail.
const (
	deliveryTimeout = 30 * time.Second
	// duplicateWindow is how long a test waits, after the messages it
	// expects have arrived, for a second copy of one of them.
	duplicateWindow = 500 * time.Millisecond
)

// mailBelfry is a Belfry whose invitation links start with PublicURL.
type mailBelfry struct {
	*proc
	PublicURL string
	chime     *chime.Client
}

// startMailBelfry starts Belfry with the invitation e-mail configured and
// BELFRY_PUBLIC_URL naming the address it listens at, delivering to
// smtpURL, or to no mail server when smtpURL is empty.
func startMailBelfry(t *testing.T, opts startOptions, smtpURL string) *mailBelfry {
	t.Helper()
	opts.Addr = freeAddr(t)
	public := "http://" + opts.Addr
	opts.ExtraEnv = append(opts.ExtraEnv, "BELFRY_PUBLIC_URL="+public,
		"BELFRY_MAIL_FROM="+mailFromName+" <"+mailFromAddr+">", "BELFRY_MAIL_REPLY_TO="+mailReplyTo)
	if smtpURL != "" {
		opts.ExtraEnv = append(opts.ExtraEnv, "BELFRY_SMTP_URL="+smtpURL)
	}
	p := startBelfry(t, opts)
	return &mailBelfry{proc: p, PublicURL: public, chime: p.sdk(rootKeyID, rootSecret)}
}

// team creates a Team account and returns its ID.
func (b *mailBelfry) team(name string) string {
	b.t.Helper()
	out, err := b.chime.CreateAccount(ctxT(b.t), &chime.CreateAccountInput{Name: aws.String(name)})
	if err != nil {
		b.t.Fatalf("CreateAccount %q: %v", name, err)
	}
	return aws.ToString(out.Account.AccountId)
}

// invite calls InviteUsers and checks that it answers one Invite per
// address.
func (b *mailBelfry) invite(accountID string, emails ...string) []types.Invite {
	b.t.Helper()
	out, err := b.chime.InviteUsers(ctxT(b.t), &chime.InviteUsersInput{AccountId: &accountID, UserEmailList: emails})
	if err != nil {
		b.t.Fatalf("InviteUsers %v: %v", emails, err)
	}
	if len(out.Invites) != len(emails) {
		b.t.Fatalf("InviteUsers of %d addresses answered %d invites", len(emails), len(out.Invites))
	}
	return out.Invites
}

// wantInvites checks every invite's Status and EmailStatus.
func wantInvites(t *testing.T, invs []types.Invite, status types.InviteStatus, email types.EmailStatus) {
	t.Helper()
	for _, inv := range invs {
		if inv.Status != status || inv.EmailStatus != email {
			t.Errorf("invite of %s: Status %s, EmailStatus %s; want %s, %s",
				aws.ToString(inv.EmailAddress), inv.Status, inv.EmailStatus, status, email)
		}
	}
}

// linkPattern matches an accept link of b: the public URL, then the token.
func (b *mailBelfry) linkPattern() *regexp.Regexp {
	return regexp.MustCompile(regexp.QuoteMeta(b.PublicURL+"/invitations/") + `[A-Za-z0-9_-]{43}`)
}

// TestInviteDeliveryAndContent invites three addresses with a healthy mail
// server: InviteUsers answers Sent for each (its bounded wait lets the
// common case tell the truth), and each address gets exactly one message
// that names the account and carries its own link in both parts.
func TestInviteDeliveryAndContent(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	b := startMailBelfry(t, startOptions{}, srv.URL())
	acct := b.team("Ops Team")
	emails := []string{"ana@example.org", "bo@example.org", "cy@example.org"}
	start := time.Now()
	wantInvites(t, b.invite(acct, emails...), types.InviteStatusPending, types.EmailStatusSent)
	msgs := deliveredOnce(t, srv, emails...)
	ids, links := map[string]bool{}, map[string]bool{}
	for _, e := range emails {
		m := msgs[e]
		checkHeader(t, m, e, start)
		id := m.Header(t).Get("Message-ID")
		link := b.mailedLink(t, m)
		if ids[id] || links[link] {
			t.Errorf("message to %s repeats another's Message-ID %s or link %s", e, id, link)
		}
		ids[id], links[link] = true, true
	}
}

// checkHeader checks the envelope and header of the invitation to rcpt,
// sent after start.
func checkHeader(t *testing.T, m smtptest.Message, rcpt string, start time.Time) {
	t.Helper()
	h := m.Header(t)
	if m.From != mailFromAddr || len(m.To) != 1 || m.To[0] != rcpt {
		t.Errorf("envelope from %q to %q, want %s to %s", m.From, m.To, mailFromAddr, rcpt)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(h.Get("Subject"))
	if err != nil || !strings.Contains(subject, "Ops Team") {
		t.Errorf("Subject %q (%v), want it to name the account Ops Team", h.Get("Subject"), err)
	}
	from, err := netmail.ParseAddress(h.Get("From"))
	if err != nil || from.Name != mailFromName || from.Address != mailFromAddr {
		t.Errorf("From %q (%v), want %s <%s>", h.Get("From"), err, mailFromName, mailFromAddr)
	}
	replyTo, err := netmail.ParseAddress(h.Get("Reply-To"))
	if err != nil || replyTo.Address != mailReplyTo {
		t.Errorf("Reply-To %q (%v), want %s", h.Get("Reply-To"), err, mailReplyTo)
	}
	if id := h.Get("Message-ID"); !regexp.MustCompile(`^<[^<>@\s]+@[^<>@\s]+>$`).MatchString(id) {
		t.Errorf("Message-ID %q, want <id@host>", id)
	}
	date, err := h.Date()
	if err != nil || date.Before(start.Add(-time.Second)) || date.After(time.Now().Add(time.Second)) {
		t.Errorf("Date %q (%v), want the time it was sent", h.Get("Date"), err)
	}
}

// mailedLink returns the accept link of an invitation message, checking
// that its text and HTML parts carry the same one.
func (b *mailBelfry) mailedLink(t *testing.T, m smtptest.Message) string {
	t.Helper()
	ps := mailParts(t, m)
	text := b.linkPattern().FindString(ps["text/plain"])
	html := b.linkPattern().FindString(ps["text/html"])
	if text == "" || text != html {
		t.Fatalf("message to %v: text part link %q, HTML part link %q; want the same link to %s/invitations/…\n%s",
			m.To, text, html, b.PublicURL, m.Data)
	}
	return text
}

// TestInviteAccept accepts an invitation through the link of its e-mail
// with a plain HTTP client: the user becomes Registered with a PIN, the
// link then answers the "already used" page, and a forged one 404.
func TestInviteAccept(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	b := startMailBelfry(t, startOptions{}, srv.URL())
	acct := b.team("Ops Team")
	b.invite(acct, "dana@example.org")
	link := b.mailedLink(t, deliveredOnce(t, srv, "dana@example.org")["dana@example.org"])
	pin := acceptLink(t, link, "Ops Team", "Dana Scully")
	u := b.user(acct, "dana@example.org")
	if u.UserRegistrationStatus != types.RegistrationStatusRegistered || u.UserInvitationStatus != types.InviteStatusAccepted ||
		aws.ToString(u.DisplayName) != "Dana Scully" || u.RegisteredOn == nil ||
		!regexp.MustCompile(`^[0-9]{10}$`).MatchString(aws.ToString(u.PersonalPIN)) || aws.ToString(u.PersonalPIN) != pin {
		t.Errorf("GetUser after accepting: %s/%s, DisplayName %q, RegisteredOn %v, PersonalPIN %q; "+
			"want Registered/Accepted, Dana Scully, set, the 10 digits the welcome page showed (%s)",
			u.UserRegistrationStatus, u.UserInvitationStatus, aws.ToString(u.DisplayName), u.RegisteredOn,
			aws.ToString(u.PersonalPIN), pin)
	}
	list, err := b.chime.ListUsers(ctxT(t), &chime.ListUsersInput{AccountId: &acct})
	if err != nil || len(list.Users) != 1 || list.Users[0].UserRegistrationStatus != types.RegistrationStatusRegistered ||
		list.Users[0].PersonalPIN != nil {
		t.Errorf("ListUsers after accepting: %+v (%v), want the one user Registered, without its PIN", list, err)
	}
	for _, method := range []string{"GET", "POST"} {
		if code, body := page(t, method, link, "Dana again"); code != 409 || !strings.Contains(body, "already") {
			t.Errorf("%s of the link once used: %d, want 409 with a page that says it was already accepted:\n%s", method, code, body)
		}
	}
	forged := b.PublicURL + "/invitations/" + strings.Repeat("A", 43)
	if code, body := page(t, "GET", forged, ""); code != 404 {
		t.Errorf("GET of a forged link: %d, want 404:\n%s", code, body)
	}
}

// user finds an account's user by e-mail and returns what GetUser shows.
func (b *mailBelfry) user(accountID, email string) *types.User {
	b.t.Helper()
	ctx := ctxT(b.t)
	list, err := b.chime.ListUsers(ctx, &chime.ListUsersInput{AccountId: &accountID, UserEmail: &email})
	if err != nil || len(list.Users) != 1 {
		b.t.Fatalf("ListUsers with UserEmail %s: %+v (%v), want one user", email, list, err)
	}
	got, err := b.chime.GetUser(ctx, &chime.GetUserInput{AccountId: &accountID, UserId: list.Users[0].UserId})
	if err != nil {
		b.t.Fatalf("GetUser %s: %v", email, err)
	}
	return got.User
}

// TestInviteFifty invites the most addresses one call takes: 50 invites in
// request order, each address sent exactly one message. Whether each
// answers Sent or NotSent depends on how fast this machine delivers 50
// messages before InviteUsers stops waiting (mail/'s
// TestInviteUsersAnswersSent pins that down); none fails.
func TestInviteFifty(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	b := startMailBelfry(t, startOptions{}, srv.URL())
	emails := make([]string, 50)
	for i := range emails {
		emails[i] = fmt.Sprintf("member%02d@example.org", i)
	}
	invs := b.invite(b.team("Big Team"), emails...)
	for i, inv := range invs {
		if got := aws.ToString(inv.EmailAddress); got != emails[i] {
			t.Errorf("invite %d is for %s, want %s: invites in request order", i, got, emails[i])
		}
	}
	for _, inv := range invs {
		if inv.Status != types.InviteStatusPending || (inv.EmailStatus != types.EmailStatusSent && inv.EmailStatus != types.EmailStatusNotSent) {
			t.Errorf("invite of %s: Status %s, EmailStatus %s; want Pending, Sent or NotSent",
				aws.ToString(inv.EmailAddress), inv.Status, inv.EmailStatus)
		}
	}
	deliveredOnce(t, srv, emails...)
}

// TestInviteSameAddressTwice gives one address twice, in two spellings:
// the second answers the first's invite, and one message goes.
func TestInviteSameAddressTwice(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	b := startMailBelfry(t, startOptions{}, srv.URL())
	invs := b.invite(b.team("Twice"), "dup@example.org", "other@example.org", "DUP@Example.org")
	if a, c := aws.ToString(invs[0].InviteId), aws.ToString(invs[2].InviteId); a == "" || a != c {
		t.Errorf("the address given twice got invites %q and %q, want the same one", a, c)
	}
	deliveredOnce(t, srv, "dup@example.org", "other@example.org")
}

// TestInviteMailServerDown invites while the mail server is down:
// InviteUsers answers at once with NotSent, the invitation waits in the
// outbox (listed for the operator), and goes exactly once when the server
// is back.
func TestInviteMailServerDown(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Stop()
	b := startMailBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_MAIL_RETRY_FIRST=200ms"}}, srv.URL())
	acct := b.team("Patient Team")
	wantInvites(t, b.invite(acct, "late@example.org"), types.InviteStatusPending, types.EmailStatusNotSent)
	if got := b.invitations(); !strings.HasPrefix(got["late@example.org"].Link, b.PublicURL+"/invitations/") {
		t.Errorf("belfry invitations list while the mail server is down: %+v, want late@example.org with a link", got)
	}
	srv.Restart(t)
	link := b.mailedLink(t, deliveredOnce(t, srv, "late@example.org")["late@example.org"])
	eventually(t, 10*time.Second, "belfry invitations list to drop the delivered invitation", func() bool {
		return len(b.invitations()) == 0
	})
	if code, body := page(t, "GET", link, ""); code != 200 || !strings.Contains(body, "Patient Team") {
		t.Errorf("GET of the link delivered late: %d, want 200 naming the account:\n%s", code, body)
	}
}

// TestInviteSurvivesKill kills Belfry with SIGKILL while its invitations
// wait for the mail server: the next Belfry on the same data directory
// delivers each of them exactly once.
func TestInviteSurvivesKill(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Stop()
	dir := t.TempDir()
	// The first attempt fails during InviteUsers; the next is due 5 s
	// later, long after the kill, so no lease is held when it comes.
	b := startMailBelfry(t, startOptions{DataDir: dir, ExtraEnv: []string{"BELFRY_MAIL_RETRY_FIRST=5s"}}, srv.URL())
	emails := []string{"k1@example.org", "k2@example.org", "k3@example.org", "k4@example.org", "k5@example.org"}
	wantInvites(t, b.invite(b.team("Killed"), emails...), types.InviteStatusPending, types.EmailStatusNotSent)
	// An attempt is recorded in the statement that releases its lease.
	eventually(t, 4*time.Second, "a failed attempt recorded for each invitation", func() bool {
		got := b.invitations()
		for _, e := range emails {
			if n, err := strconv.Atoi(got[e].Attempts); err != nil || n < 1 {
				return false
			}
		}
		return len(got) == len(emails)
	})
	if _, err := b.stop(syscall.SIGKILL, stopTimeout); err == nil {
		t.Fatal("belfry exited 0 after SIGKILL")
	}
	srv.Restart(t)
	startMailBelfry(t, startOptions{DataDir: dir, ExtraEnv: []string{"BELFRY_MAIL_RETRY_FIRST=200ms"}}, srv.URL())
	deliveredOnce(t, srv, emails...)
}

// TestInvitePermanentRefusal has the mail server refuse an address with
// 550: its invite answers Failed at once and the message is never retried,
// while the other address of the call is Sent.
func TestInvitePermanentRefusal(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t, smtptest.Options{})
	srv.Refuse("nobody@example.org", 550, "no such user")
	b := startMailBelfry(t, startOptions{ExtraEnv: []string{"BELFRY_MAIL_RETRY_FIRST=200ms"}}, srv.URL())
	invs := b.invite(b.team("Refused"), "nobody@example.org", "somebody@example.org")
	wantInvites(t, invs[:1], types.InviteStatusFailed, types.EmailStatusFailed)
	wantInvites(t, invs[1:], types.InviteStatusPending, types.EmailStatusSent)
	deliveredOnce(t, srv, "somebody@example.org")
	time.Sleep(time.Second) // several retry periods
	if n := srv.Rcpts("nobody@example.org"); n != 1 {
		t.Errorf("the refused address was tried %d times, want once", n)
	}
	if got := b.invitations(); len(got) != 0 {
		t.Errorf("belfry invitations list after a refusal and a delivery: %+v, want none", got)
	}
	// The operator sees the refused message among the failed jobs, and why;
	// the delivered one is done, and listed only when asked for.
	failed := jobLines(t, b.mustOperator("jobs", "list", "--failed"))
	if len(failed) != 1 || failed[0][1] != "mail" || failed[0][2] != "Failed" || !strings.Contains(failed[0][6], "550") {
		t.Errorf("belfry jobs list --failed: %q, want one failed mail job saying 550", failed)
	}
	done := jobLines(t, b.mustOperator("jobs", "list", "--kind", "mail", "--status", "done"))
	if len(done) != 1 || done[0][2] != "Done" {
		t.Errorf("belfry jobs list --status done: %q, want the delivered mail", done)
	}
	if r := b.operator("jobs", "list", "--status", "bogus"); r.Err == nil || !strings.Contains(r.Stderr, "bogus") {
		t.Errorf("belfry jobs list --status bogus: %v, want an error naming the status", r)
	}
}

// jobLines splits the table `belfry jobs list` prints into its rows' seven
// columns, checking the header.
func jobLines(t *testing.T, out string) [][]string {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if !strings.HasPrefix(lines[0], "JOB ") || !strings.Contains(lines[0], "LAST ERROR") {
		t.Fatalf("belfry jobs list printed no header:\n%s", out)
	}
	var rows [][]string
	for _, l := range lines[1:] {
		f := strings.Fields(l)
		if len(f) < 7 {
			t.Fatalf("belfry jobs list printed %q, want seven columns", l)
		}
		rows = append(rows, append(f[:6:6], strings.Join(f[6:], " ")))
	}
	return rows
}

// TestInviteWithoutMailServer runs Belfry with no BELFRY_SMTP_URL: the
// invitations answer NotSent, and `belfry invitations list` gives the
// operator each address with a link that works, by account if asked.
func TestInviteWithoutMailServer(t *testing.T) {
	t.Parallel()
	b := startMailBelfry(t, startOptions{}, "")
	alpha, beta := b.team("Alpha Team"), b.team("Beta Team")
	wantInvites(t, b.invite(alpha, "ana@example.org", "bo@example.org"), types.InviteStatusPending, types.EmailStatusNotSent)
	wantInvites(t, b.invite(beta, "cy@example.org"), types.InviteStatusPending, types.EmailStatusNotSent)
	all := b.invitations()
	for e, acct := range map[string]string{"ana@example.org": alpha, "bo@example.org": alpha, "cy@example.org": beta} {
		in, ok := all[e]
		if !ok || in.Account != acct || !b.linkPattern().MatchString(in.Link) {
			t.Errorf("belfry invitations list: %s is %+v; want it listed for account %s with a link", e, in, acct)
		}
	}
	if len(all) != 3 {
		t.Errorf("belfry invitations list shows %d invitations, want 3: %+v", len(all), all)
	}
	onlyAlpha := b.invitations("--account-id", alpha)
	if got := slices.Sorted(maps.Keys(onlyAlpha)); !slices.Equal(got, []string{"ana@example.org", "bo@example.org"}) {
		t.Errorf("belfry invitations list --account-id %s shows %v, want ana and bo only", alpha, got)
	}
	acceptLink(t, all["cy@example.org"].Link, "Beta Team", "Cy Twombly")
	if u := b.user(beta, "cy@example.org"); u.UserRegistrationStatus != types.RegistrationStatusRegistered {
		t.Errorf("user accepted through a listed link is %s, want Registered", u.UserRegistrationStatus)
	}
}

// TestInviteBadReplyToStopsStart starts Belfry with a BELFRY_MAIL_REPLY_TO
// that is no address: it must refuse to start and say why, rather than
// start and fail every invitation's e-mail for good.
func TestInviteBadReplyToStopsStart(t *testing.T) {
	t.Parallel()
	env := cleanEnv(append(rootEnv(), "BELFRY_ADDR="+freeAddr(t), "BELFRY_DATA_DIR="+t.TempDir(),
		"BELFRY_MAIL_REPLY_TO=admins at example.org")...)
	r := runCmd(t, env, belfryBinary(t), "serve")
	if exitCode(r.Err) != 1 || !strings.Contains(r.Stderr, "BELFRY_MAIL_REPLY_TO") {
		t.Errorf("belfry serve with a bad BELFRY_MAIL_REPLY_TO: %v; want exit 1 naming the variable", r)
	}
}
