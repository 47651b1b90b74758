package api

import (
	"encoding/base64"
	"encoding/binary"
	"hash/fnv"
	"strconv"

	"github.com/belfryhq/belfry"
)

// NextTokens are opaque and bound to the operation, its path and its filters
// (DECISIONS.md, pages): a token carries the sequence number of the last item
// served and a hash of what it was issued for, so a token used with other
// filters is refused rather than silently paging something else. They hold
// no server state, so any replica can continue a listing.

const tokenVersion = 1

// pageOf reads max-results and next-token. It asks the store for one item
// more than the page holds, to learn whether another page follows.
func pageOf(c *call, defaultSize int, filters ...string) (belfry.Page, int, error) {
	size := defaultSize
	if v := c.query.Get("max-results"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return belfry.Page{}, 0, badRequest("max-results must be a whole number")
		}
		size = n
	}
	var after int64
	if t := c.query.Get("next-token"); t != "" {
		var err error
		if after, err = decodeToken(t, binding(c, filters)); err != nil {
			return belfry.Page{}, 0, err
		}
	}
	return belfry.Page{After: after, Limit: size + 1}, size, nil
}

// nextToken returns the token for the page after one whose last item has
// sequence number lastSeq, or "" when more is false: the last page has no
// NextToken.
func nextToken(c *call, more bool, lastSeq int64, filters ...string) string {
	if !more {
		return ""
	}
	b := make([]byte, 0, 1+binary.MaxVarintLen64+8)
	b = append(b, tokenVersion)
	b = binary.AppendUvarint(b, uint64(lastSeq))
	b = binary.BigEndian.AppendUint64(b, binding(c, filters))
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeToken(t string, want uint64) (int64, error) {
	bad := badRequest("NextToken is not valid for this request: pass the NextToken of the previous page with the same filters")
	b, err := base64.RawURLEncoding.DecodeString(t)
	if err != nil || len(b) < 10 || b[0] != tokenVersion {
		return 0, bad
	}
	seq, n := binary.Uvarint(b[1:])
	if n <= 0 || len(b) != 1+n+8 || binary.BigEndian.Uint64(b[1+n:]) != want {
		return 0, bad
	}
	return int64(seq), nil
}

// binding hashes what a token is for: the caller's AWS account, the
// operation, its path labels and its filters.
func binding(c *call, filters []string) uint64 {
	h := fnv.New64a()
	write := func(s string) {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	write(c.caller.AwsAccountID)
	write(c.op.Name)
	write(c.labels["accountId"])
	write(c.labels["roomId"])
	for _, f := range filters {
		write(f)
	}
	return h.Sum64()
}

// trim cuts a store result to the page size and says whether more follow.
func trim[T any](items []T, size int) ([]T, bool) {
	if len(items) > size {
		return items[:size], true
	}
	return items, false
}
