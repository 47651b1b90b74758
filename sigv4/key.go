package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
)

// maxCachedKeys bounds the signing-key cache of one Verifier.
const maxCachedKeys = 4096

// cacheKey identifies a derived signing key without holding the secret.
type cacheKey struct {
	secret  [sha256.Size]byte // SHA-256 of the secret access key
	date    [8]byte           // YYYYMMDD
	region  string
	service string
}

// signingKey is a derived SigV4 signing key, kept as the two HMAC pads so
// that signing a string needs no allocation.
type signingKey struct {
	ipad, opad [sha256.BlockSize]byte
}

// signingKey returns the signing key for secret on date, deriving and caching
// it on first use.
func (v *Verifier) signingKey(s *scratch, secret, date string) *signingKey {
	s.tmp = append(s.tmp[:0], secret...)
	k := cacheKey{secret: sha256.Sum256(s.tmp), region: v.Region, service: v.Service}
	clear(s.tmp)
	copy(k.date[:], date)

	v.mu.RLock()
	key := v.cache[k]
	v.mu.RUnlock()
	if key != nil {
		return key
	}
	key = deriveKey(secret, date, v.Region, v.Service)
	v.mu.Lock()
	v.store(k, key)
	v.mu.Unlock()
	return key
}

// store adds key to the cache. When the cache is full it first drops keys of
// other dates and, if that is not enough, empties the cache. The caller holds
// v.mu for writing.
func (v *Verifier) store(k cacheKey, key *signingKey) {
	if v.cache == nil {
		v.cache = make(map[cacheKey]*signingKey)
	}
	if len(v.cache) >= maxCachedKeys {
		for old := range v.cache {
			if old.date != k.date {
				delete(v.cache, old)
			}
		}
		if len(v.cache) >= maxCachedKeys {
			clear(v.cache)
		}
	}
	v.cache[k] = key
}

// deriveKey computes the SigV4 signing key
// HMAC(HMAC(HMAC(HMAC("AWS4"+secret, date), region), service), "aws4_request").
func deriveKey(secret, date, region, service string) *signingKey {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, scopeTerminator)
	key := new(signingKey)
	for i := range key.ipad {
		var b byte
		if i < len(k) {
			b = k[i]
		}
		key.ipad[i] = b ^ 0x36
		key.opad[i] = b ^ 0x5c
	}
	return key
}

// hmacSHA256 returns HMAC-SHA256 of msg under key.
func hmacSHA256(key []byte, msg string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(msg))
	return m.Sum(nil)
}

// sign returns HMAC-SHA256 (RFC 2104) of msg[sha256.BlockSize:] under the key.
// The first sha256.BlockSize bytes of msg are room for the inner pad and are
// overwritten.
func (k *signingKey) sign(msg []byte) [sha256.Size]byte {
	copy(msg, k.ipad[:])
	inner := sha256.Sum256(msg)
	clear(msg[:sha256.BlockSize])
	var outer [sha256.BlockSize + sha256.Size]byte
	copy(outer[:], k.opad[:])
	copy(outer[sha256.BlockSize:], inner[:])
	return sha256.Sum256(outer[:])
}
