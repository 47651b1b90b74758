package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/api"
	"github.com/belfryhq/belfry/mail"
)

// bench holds Belfry (one server per replica) and the floor server, each on
// its own loopback port, and the SDK clients that drive them: client c
// talks to replica c mod the number of replicas.
type bench struct {
	db      *database
	stores  []belfry.Store
	svc     *belfry.Service // on the first replica, for seeding
	servers []*http.Server
	belfry  []*chime.Client
	floor   []*chime.Client
	root    *belfry.AccessKey
	// transport is shared by all clients, with an idle connection kept
	// for each.
	transport http.RoundTripper
}

func newBench(ctx context.Context, dir string, clients int, db *database) (*bench, error) {
	b := &bench{db: db, root: belfry.NewAccessKey("111122223333", "root", time.Now())}
	var err error
	if b.stores, err = db.open(ctx, dir); err != nil {
		b.close()
		return nil, err
	}
	var belfryURLs []string
	for _, store := range b.stores {
		// Like a Belfry with no mail server configured: each invitation's
		// e-mail is composed and queued for an operator to hand out.
		svc := &belfry.Service{Store: store, Invitations: belfry.Invitations{
			PublicURL: "http://belfry.example", Composer: mail.DefaultTemplates(),
		}}
		if b.svc == nil {
			b.svc = svc
		}
		u, err := b.listen(api.New(api.Config{Service: svc, Root: b.root}))
		if err != nil {
			return nil, err
		}
		belfryURLs = append(belfryURLs, u)
	}
	floorDB, create, insert, err := db.floorDB(dir)
	if err != nil {
		return nil, err
	}
	floor, err := newFloor(floorDB, create, insert, b.root)
	if err != nil {
		return nil, err
	}
	floorURL, err := b.listen(floor)
	if err != nil {
		return nil, err
	}
	// One transport for all clients, with an idle connection kept for each
	// client: the SDK's default keeps 10 per host, and 32 clients would
	// then open a new connection on most requests.
	httpClient := awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		t.MaxIdleConnsPerHost = clients * 2
		t.MaxIdleConns = clients * 16
	})
	b.transport = httpClient.GetTransport()
	for c := range clients {
		b.belfry = append(b.belfry, b.client(belfryURLs[c%len(belfryURLs)], httpClient))
		b.floor = append(b.floor, b.client(floorURL, httpClient))
	}
	return b, nil
}

func (b *bench) client(url string, hc aws.HTTPClient) *chime.Client {
	return chime.New(chime.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(url),
		Credentials:  credentials.NewStaticCredentialsProvider(b.root.ID, b.root.Secret, ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   hc,
	})
}

func (b *bench) listen(h http.Handler) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	b.servers = append(b.servers, srv)
	go srv.Serve(ln)
	return "http://" + ln.Addr().String(), nil
}

func (b *bench) close() {
	for _, s := range b.servers {
		s.Close()
	}
	for _, s := range b.stores {
		s.Close()
	}
	if err := b.db.drop(); err != nil {
		fmt.Fprintln(os.Stderr, "belfry-bench: dropping the run's schema:", err)
	}
}

// ctx is a context that carries the root caller, for seeding through the
// service directly, which is much faster than through HTTP.
func (b *bench) ctx(ctx context.Context) context.Context {
	return belfry.WithCaller(ctx, belfry.Caller{AwsAccountID: b.root.AwsAccountID, AccessKeyID: b.root.ID, ARN: b.root.ARN()})
}

// account makes an account; with domain set it claims it as Enterprise.
func (b *bench) account(ctx context.Context, name, domain string) (string, error) {
	a, err := b.svc.CreateAccount(b.ctx(ctx), name)
	if err != nil {
		return "", err
	}
	if domain != "" {
		if _, err := b.svc.ClaimDomain(ctx, a.ID, domain, belfry.EnterpriseDirectory); err != nil {
			return "", err
		}
	}
	return a.ID, nil
}

// seedUsers invites n users to a Team account through the service, 50 at a
// time as InviteUsers allows. Their domain is one that no account claims:
// an address in a claimed domain (example.com, CreateUser's) is not
// invited at all.
func (b *bench) seedUsers(ctx context.Context, accountID string, n int) error {
	for i := 0; i < n; i += 50 {
		emails := make([]string, 0, 50)
		for j := i; j < min(i+50, n); j++ {
			emails = append(emails, fmt.Sprintf("seed%07d@team.example.net", j))
		}
		if _, err := b.svc.InviteUsers(b.ctx(ctx), accountID, emails, ""); err != nil {
			return err
		}
	}
	return nil
}

var errEmptyPage = errors.New("ListUsers returned an empty page")
