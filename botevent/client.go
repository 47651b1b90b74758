package botevent

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"syscall"
	"time"

	"github.com/belfryhq/belfry"
)

// Config says which endpoints a Client may reach.
type Config struct {
	// CAFile names a PEM file of certificates trusted besides the
	// system's roots, for bots behind a private CA.
	CAFile string
	// AllowHTTP lets endpoints be plain http://, for local development.
	AllowHTTP bool
	// Timeout bounds one request; zero means 5 seconds.
	Timeout time.Duration
	// Clock stamps signatures; nil means time.Now.
	Clock func() time.Time
}

// Client posts signed events to bots' endpoints.
type Client struct {
	http      *http.Client
	allowHTTP bool
	now       func() time.Time
}

// errLinkLocal refuses link-local addresses, where cloud metadata
// services answer, whatever name resolved to them.
var errLinkLocal = errors.New("link-local addresses are refused")

// New returns a Client for cfg; it fails when the CA file cannot be read
// or holds no certificate, so that start-up says so.
func New(cfg Config) (*Client, error) {
	roots, err := x509.SystemCertPool()
	if err != nil {
		roots = x509.NewCertPool()
	}
	if cfg.CAFile != "" {
		pem, err := os.ReadFile(cfg.CAFile)
		if err != nil {
			return nil, fmt.Errorf("CA file: %w", err)
		}
		if !roots.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("CA file %s holds no PEM certificate", cfg.CAFile)
		}
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	dialer := &net.Dialer{Timeout: cfg.Timeout, Control: refuseLinkLocal}
	transport := &http.Transport{
		DialContext:     dialer.DialContext,
		TLSClientConfig: &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12},
		// Events to one bot come in bursts; keep connections to reuse.
		MaxIdleConnsPerHost: 64,
		// No proxy: the dialer must see the bot's own addresses.
		Proxy: nil,
	}
	return &Client{
		http: &http.Client{Transport: transport, Timeout: cfg.Timeout,
			// A redirect could lead anywhere; a bot answers where it was
			// configured or not at all.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		allowHTTP: cfg.AllowHTTP,
		now:       cfg.Clock,
	}, nil
}

// refuseLinkLocal is the dialer's last word on an address, after DNS, so
// that no name can lead a request to 169.254.0.0/16 or fe80::/10.
func refuseLinkLocal(_, address string, _ syscall.RawConn) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return err
	}
	if ip, err := netip.ParseAddr(host); err == nil && ip.Unmap().IsLinkLocalUnicast() {
		return fmt.Errorf("%s: %w", ip, errLinkLocal)
	}
	return nil
}

// CheckURL answers BadRequest unless raw is an endpoint this client may
// post to: absolute, https:// (or http:// when allowed), with a host that
// is not a link-local address.
func (c *Client) CheckURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Hostname() == "" {
		return nil, belfry.Errorf(belfry.BadRequest, "OutboundEventsHTTPSEndpoint %q is not an absolute URL", raw)
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && c.allowHTTP:
	case u.Scheme == "http":
		return nil, belfry.Errorf(belfry.BadRequest,
			"OutboundEventsHTTPSEndpoint %s is plain http://; use https:// (the operator may allow http with BELFRY_ALLOW_HTTP_ENDPOINTS=true)", raw)
	default:
		return nil, belfry.Errorf(belfry.BadRequest, "OutboundEventsHTTPSEndpoint %s must be an https:// URL", raw)
	}
	if ip, err := netip.ParseAddr(u.Hostname()); err == nil && ip.Unmap().IsLinkLocalUnicast() {
		return nil, belfry.Errorf(belfry.BadRequest, "OutboundEventsHTTPSEndpoint %s is a link-local address, which is refused", raw)
	}
	return u, nil
}

// Post sends body to endpoint signed with token and returns the status
// and at most 64 KiB of the answer. Errors reaching the endpoint are
// BadRequest: they say what is wrong with the endpoint, not with Belfry.
func (c *Client) Post(ctx context.Context, endpoint, token string, body []byte) (int, []byte, error) {
	u, err := c.CheckURL(endpoint)
	if err != nil {
		return 0, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return 0, nil, belfry.Errorf(belfry.BadRequest, "OutboundEventsHTTPSEndpoint %s: %v", endpoint, err)
	}
	timestamp, signature := stamp(token, c.now(), body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(TimestampHeader, timestamp)
	req.Header.Set(SignatureHeader, signature)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, belfry.Errorf(belfry.BadRequest, "could not reach OutboundEventsHTTPSEndpoint %s: %v", endpoint, unwrapURL(err))
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return 0, nil, belfry.Errorf(belfry.BadRequest, "OutboundEventsHTTPSEndpoint %s broke off its answer: %v", endpoint, err)
	}
	return resp.StatusCode, answer, nil
}

// unwrapURL drops the *url.Error wrapping, whose text repeats the method
// and URL the message names already.
func unwrapURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
