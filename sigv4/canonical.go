package sigv4

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// scratch holds the buffers of one verification so that a steady stream of
// requests allocates almost nothing.
type scratch struct {
	canon []byte      // canonical request
	sts   []byte      // HMAC inner pad followed by the string to sign
	arena []byte      // canonical query keys and values
	pairs []querySpan // query pairs as offsets into arena
	tmp   []byte      // copy of the secret while it is hashed
}

// querySpan locates one canonical key and value in scratch.arena.
type querySpan struct{ k0, k1, v0, v1 int }

const maxPooledBuffer = 64 << 10

// padRoom reserves the bytes that signingKey.sign overwrites with its pad.
var padRoom [sha256.BlockSize]byte

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

func getScratch() *scratch { return scratchPool.Get().(*scratch) }

func putScratch(s *scratch) {
	if cap(s.canon) > maxPooledBuffer || cap(s.arena) > maxPooledBuffer || cap(s.sts) > maxPooledBuffer {
		return
	}
	scratchPool.Put(s)
}

// canonicalRequest writes the canonical request for path into s.canon.
func (s *scratch) canonicalRequest(r *http.Request, p *authParams, path string, payload []byte) error {
	b := append(s.canon[:0], r.Method...)
	b = append(b, '\n')
	b = appendEscaped(b, path, true)
	b = append(b, '\n')
	b, err := s.appendQuery(b, r.URL.RawQuery, p.presigned)
	if err != nil {
		return err
	}
	b = append(b, '\n')
	if b, err = appendHeaders(b, r, p.signedHeaders); err != nil {
		return err
	}
	b = append(b, '\n')
	b = append(b, p.signedHeaders...)
	b = append(b, '\n')
	s.canon = append(b, payload...)
	return nil
}

// stringToSign returns the string to sign, preceded by sha256.BlockSize bytes
// of room for the HMAC inner pad.
func (s *scratch) stringToSign(p *authParams) []byte {
	sum := sha256.Sum256(s.canon)
	b := append(s.sts[:0], padRoom[:]...)
	b = append(b, algorithm+"\n"...)
	b = append(b, p.amzDate...)
	b = append(b, '\n')
	b = append(b, p.date...)
	b = append(b, '/')
	b = append(b, p.region...)
	b = append(b, '/')
	b = append(b, p.service...)
	b = append(b, '/')
	b = append(b, p.terminator...)
	b = append(b, '\n')
	s.sts = hex.AppendEncode(b, sum[:])
	return s.sts
}

// escapedPath returns the path as the client sent it, escaped.
func escapedPath(r *http.Request) string {
	if path := r.URL.EscapedPath(); path != "" {
		return path
	}
	return "/"
}

// normalizePath removes empty, "." and ".." segments the way botocore does
// before it signs. It keeps a leading and a trailing slash.
func normalizePath(path string) string {
	var out []string
	for _, seg := range strings.Split(path, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	norm := strings.Join(out, "/")
	if strings.HasPrefix(path, "/") {
		norm = "/" + norm
	}
	if strings.HasSuffix(path, "/") && len(out) > 0 {
		norm += "/"
	}
	return norm
}

// appendQuery writes the canonical query string: every key and value decoded
// and re-encoded per RFC 3986, pairs sorted by key and then by value. A
// presigned request's X-Amz-Signature is left out.
func (s *scratch) appendQuery(b []byte, raw string, presigned bool) ([]byte, error) {
	s.arena, s.pairs = s.arena[:0], s.pairs[:0]
	for raw != "" {
		var seg string
		seg, raw, _ = strings.Cut(raw, "&")
		if seg == "" {
			continue
		}
		if strings.IndexByte(seg, ';') >= 0 {
			return b, malformed("query string contains ';'; encode it as %%3B")
		}
		k, v, _ := strings.Cut(seg, "=")
		sp, err := s.addPair(k, v)
		if err != nil {
			return b, err
		}
		if presigned && string(s.arena[sp.k0:sp.k1]) == "X-Amz-Signature" {
			s.arena = s.arena[:sp.k0]
			continue
		}
		s.pairs = append(s.pairs, sp)
	}
	arena := s.arena
	slices.SortFunc(s.pairs, func(x, y querySpan) int {
		if c := bytes.Compare(arena[x.k0:x.k1], arena[y.k0:y.k1]); c != 0 {
			return c
		}
		return bytes.Compare(arena[x.v0:x.v1], arena[y.v0:y.v1])
	})
	for i, sp := range s.pairs {
		if i > 0 {
			b = append(b, '&')
		}
		b = append(b, arena[sp.k0:sp.k1]...)
		b = append(b, '=')
		b = append(b, arena[sp.v0:sp.v1]...)
	}
	return b, nil
}

// addPair re-encodes one raw query key and value into s.arena.
func (s *scratch) addPair(k, v string) (querySpan, error) {
	var sp querySpan
	var ok bool
	sp.k0 = len(s.arena)
	if s.arena, ok = appendRecoded(s.arena, k); !ok {
		return sp, malformed("query parameter name %q has a bad %%-escape", clip(k))
	}
	sp.k1 = len(s.arena)
	sp.v0 = sp.k1
	if s.arena, ok = appendRecoded(s.arena, v); !ok {
		return sp, malformed("query parameter value %q has a bad %%-escape", clip(v))
	}
	sp.v1 = len(s.arena)
	return sp, nil
}

// appendRecoded decodes a query component ('+' is a space) and appends it
// encoded per RFC 3986. It reports false on a bad %-escape.
func appendRecoded(b []byte, raw string) ([]byte, bool) {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '+':
			c = ' '
		case '%':
			if i+2 >= len(raw) {
				return b, false
			}
			hi, ok1 := unhex(raw[i+1])
			lo, ok2 := unhex(raw[i+2])
			if !ok1 || !ok2 {
				return b, false
			}
			c = hi<<4 | lo
			i += 2
		}
		b = appendEscapedByte(b, c)
	}
	return b, true
}

