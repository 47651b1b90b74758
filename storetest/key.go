package storetest

import (
	"testing"

	"github.com/belfryhq/belfry"
	"github.com/google/go-cmp/cmp"
)

var keyTests = []test{
	{"CreateAndGet", testKeyCreateAndGet},
	{"ListOldestFirst", testKeyList},
	{"Revoke", testKeyRevoke},
}

func testKeyCreateAndGet(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	want := belfry.NewAccessKey(awsAccount(1), "admin", at(100))
	if err := s.CreateKey(ctx, want); err != nil {
		t.Fatalf("CreateKey() = %v", err)
	}
	got, err := s.Key(ctx, want.ID)
	if err != nil {
		t.Fatalf("Key() = %v", err)
	}
	if diff := cmp.Diff(got, want); diff != "" {
		t.Errorf("Key() mismatch (-got +want):\n%s", diff)
	}
	_, err = s.Key(ctx, "AKIANOSUCHKEY")
	wantError(t, "Key(unknown)", err, belfry.NotFound, "AKIANOSUCHKEY")
	dup := belfry.NewAccessKey(awsAccount(2), "other", at(200))
	dup.ID = want.ID
	wantError(t, "CreateKey(an ID in use)", s.CreateKey(ctx, dup), belfry.Conflict)
}

func testKeyList(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	if got, err := s.ListKeys(ctx); err != nil || len(got) != 0 {
		t.Errorf("ListKeys(no keys) = %v, %v; want none", got, err)
	}
	middle := belfry.NewAccessKey(awsAccount(1), "middle", at(200))
	newest := belfry.NewAccessKey(awsAccount(2), "newest", at(300))
	oldest := belfry.NewAccessKey(awsAccount(1), "oldest", at(100))
	for _, k := range []*belfry.AccessKey{middle, newest, oldest} {
		if err := s.CreateKey(ctx, k); err != nil {
			t.Fatalf("CreateKey(%s) = %v", k.Name, err)
		}
	}
	got, err := s.ListKeys(ctx)
	if err != nil {
		t.Fatalf("ListKeys() = %v", err)
	}
	if diff := cmp.Diff(got, []*belfry.AccessKey{oldest, middle, newest}); diff != "" {
		t.Errorf("ListKeys() mismatch (-got +want):\n%s", diff)
	}
}

func testKeyRevoke(t *testing.T, s belfry.Store) {
	ctx := t.Context()
	k := belfry.NewAccessKey(awsAccount(1), "admin", at(100))
	if err := s.CreateKey(ctx, k); err != nil {
		t.Fatalf("CreateKey() = %v", err)
	}
	if err := s.RevokeKey(ctx, k.ID, at(500)); err != nil {
		t.Fatalf("RevokeKey() = %v", err)
	}
	want := *k
	want.Revoked = at(500)
	got, err := s.Key(ctx, k.ID)
	if err != nil {
		t.Fatalf("Key(a revoked key) = %v; want the key", err)
	}
	if diff := cmp.Diff(got, &want); diff != "" {
		t.Errorf("Key(a revoked key) mismatch (-got +want):\n%s", diff)
	}
	list, err := s.ListKeys(ctx)
	if err != nil {
		t.Fatalf("ListKeys() = %v", err)
	}
	if diff := cmp.Diff(list, []*belfry.AccessKey{&want}); diff != "" {
		t.Errorf("ListKeys() with a revoked key mismatch (-got +want):\n%s", diff)
	}
	wantError(t, "RevokeKey(unknown)", s.RevokeKey(ctx, "AKIANOSUCHKEY", at(500)), belfry.NotFound, "AKIANOSUCHKEY")
}
