package sqlite

import (
	"slices"
	"sync"
	"sync/atomic"

	"github.com/belfryhq/belfry"
)

// Every API request looks its account up, and accounts change rarely, so
// the store keeps the live accounts it has read in memory. This is sound
// for SQLite alone: one Belfry process owns the file, so every change to an
// account passes through this store, which drops the whole cache after
// committing it. A read that raced with such a change is not cached: its
// generation no longer matches.
type accountCache struct {
	gen atomic.Uint64
	m   sync.Map // account ID -> *belfry.Account
}

func (c *accountCache) get(awsAccountID, id string) (*belfry.Account, bool) {
	v, ok := c.m.Load(id)
	if !ok {
		return nil, false
	}
	a := v.(*belfry.Account)
	if awsAccountID != "" && a.AwsAccountID != awsAccountID {
		return nil, false
	}
	return cloneAccount(a), true
}

// put caches a, read when the generation was gen.
func (c *accountCache) put(gen uint64, a *belfry.Account) {
	if c.gen.Load() == gen {
		c.m.Store(a.ID, cloneAccount(a))
	}
}

// changed forgets every cached account; the store calls it after any
// change to accounts or domains.
func (c *accountCache) changed() {
	c.gen.Add(1)
	c.m.Clear()
}

// cloneAccount copies a, so that no caller can change the cached account.
func cloneAccount(a *belfry.Account) *belfry.Account {
	b := *a
	b.SupportedLicenses = slices.Clone(a.SupportedLicenses)
	b.SigninDelegates = slices.Clone(a.SigninDelegates)
	b.Domains = slices.Clone(a.Domains)
	return &b
}
