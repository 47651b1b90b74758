package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	//lint:ignore SA1019 Belfry serves the Chime API, so the deprecated Chime client is what its users run.
	"github.com/aws/aws-sdk-go-v2/service/chime"
	"github.com/belfryhq/belfry"
)

func (b *bench) scenarios(dir string, bigAccount, clients int) []scenario {
	var (
		teamAccount, roomAccount string
		rooms, members           []string
		small, big               string
	)
	return append([]scenario{
		{
			name: "floor",
			do: func(ctx context.Context, c, n int) error {
				_, err := b.floor[c].CreateUser(ctx, &chime.CreateUserInput{
					AccountId: aws.String("floor"), Email: aws.String(fmt.Sprintf("f%d-%d@example.com", c, n)),
				})
				return err
			},
		},
		b.createUser("CreateUser"),
		{
			name: "InviteUsers50",
			setup: func(ctx context.Context) (err error) {
				teamAccount, err = b.account(ctx, "bench-invite", "")
				return err
			},
			do: func(ctx context.Context, c, n int) error {
				emails := make([]string, 50)
				for i := range emails {
					emails[i] = fmt.Sprintf("i%d-%d-%d@team.example.net", c, n, i)
				}
				_, err := b.belfry[c].InviteUsers(ctx, &chime.InviteUsersInput{AccountId: aws.String(teamAccount), UserEmailList: emails})
				return err
			},
		},
		b.mailScenario(dir, mailHealthy),
		b.mailScenario(dir, mailSlow),
		b.mailScenario(dir, mailDown),
		{
			name: "CreateRoomMembership",
			setup: func(ctx context.Context) (err error) {
				roomAccount, rooms, members, err = b.seedRooms(ctx)
				return err
			},
			do: membershipScenario(b, &roomAccount, &rooms, &members),
		},
		{
			name: "ListUsers1k",
			setup: func(ctx context.Context) (err error) {
				small, err = b.account(ctx, "bench-list-1k", "")
				if err == nil {
					err = b.seedUsers(ctx, small, 1000)
				}
				return err
			},
			do: listScenario(b, &small),
		},
		{
			name: fmt.Sprintf("ListUsers%dk", bigAccount/1000),
			setup: func(ctx context.Context) (err error) {
				big, err = b.account(ctx, "bench-list-big", "")
				if err == nil {
					err = b.seedUsers(ctx, big, bigAccount)
				}
				return err
			},
			do: listScenario(b, &big),
		},
	}, b.webhookScenarios(dir, clients)...)
}

// createUser is the CreateUser scenario: users with addresses of a claimed
// domain, in an Enterprise account of their own, made by setup.
func (b *bench) createUser(name string) scenario {
	var account string
	return scenario{
		name: name,
		setup: func(ctx context.Context) (err error) {
			account, err = b.account(ctx, "bench-"+strings.ToLower(name), "example.com")
			return err
		},
		do: func(ctx context.Context, c, n int) error {
			_, err := b.belfry[c].CreateUser(ctx, &chime.CreateUserInput{
				AccountId: aws.String(account), Email: aws.String(fmt.Sprintf("u%d-%d@example.com", c, n)),
			})
			return err
		},
	}
}

// seedRooms makes an Enterprise account with 1,000 users and 200 rooms.
// Request n puts user n mod 1,000 into room n div 1,000 (rooms and users
// both allow 1,000 memberships), so no two requests ask for the same pair.
func (b *bench) seedRooms(ctx context.Context) (string, []string, []string, error) {
	id, err := b.account(ctx, "bench-rooms", "rooms.example.com")
	if err != nil {
		return "", nil, nil, err
	}
	var rooms, users []string
	for i := range 200 {
		r, err := b.svc.CreateRoom(b.ctx(ctx), id, fmt.Sprintf("room %d", i), "")
		if err != nil {
			return "", nil, nil, err
		}
		rooms = append(rooms, r.ID)
	}
	for i := range 1000 {
		u, err := b.svc.CreateUser(b.ctx(ctx), id, belfry.CreateUserInput{Email: fmt.Sprintf("m%d@rooms.example.com", i)})
		if err != nil {
			return "", nil, nil, err
		}
		users = append(users, u.ID)
	}
	return id, rooms, users, nil
}

func membershipScenario(b *bench, account *string, rooms, members *[]string) func(context.Context, int, int) error {
	var mu sync.Mutex
	next := 0
	return func(ctx context.Context, c, _ int) error {
		mu.Lock()
		i := next
		next++
		mu.Unlock()
		if i/1000 >= len(*rooms) {
			return fmt.Errorf("out of rooms after %d memberships", i)
		}
		_, err := b.belfry[c].CreateRoomMembership(ctx, &chime.CreateRoomMembershipInput{
			AccountId: account, RoomId: aws.String((*rooms)[i/1000]), MemberId: aws.String((*members)[i%1000]),
		})
		return err
	}
}

// listScenario pages through an account's users 100 at a time, each client
// following its own NextToken and starting over at the end, so deep pages
// are read as often as early ones.
func listScenario(b *bench, account *string) func(context.Context, int, int) error {
	tokens := make([]*string, len(b.belfry))
	return func(ctx context.Context, c, _ int) error {
		out, err := b.belfry[c].ListUsers(ctx, &chime.ListUsersInput{
			AccountId: account, MaxResults: aws.Int32(100), NextToken: tokens[c],
		})
		if err != nil {
			return err
		}
		if len(out.Users) == 0 {
			return errEmptyPage
		}
		tokens[c] = out.NextToken
		return nil
	}
}
