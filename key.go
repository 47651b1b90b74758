package belfry

import (
	"context"
	"crypto/rand"
	"fmt"
	"regexp"
	"time"
)

// AccessKey is an AWS-style credential that signs API requests. It belongs
// to one AWS account and sees only that account's Chime accounts.
type AccessKey struct {
	ID           string
	Secret       string
	AwsAccountID string
	// Name names the key's holder in ARNs (arn:aws:iam::ACCOUNT:user/NAME).
	Name    string
	Created time.Time
	Revoked time.Time // zero while the key is live
}

// RootKeyName is the name of Belfry's root key, which stands for its AWS
// account's root user; no other key may take it.
const RootKeyName = "root"

// ARN is the caller identity that requests signed with k carry: the root
// user's ARN for the root key, as AWS writes it, an IAM user's for others.
func (k *AccessKey) ARN() string {
	if k.Name == RootKeyName {
		return fmt.Sprintf("arn:aws:iam::%s:root", k.AwsAccountID)
	}
	return fmt.Sprintf("arn:aws:iam::%s:user/%s", k.AwsAccountID, k.Name)
}

// KeyStore keeps access keys.
type KeyStore interface {
	// CreateKey stores a new key; Conflict if its ID exists.
	CreateKey(ctx context.Context, k *AccessKey) error
	// Key returns a key, live or revoked, or NotFound.
	Key(ctx context.Context, id string) (*AccessKey, error)
	// ListKeys returns every key, oldest first.
	ListKeys(ctx context.Context) ([]*AccessKey, error)
	// RevokeKey marks a key revoked at t; NotFound if there is no such key.
	RevokeKey(ctx context.Context, id string, t time.Time) error
}

var (
	awsAccountPattern = regexp.MustCompile(`^[0-9]{12}$`)
	keyNamePattern    = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
)

// CreateAccessKey makes a new access key for an AWS account ID.
func (s *Service) CreateAccessKey(ctx context.Context, awsAccountID, name string) (*AccessKey, error) {
	if !awsAccountPattern.MatchString(awsAccountID) {
		return nil, Errorf(BadRequest, "AWS account ID %q must be 12 digits", awsAccountID)
	}
	name = orDefault(name, "belfry-admin")
	if !keyNamePattern.MatchString(name) {
		return nil, Errorf(BadRequest, "key name %q must be 1-64 letters, digits or +=,.@_-", name)
	}
	if name == RootKeyName {
		return nil, Errorf(BadRequest, "the key name %q is reserved for Belfry's root key; choose another", name)
	}
	k := NewAccessKey(awsAccountID, name, s.now())
	AuditNote(ctx, "", "created access key "+k.ID+" for AWS account "+awsAccountID+" named "+name, k.ID)
	if err := s.Store.CreateKey(ctx, k); err != nil {
		return nil, err
	}
	return k, nil
}

// ListAccessKeys returns every access key, live or revoked, oldest first:
// the operator's view of who may call.
func (s *Service) ListAccessKeys(ctx context.Context) ([]*AccessKey, error) {
	return s.Store.ListKeys(ctx)
}

// AccessKey returns an access key, live or revoked, or NotFound; signature
// checks look keys up through it.
func (s *Service) AccessKey(ctx context.Context, id string) (*AccessKey, error) {
	return s.Store.Key(ctx, id)
}

// RevokeAccessKey stops an access key from signing requests from now on. A
// key revoked already keeps the time of its first revocation; NotFound if
// there is no such key.
func (s *Service) RevokeAccessKey(ctx context.Context, id string) error {
	AuditNote(ctx, "", "revoked access key "+id, id)
	return s.Store.RevokeKey(ctx, id, s.now())
}

// NewAccessKey draws a fresh key pair in the AWS format: a 20-character ID
// that starts with AKIA and a 40-character secret.
func NewAccessKey(awsAccountID, name string, now time.Time) *AccessKey {
	return &AccessKey{
		ID:           "AKIA" + randomString(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
		Secret:       randomString(40, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
		AwsAccountID: awsAccountID,
		Name:         name,
		Created:      now,
	}
}

// RandomAwsAccountID draws a 12-digit AWS account ID.
func RandomAwsAccountID() string {
	return randomString(1, "123456789") + randomString(11, "0123456789")
}

func randomString(n int, alphabet string) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