// appendEscaped appends s with every byte outside the RFC 3986 unreserved set
// percent-encoded, keeping '/' when keepSlash is set.
func appendEscaped(b []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '/' && keepSlash {
			b = append(b, c)
		} else {
			b = appendEscapedByte(b, c)
		}
	}
	return b
}

// appendEscapedByte appends c, percent-encoded unless it is unreserved.
func appendEscapedByte(b []byte, c byte) []byte {
	const upperHex = "0123456789ABCDEF"
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~' {
		return append(b, c)
	}
	return append(b, '%', upperHex[c>>4], upperHex[c&15])
}

// appendHeaders writes one "name:value\n" line per signed header.
func appendHeaders(b []byte, r *http.Request, signed string) ([]byte, error) {
	hasHost := false
	for rest := signed; ; {
		name, next, more := strings.Cut(rest, ";")
		if name == "" {
			return b, malformed("SignedHeaders %q has an empty name", clip(signed))
		}
		if strings.ToLower(name) != name {
			return b, malformed("SignedHeaders name %q is not lowercase", clip(name))
		}
		b = append(b, name...)
		b = append(b, ':')
		switch name {
		case "host":
			hasHost = true
			b = appendHeaderValue(b, host(r))
		case "content-length":
			b = appendContentLength(b, r)
		default:
			vals := headerValues(r.Header, name)
			if vals == nil {
				return b, malformed("signed header %q is not in the request", clip(name))
			}
			for i, v := range vals {
				if i > 0 {
					b = append(b, ',')
				}
				b = appendHeaderValue(b, v)
			}
		}
		b = append(b, '\n')
		if !more {
			break
		}
		rest = next
	}
	if !hasHost {
		return b, malformed("SignedHeaders %q does not include host", clip(signed))
	}
	return b, nil
}

// host returns the Host the client sent.
func host(r *http.Request) string {
	if r.Host != "" {
		return r.Host
	}
	return r.URL.Host
}

// appendContentLength writes the Content-Length header, or the request's
// ContentLength when the header was removed.
func appendContentLength(b []byte, r *http.Request) []byte {
	if vals := r.Header["Content-Length"]; len(vals) > 0 {
		return appendHeaderValue(b, vals[0])
	}
	if r.ContentLength >= 0 {
		return strconv.AppendInt(b, r.ContentLength, 10)
	}
	return b
}

// headerValues finds the values of the header whose lowercase name is name.
func headerValues(h http.Header, name string) []string {
	if key := knownHeader(name); key != "" {
		if vals, ok := h[key]; ok {
			return vals
		}
	}
	for key, vals := range h {
		if strings.EqualFold(key, name) {
			return vals
		}
	}
	return nil
}

// knownHeader returns the canonical form of headers that SDKs commonly sign,
// so that looking them up does not allocate.
func knownHeader(name string) string {
	switch name {
	case "content-type":
		return "Content-Type"
	case "x-amz-date":
		return "X-Amz-Date"
	case "x-amz-content-sha256":
		return "X-Amz-Content-Sha256"
	case "x-amz-security-token":
		return "X-Amz-Security-Token"
	case "x-amz-user-agent":
		return "X-Amz-User-Agent"
	case "x-amz-target":
		return "X-Amz-Target"
	case "amz-sdk-invocation-id":
		return "Amz-Sdk-Invocation-Id"
	case "amz-sdk-request":
		return "Amz-Sdk-Request"
	case "content-md5":
		return "Content-Md5"
	case "content-encoding":
		return "Content-Encoding"
	case "accept":
		return "Accept"
	}
	return ""
}

// appendHeaderValue appends v with surrounding whitespace trimmed and runs of
// spaces collapsed into one.
func appendHeaderValue(b []byte, v string) []byte {
	v = strings.Trim(v, " \t")
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		b = append(b, v[i])
	}
	return b
}

// payloadHash writes the hex SHA-256 of body into dst. When the client sent
// X-Amz-Content-Sha256, that value is used instead, and it must match body.
func payloadHash(dst *[64]byte, r *http.Request, body []byte) error {
	sum := sha256.Sum256(body)
	vals := r.Header["X-Amz-Content-Sha256"]
	if len(vals) == 0 {
		hex.Encode(dst[:], sum[:])
		return nil
	}
	var claimed [sha256.Size]byte
	if !decodeHex(claimed[:], vals[0]) {
		return malformed("X-Amz-Content-Sha256 %q is not supported; send the hex SHA-256 of the body", clip(vals[0]))
	}
	if claimed != sum {
		return errorf(ErrBadSignature, "X-Amz-Content-Sha256 does not match the request body; the body was changed or truncated")
	}
	copy(dst[:], vals[0])
	return nil
}
