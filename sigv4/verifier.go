// Package sigv4 verifies AWS Signature Version 4 on incoming HTTP requests.
//
// It accepts the Authorization header form that the AWS SDKs send and the
// presigned query-string form. The canonical request is built the way
// aws-sdk-go-v2 and botocore build it for services other than S3: the
// escaped request path is escaped once more, and when that does not match,
// the path is also tried with "." and ".." segments and empty segments
// removed, which is what botocore signs.
package sigv4

import (
	"context"
	"crypto/hmac"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"time"
)

// Keys finds the secret of an access key. It returns ErrUnknownKey (possibly
// wrapped) when the key does not exist or is revoked.
type Keys interface {
	Secret(ctx context.Context, accessKeyID string) (string, error)
}

// Errors returned by Verify wrap one of these sentinels, so callers can test
// them with errors.Is. An error from Keys that does not wrap ErrUnknownKey is
// returned wrapped as it is and matches none of them.
var (
	// ErrMissing means the request carries no SigV4 authentication at all.
	ErrMissing = errors.New("sigv4: missing authentication")
	// ErrUnknownKey means the credential names an access key that Keys does not know.
	ErrUnknownKey = errors.New("sigv4: unknown access key")
	// ErrMalformed means the authentication is present but cannot be used as sent.
	ErrMalformed = errors.New("sigv4: malformed authentication")
	// ErrBadSignature means the signature does not match the request.
	ErrBadSignature = errors.New("sigv4: signature does not match")
	// ErrExpired means the request time is outside the accepted window.
	ErrExpired = errors.New("sigv4: request time out of range")
)

// DefaultMaxSkew is the clock difference accepted when Verifier.MaxSkew is zero.
const DefaultMaxSkew = 15 * time.Minute

// Verifier checks SigV4 signatures for one service in one region.
//
// A Verifier is safe for concurrent use. It caches derived signing keys, so it
// must be used through a pointer and not copied after its first use.
type Verifier struct {
	Service string           // signing name, for example "chime"
	Region  string           // signing region, for example "us-east-1"
	Keys    Keys             // looks up secrets
	Now     func() time.Time // nil means time.Now
	MaxSkew time.Duration    // zero or negative means DefaultMaxSkew

	mu    sync.RWMutex
	cache map[cacheKey]*signingKey
}

// Verify checks r's signature. body is the complete request body already read
// by the caller (it may be nil or empty). It returns the access key ID that
// signed the request.
func (v *Verifier) Verify(r *http.Request, body []byte) (accessKeyID string, err error) {
	var p authParams
	if err := parseAuth(r, &p); err != nil {
		return "", err
	}
	// The key comes first: an unknown credential is what a caller must
	// hear about (401), whatever else is wrong with the request. Looking
	// it up tells nothing about the secret, which is checked last.
	secret, err := v.secret(r.Context(), p.accessKey)
	if err != nil {
		return "", err
	}
	if err := v.checkScope(&p); err != nil {
		return "", err
	}
	if err := v.checkTime(&p); err != nil {
		return "", err
	}
	var payload [64]byte
	if err := payloadHash(&payload, r, body); err != nil {
		return "", err
	}
	s := getScratch()
	defer putScratch(s)
	key := v.signingKey(s, secret, p.date)
	if err := v.check(s, r, &p, key, payload[:]); err != nil {
		return "", err
	}
	return p.accessKey, nil
}

// check compares the request's signature with the one computed from key.
func (v *Verifier) check(s *scratch, r *http.Request, p *authParams, key *signingKey, payload []byte) error {
	path := escapedPath(r)
	ok, err := s.matches(r, p, key, path, payload)
	if err != nil {
		return err
	}
	if !ok {
		if norm := normalizePath(path); norm != path {
			ok, _ = s.matches(r, p, key, norm, payload)
		}
	}
	if !ok {
		return fmt.Errorf("%w: access key %s: check the secret access key, the signing region %q and service %q, and that no proxy rewrote the path, query, body or signed headers",
			ErrBadSignature, p.accessKey, v.Region, v.Service)
	}
	return nil
}

