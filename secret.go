package belfry

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"sync"

	"golang.org/x/crypto/hkdf"
)

// SecretStore keeps the server's own secrets: random values made once and
// then kept, so that every replica on one database, and one server across
// restarts, holds the same ones.
type SecretStore interface {
	// ServerSecret returns the secret named name. When there is none yet
	// it stores candidate first; when several callers race, on one
	// database, every one of them gets the value stored first.
	ServerSecret(ctx context.Context, name string, candidate []byte) ([]byte, error)
}

// serverSecretName names the one secret every key of ServerKey comes from.
const serverSecretName = "server"

// serverSecretSize is 256 bits, more than any key derived from it needs.
const serverSecretSize = 32

// secretCache holds the server secret once read, so that a request that
// needs a key costs no query after the first.
type secretCache struct {
	mu     sync.Mutex
	secret []byte
}

// ServerKey returns a key of size bytes for purpose (such as "next-token"),
// derived with HKDF-SHA256 from the server secret. Each feature that seals
// or signs something asks for a key of its own purpose, so that nothing
// sealed for one purpose opens for another, while one stored secret serves
// them all. The secret is made on first use and kept in the store.
func (s *Service) ServerKey(ctx context.Context, purpose string, size int) ([]byte, error) {
	secret, err := s.serverSecret(ctx)
	if err != nil {
		return nil, err
	}
	key := make([]byte, size)
	if _, err := io.ReadFull(hkdf.New(sha256.New, secret, nil, []byte("belfry "+purpose)), key); err != nil {
		return nil, Errorf(Internal, "deriving the %s key: %v", purpose, err)
	}
	return key, nil
}

// serverSecret reads the server secret, or stores a fresh one when the
// store has none. It is not a change any caller made, so no request's audit
// event is recorded with it.
func (s *Service) serverSecret(ctx context.Context) ([]byte, error) {
	s.secrets.mu.Lock()
	defer s.secrets.mu.Unlock()
	if s.secrets.secret != nil {
		return s.secrets.secret, nil
	}
	candidate := make([]byte, serverSecretSize)
	rand.Read(candidate)
	secret, err := s.Store.ServerSecret(WithAudit(ctx, nil), serverSecretName, candidate)
	if err != nil {
		return nil, err
	}
	if len(secret) < serverSecretSize {
		return nil, Errorf(Internal, "the stored server secret is %d bytes; want %d", len(secret), serverSecretSize)
	}
	s.secrets.secret = secret
	return secret, nil
}
