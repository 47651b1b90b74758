package api

import (
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"strconv"

	"github.com/belfryhq/belfry"
	"golang.org/x/crypto/chacha20poly1305"
)

// NextTokens are opaque and bound to the operation, its path and its filters
// (DECISIONS.md, pages). A token seals the sequence number of the last item
// served with XChaCha20-Poly1305, under a key derived from the server
// secret that every replica on one database shares, so any replica can
// continue a listing, and nobody else can read or forge one: the sequence
// numbers count every tenant's items, which no tenant may learn. What the
// token was issued for (the caller's AWS account, the operation, its path
// labels and filters) is its additional data, so a token used for anything
// else fails to open and is refused rather than silently paging something
// else. Every token has the same length, which so tells nothing either.

// tokenVersion leads every token, in the clear and in the additional data,
// so that a later format can tell its tokens from these.
const tokenVersion = 2

// tokenKeyPurpose names the NextToken key among those of the server secret.
const tokenKeyPurpose = "next-token"

// tokenSize is the length of a token before base64: version, nonce, the
// sealed 8-byte sequence number and the tag.
const tokenSize = 1 + chacha20poly1305.NonceSizeX + 8 + chacha20poly1305.Overhead

// pager is one listing request's paging: the page to ask the store for, the
// size the client asked for, and what seals the token of the next page.
type pager struct {
	belfry.Page
	size int
	aead cipher.AEAD
	ad   []byte
}

// pageOf reads max-results and next-token. The page asks the store for one
// item more than the client's size, to learn whether another page follows.
func (s *Server) pageOf(c *call, defaultSize int, filters ...string) (*pager, error) {
	size := defaultSize
	if v := c.query.Get("max-results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, badRequest("max-results must be a whole number")
		}
		size = n
	}
	key, err := s.svc.ServerKey(c.r.Context(), tokenKeyPurpose, chacha20poly1305.KeySize)
	if err != nil {
		return nil, err
	}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		return nil, err
	}
	p := &pager{size: size, aead: aead, ad: tokenBinding(c, filters)}
	p.Limit = size + 1
	if t := c.query.Get("next-token"); t != "" {
		if p.After, err = p.open(t); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// next returns the token for the page after one whose last item has
// sequence number lastSeq.
func (p *pager) next(lastSeq int64) string {
	b := make([]byte, 1+chacha20poly1305.NonceSizeX, tokenSize)
	b[0] = tokenVersion
	rand.Read(b[1:])
	b = p.aead.Seal(b, b[1:], binary.BigEndian.AppendUint64(nil, uint64(lastSeq)), p.ad)
	return base64.RawURLEncoding.EncodeToString(b)
}

// open returns the sequence number token t seals, or BadRequest when t is
// not a token this server sealed for this very request.
func (p *pager) open(t string) (int64, error) {
	bad := badRequest("NextToken is not valid for this request: pass the NextToken of the previous page with the same filters")
	if base64.RawURLEncoding.DecodedLen(len(t)) != tokenSize {
		return 0, bad
	}
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || len(b) != tokenSize || b[0] != tokenVersion {
		return 0, bad
	}
	nonce := b[1 : 1+chacha20poly1305.NonceSizeX]
	seq, err := p.aead.Open(nil, nonce, b[len(nonce)+1:], p.ad)
	if err != nil {
		return 0, bad
	}
	return int64(binary.BigEndian.Uint64(seq)), nil
}

// tokenBinding is what a token is for: the token version, the caller's
// AWS account, the operation, its path labels and its filters, each
// prefixed with its length so that no two lists of values read alike.
func tokenBinding(c *call, filters []string) []byte {
	ad := []byte{tokenVersion}
	for _, v := range append([]string{c.caller.AwsAccountID, c.op.Name, c.labels["accountId"], c.labels["roomId"]}, filters...) {
		ad = binary.AppendUvarint(ad, uint64(len(v)))
		ad = append(ad, v...)
	}
	return ad
}

// trim cuts a store result to the page size and says whether more follow.
func trim[T any](items []T, size int) ([]T, bool) {
	if len(items) > size {
		return items[:size], true
	}
	return items, false
}