// matches builds the string to sign for path and reports whether its MAC
// equals the signature of the request.
func (s *scratch) matches(r *http.Request, p *authParams, key *signingKey, path string, payload []byte) (bool, error) {
	if err := s.canonicalRequest(r, p, path, payload); err != nil {
		return false, err
	}
	mac := key.sign(s.stringToSign(p))
	return hmac.Equal(mac[:], p.signature[:]), nil
}

// secret looks up the secret of accessKey and wraps lookup failures.
func (v *Verifier) secret(ctx context.Context, accessKey string) (string, error) {
	if v.Keys == nil {
		return "", fmt.Errorf("%w: access key %s: the server has no key store", ErrUnknownKey, accessKey)
	}
	secret, err := v.Keys.Secret(ctx, accessKey)
	if errors.Is(err, ErrUnknownKey) {
		return "", fmt.Errorf("sigv4: access key %s does not exist or was revoked: %w", accessKey, err)
	}
	if err != nil {
		return "", fmt.Errorf("sigv4: looking up access key %s: %w", accessKey, err)
	}
	return secret, nil
}

// checkScope verifies that the credential scope names this verifier's region
// and service.
func (v *Verifier) checkScope(p *authParams) error {
	switch {
	case p.region != v.Region:
		return malformed("credential scope region %q is not %q; sign for region %s", p.region, v.Region, v.Region)
	case p.service != v.Service:
		return malformed("credential scope service %q is not %q; sign for service %s", p.service, v.Service, v.Service)
	case p.terminator != scopeTerminator:
		return malformed("credential scope ends in %q, not %q", p.terminator, scopeTerminator)
	}
	return nil
}

// checkTime verifies the request date against the clock and the scope date.
func (v *Verifier) checkTime(p *authParams) error {
	t, err := time.Parse(amzDateLayout, p.amzDate)
	if err != nil || len(p.amzDate) != len(amzDateLayout) {
		return malformed("X-Amz-Date %q is not in the form %s", clip(p.amzDate), amzDateLayout)
	}
	if p.date != p.amzDate[:8] {
		return fmt.Errorf("%w: credential scope date %s differs from the X-Amz-Date day %s", ErrExpired, p.date, p.amzDate[:8])
	}
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	skew := v.MaxSkew
	if skew <= 0 {
		skew = DefaultMaxSkew
	}
	return checkWindow(t, now, skew, p.expires)
}

// checkWindow reports ErrExpired when t is too far from now. expires is the
// lifetime of a presigned request and zero for the header form.
func checkWindow(t, now time.Time, skew, expires time.Duration) error {
	if t.Sub(now) > skew {
		return fmt.Errorf("%w: request time %s is more than %s ahead of server time %s; check the client clock",
			ErrExpired, t.Format(time.RFC3339), skew, now.UTC().Format(time.RFC3339))
	}
	if expires > 0 {
		if now.Sub(t) > expires {
			return fmt.Errorf("%w: presigned request expired at %s; server time is %s",
				ErrExpired, t.Add(expires).Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
		return nil
	}
	if now.Sub(t) > skew {
		return fmt.Errorf("%w: request time %s is more than %s behind server time %s; check the client clock or resign the request",
			ErrExpired, t.Format(time.RFC3339), skew, now.UTC().Format(time.RFC3339))
	}
	return nil
}

// errorf returns an error that wraps sentinel and explains the problem.
func errorf(sentinel error, format string, args ...any) error {
	return fmt.Errorf("%w: %s", sentinel, fmt.Sprintf(format, args...))
}

// malformed returns an error wrapping ErrMalformed.
func malformed(format string, args ...any) error {
	return errorf(ErrMalformed, format, args...)
}

// clip shortens client-supplied text before it goes into an error message.
func clip(s string) string {
	const max = 64
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
