package belfry

import (
	"testing"
	"time"
)

func TestSessionValid(t *testing.T) {
	logout := time.Date(2026, 11, 25, 12, 0, 0, 500_000_000, time.UTC)
	tests := []struct {
		name    string
		user    User
		issued  time.Time
		wantOK  bool
		comment string
	}{
		{"never signed out", User{Registration: Registered}, logout, true, ""},
		{"issued after the logout", User{Registration: Registered, SessionsRevoked: logout}, logout.Add(time.Millisecond), true, ""},
		{"issued at the logout", User{Registration: Registered, SessionsRevoked: logout}, logout, false, "at or before is over"},
		{"issued before the logout", User{Registration: Registered, SessionsRevoked: logout}, logout.Add(-time.Hour), false, ""},
		{"issued in the logout's millisecond, before it", User{Registration: Registered, SessionsRevoked: logout.Add(300 * time.Microsecond)},
			logout, false, "a cookie's millisecond time never outlives a logout in that millisecond"},
		{"suspended", User{Registration: Suspended}, logout, false, "a suspended user has no sessions"},
		{"suspended, issued after a logout", User{Registration: Suspended, SessionsRevoked: logout}, logout.Add(time.Hour), false, ""},
		{"unregistered", User{Registration: Unregistered}, logout, true, "an invitee may hold the invitation page's session"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.user.SessionValid(tt.issued); got != tt.wantOK {
				t.Errorf("SessionValid(%v) with SessionsRevoked %v, %s = %v, want %v %s",
					tt.issued, tt.user.SessionsRevoked, tt.user.Registration, got, tt.wantOK, tt.comment)
			}
		})
	}
}

func TestDeletable(t *testing.T) {
	tests := []struct {
		name        string
		account     Account
		unsuspended int
		wantErr     bool
	}{
		{"Team without users", Account{Type: Team}, 0, false},
		{"Team with users not suspended", Account{Type: Team}, 2, true},
		{"Enterprise with a domain", Account{Type: EnterpriseLWA, Domains: []string{"example.com"}}, 0, true},
		{"Enterprise without domains", Account{Type: EnterpriseDirectory}, 0, false},
		{"Enterprise without domains, users left over from Team days", Account{Type: EnterpriseOIDC}, 3, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := deletable(&tt.account, tt.unsuspended)
			if (err != nil) != tt.wantErr || (err != nil && ErrorKind(err) != Unprocessable) {
				t.Errorf("deletable() = %v, want an Unprocessable error: %v", err, tt.wantErr)
			}
		})
	}
}

func TestUserChangePlan(t *testing.T) {
	suspend := func(u *User) error { u.Registration = Suspended; return nil }
	refuse := func(*User) error { return Errorf(BadRequest, "no") }
	for _, tt := range []struct {
		name               string
		user               *User
		apply              func(*User) error
		wantWrite, wantEnd bool
		wantKind           Kind
		wantErr            bool
	}{
		{"no such user", nil, suspend, false, false, NotFound, true},
		{"refused", &User{ID: "u", Registration: Registered}, refuse, false, false, BadRequest, true},
		{"suspends", &User{ID: "u", Registration: Registered}, suspend, true, true, 0, false},
		{"suspended already", &User{ID: "u", Registration: Suspended}, suspend, true, false, 0, false},
	} {
		c := &UserChange{ID: "u", Apply: tt.apply}
		write, end := c.Plan("acct", tt.user)
		if write != tt.wantWrite || end != tt.wantEnd || (c.Err != nil) != tt.wantErr {
			t.Errorf("%s: Plan() = %v, %v, err %v; want %v, %v, error %v", tt.name, write, end, c.Err, tt.wantWrite, tt.wantEnd, tt.wantErr)
		}
		if tt.wantErr && ErrorKind(c.Err) != tt.wantKind {
			t.Errorf("%s: error kind %v, want %v", tt.name, ErrorKind(c.Err), tt.wantKind)
		}
	}
}
