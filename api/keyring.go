package api

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/sigv4"
)

// keyTTL bounds how long a replica trusts a cached key: a key revoked
// through another replica stops working here within this time.
const keyTTL = 5 * time.Second

// keyring finds access keys for signature checks. It caches them, because
// every request needs one, and forgets a key at once when this server
// revokes it.
type keyring struct {
	svc   *belfry.Service
	root  *belfry.AccessKey
	mu    sync.RWMutex
	cache map[string]cachedKey
}

type cachedKey struct {
	key     *belfry.AccessKey
	fetched time.Time
}

func newKeyring(svc *belfry.Service, root *belfry.AccessKey) *keyring {
	return &keyring{svc: svc, root: root, cache: map[string]cachedKey{}}
}

// Secret implements sigv4.Keys.
func (k *keyring) Secret(ctx context.Context, id string) (string, error) {
	key, err := k.key(ctx, id)
	if err != nil {
		return "", err
	}
	return key.Secret, nil
}

func (k *keyring) key(ctx context.Context, id string) (*belfry.AccessKey, error) {
	if k.root != nil && id == k.root.ID {
		return k.root, nil
	}
	if !belfry.ValidText(id) {
		return nil, fmt.Errorf("%w: the access key ID %q does not exist in Belfry", sigv4.ErrUnknownKey, id)
	}
	k.mu.RLock()
	c, ok := k.cache[id]
	k.mu.RUnlock()
	if ok && time.Since(c.fetched) < keyTTL {
		return c.key, nil
	}
	key, err := k.svc.AccessKey(ctx, id)
	if belfry.ErrorKind(err) == belfry.NotFound {
		return nil, fmt.Errorf("%w: the access key ID %s does not exist in Belfry", sigv4.ErrUnknownKey, id)
	}
	if err != nil {
		return nil, err
	}
	if !key.Revoked.IsZero() {
		return nil, fmt.Errorf("%w: the access key ID %s was revoked", sigv4.ErrUnknownKey, id)
	}
	k.mu.Lock()
	if len(k.cache) > 10000 {
		clear(k.cache)
	}
	k.cache[id] = cachedKey{key: key, fetched: time.Now()}
	k.mu.Unlock()
	return key, nil
}

func (k *keyring) forget(id string) {
	k.mu.Lock()
	delete(k.cache, id)
	k.mu.Unlock()
}
