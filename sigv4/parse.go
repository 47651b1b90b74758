package sigv4

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

const (
	algorithm       = "AWS4-HMAC-SHA256"
	scopeTerminator = "aws4_request"
	amzDateLayout   = "20060102T150405Z"
	maxPresignLife  = 7 * 24 * time.Hour
)

// authParams holds what the client claims about its signature.
type authParams struct {
	accessKey     string
	date          string // scope date, YYYYMMDD
	region        string
	service       string
	terminator    string
	signedHeaders string // as sent, for example "content-type;host;x-amz-date"
	amzDate       string // YYYYMMDDTHHMMSSZ
	signature     [32]byte
	presigned     bool
	expires       time.Duration // lifetime of a presigned request
}

// parseAuth fills p from the Authorization header or, when there is none, from
// the presigned query parameters.
func parseAuth(r *http.Request, p *authParams) error {
	auth := r.Header["Authorization"]
	if len(auth) == 0 || (len(auth) == 1 && auth[0] == "") {
		if isPresigned(r.URL.RawQuery) {
			return parsePresigned(r.URL.RawQuery, p)
		}
		return errorf(ErrMissing, "the request has no Authorization header; sign it with AWS Signature Version 4")
	}
	if len(auth) > 1 {
		return malformed("the request has %d Authorization headers, want one", len(auth))
	}
	if err := parseHeader(auth[0], p); err != nil {
		return err
	}
	dates := r.Header["X-Amz-Date"]
	if len(dates) == 0 {
		return malformed("the X-Amz-Date header is missing; the Date header is not accepted")
	}
	p.amzDate = dates[0]
	return nil
}

// parseHeader parses an Authorization header value of the form
// "AWS4-HMAC-SHA256 Credential=..., SignedHeaders=..., Signature=...".
func parseHeader(h string, p *authParams) error {
	rest, ok := strings.CutPrefix(h, algorithm+" ")
	if !ok {
		scheme, _, _ := strings.Cut(h, " ")
		return malformed("authorization scheme %q is not %s", clip(scheme), algorithm)
	}
	var cred, sig string
	for rest != "" {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		name, val, ok := strings.Cut(part, "=")
		var dst *string
		switch {
		case !ok:
			return malformed("authorization component %q has no '='", clip(part))
		case name == "Credential":
			dst = &cred
		case name == "SignedHeaders":
			dst = &p.signedHeaders
		case name == "Signature":
			dst = &sig
		default:
			return malformed("unknown authorization component %q", clip(name))
		}
		if *dst != "" {
			return malformed("authorization component %s appears twice", name)
		}
		*dst = val
	}
	return finishParams(p, cred, sig, "Authorization header")
}

// finishParams checks that every part is present and splits the credential
// and the signature into p.
func finishParams(p *authParams, cred, sig, where string) error {
	switch {
	case cred == "":
		return malformed("%s has no Credential", where)
	case p.signedHeaders == "":
		return malformed("%s has no SignedHeaders", where)
	case sig == "":
		return malformed("%s has no Signature", where)
	}
	if !decodeHex(p.signature[:], sig) {
		return malformed("Signature in the %s is not 64 hexadecimal digits", where)
	}
	return parseCredential(cred, p)
}

// parseCredential splits "AKID/20260101/us-east-1/chime/aws4_request".
func parseCredential(cred string, p *authParams) error {
	rest := cred
	parts := [4]*string{&p.terminator, &p.service, &p.region, &p.date}
	for _, dst := range parts {
		i := strings.LastIndexByte(rest, '/')
		if i < 0 {
			return malformed("Credential %q is not ACCESS_KEY/DATE/REGION/SERVICE/aws4_request", clip(cred))
		}
		rest, *dst = rest[:i], rest[i+1:]
	}
	p.accessKey = rest
	if p.accessKey == "" {
		return malformed("Credential %q has an empty access key ID", clip(cred))
	}
	if len(p.date) != 8 || strings.Trim(p.date, "0123456789") != "" {
		return malformed("credential scope date %q is not YYYYMMDD", clip(p.date))
	}
	return nil
}

// isPresigned reports whether a raw query looks like a presigned request.
func isPresigned(rawQuery string) bool {
	return strings.Contains(rawQuery, "X-Amz-Signature=") || strings.Contains(rawQuery, "X-Amz-Algorithm=")
}

// parsePresigned fills p from the X-Amz-* query parameters of a presigned
// request.
func parsePresigned(rawQuery string, p *authParams) error {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return malformed("query string: %v", err)
	}
	get := func(name string) (string, error) {
		vs := q[name]
		if len(vs) != 1 || vs[0] == "" {
			return "", malformed("presigned request needs exactly one non-empty %s parameter", name)
		}
		return vs[0], nil
	}
	var vals [6]string
	names := [6]string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Date", "X-Amz-Expires", "X-Amz-SignedHeaders", "X-Amz-Signature"}
	for i, name := range names {
		if vals[i], err = get(name); err != nil {
			return err
		}
	}
	if vals[0] != algorithm {
		return malformed("X-Amz-Algorithm %q is not %s", clip(vals[0]), algorithm)
	}
	secs, err := strconv.Atoi(vals[3])
	if err != nil || secs < 1 || time.Duration(secs)*time.Second > maxPresignLife {
		return malformed("X-Amz-Expires %q is not a number of seconds between 1 and %d", clip(vals[3]), int(maxPresignLife/time.Second))
	}
	p.presigned = true
	p.expires = time.Duration(secs) * time.Second
	p.amzDate = vals[2]
	p.signedHeaders = vals[4]
	return finishParams(p, vals[1], vals[5], "presigned query")
}

// decodeHex decodes exactly len(dst)*2 hexadecimal digits from s into dst.
func decodeHex(dst []byte, s string) bool {
	if len(s) != 2*len(dst) {
		return false
	}
	for i := range dst {
		hi, ok1 := unhex(s[2*i])
		lo, ok2 := unhex(s[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		dst[i] = hi<<4 | lo
	}
	return true
}

// unhex returns the value of one hexadecimal digit.
func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
