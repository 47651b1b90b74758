package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/belfryhq/belfry"
	"github.com/belfryhq/belfry/console"
	"github.com/belfryhq/belfry/webhook"
)

// live measures how long a webhook post takes to reach the browsers that
// hold a room open: streams live streams (server-sent events, as the web
// app's script opens them) are held on one room by members signed in
// through the real sign-in link, and posts webhook posts are sent one
// after another; for each post and stream, the latency runs from the
// post's 200 to the event's arrival on that stream. Server and clients
// share the process, as in every scenario here.
type live struct {
	streams, posts int
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (l *live) run(ctx context.Context, b *bench) error {
	svc := b.svc
	svc.Events = &belfry.LocalEvents{}
	key := []byte("belfry-bench session key, 32 by")
	pages := console.New(console.Config{Service: svc, SessionKey: key})
	defer pages.Close()
	hooks := webhook.New(webhook.Config{Service: svc, Rate: 1e9, Burst: 1e9})
	base, err := b.listen(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if webhook.Owns(r.URL.Path) {
			hooks.ServeHTTP(w, r)
			return
		}
		pages.ServeHTTP(w, r)
	}))
	if err != nil {
		return err
	}
	svc.Invitations.PublicURL = base
	users := max(1, l.streams/10)
	account, room, hookURL, err := liveRoom(ctx, b, users)
	if err != nil {
		return err
	}
	cookies, err := signIn(ctx, b, base, account, users)
	if err != nil {
		return err
	}
	arrivals := make([]map[string]time.Time, l.streams)
	var ready, done sync.WaitGroup
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	for i := range l.streams {
		arrivals[i] = make(map[string]time.Time, l.posts)
		ready.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			follow(sctx, base+"/rooms/"+room+"/events?after=0", cookies[i%users], arrivals[i], &ready)
		}()
	}
	ready.Wait()
	fmt.Printf("live: %d streams open on one room (%d members signed in)\n", l.streams, users)
	answered := make(map[string]time.Time, l.posts)
	for n := range l.posts {
		marker := fmt.Sprintf("bench-post-%06d", n)
		if err := postHook(ctx, hookURL, marker); err != nil {
			return err
		}
		answered[marker] = time.Now()
		time.Sleep(100 * time.Millisecond) // ten posts a second into one room
	}
	time.Sleep(2 * time.Second) // the last events' way to every stream
	stop()
	done.Wait()
	return l.report(arrivals, answered)
}

func (l *live) report(arrivals []map[string]time.Time, answered map[string]time.Time) error {
	var lat []time.Duration
	missing := 0
	for _, got := range arrivals {
		for marker, at := range answered {
			t, ok := got[marker]
			if !ok {
				missing++
				continue
			}
			lat = append(lat, max(t.Sub(at), 0))
		}
	}
	if len(lat) == 0 {
		return errors.New("live: no event arrived")
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(10 * time.Microsecond)
	}
	fmt.Printf("live: %d posts × %d streams: %d events arrived, %d missing; from the post's 200 to the event: p50 %s, p99 %s, max %s\n",
		len(answered), len(arrivals), len(lat), missing, pct(0.50), pct(0.99), lat[len(lat)-1].Round(10*time.Microsecond))
	return nil
}

// liveRoom makes an Enterprise account whose users are all members of one
// room, and a webhook of that room.
func liveRoom(ctx context.Context, b *bench, users int) (account, room, hookURL string, err error) {
	if account, err = b.account(ctx, "bench-live", "live.example.net"); err != nil {
		return
	}
	r, err := b.svc.CreateRoom(b.ctx(ctx), account, "Incidents", "")
	if err != nil {
		return
	}
	for i := range users {
		u, err := b.svc.CreateUser(b.ctx(ctx), account, belfry.CreateUserInput{Email: fmt.Sprintf("m%04d@live.example.net", i)})
		if err != nil {
			return "", "", "", err
		}
		if _, err := b.svc.CreateRoomMembership(b.ctx(ctx), account, r.ID, u.ID, ""); err != nil {
			return "", "", "", err
		}
	}
	_, hookURL, err = b.svc.CreateWebhook(b.ctx(ctx), account, r.ID, "Pager")
	return account, r.ID, hookURL, err
}

// signIn signs each user in as a browser does: a link is requested, read
// from the sign-in job the service queued (no mail server here), opened,
// and its button pressed with the page's CSRF token. It returns each
// user's session cookies.
func signIn(ctx context.Context, b *bench, base, account string, users int) ([][]*http.Cookie, error) {
	for i := range users {
		if err := b.svc.RequestSignIn(ctx, fmt.Sprintf("m%04d@live.example.net", i)); err != nil {
			return nil, err
		}
	}
	jobs, err := b.svc.ListJobs(ctx, belfry.JobFilter{Kind: belfry.KindSignIn, AccountID: account}, belfry.Page{Limit: users})
	if err != nil {
		return nil, err
	}
	var cookies [][]*http.Cookie
	for _, j := range jobs {
		m, err := belfry.MailOf(j)
		if err != nil {
			return nil, err
		}
		link := base + m.Link[strings.Index(m.Link, "/signin/"):]
		jar, _ := cookiejar.New(nil)
		c := &http.Client{Jar: jar, Transport: b.transport}
		page, err := get(ctx, c, link)
		if err != nil {
			return nil, err
		}
		token := csrfField.FindSubmatch(page)
		if token == nil {
			return nil, errors.New("live: the sign-in page has no CSRF field")
		}
		resp, err := c.PostForm(link, url.Values{"csrf": {string(token[1])}})
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		u, _ := url.Parse(base)
		cookies = append(cookies, jar.Cookies(u))
	}
	if len(cookies) != users {
		return nil, fmt.Errorf("live: %d of %d members signed in", len(cookies), users)
	}
	return cookies, nil
}

func get(ctx context.Context, c *http.Client, link string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", link, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// follow holds one stream open, noting when each post's marker arrives.
func follow(ctx context.Context, link string, cookies []*http.Cookie, got map[string]time.Time, ready *sync.WaitGroup) {
	req, _ := http.NewRequestWithContext(ctx, "GET", link, nil)
	for _, c := range cookies {
		req.AddCookie(c)
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := (&http.Client{Transport: &http.Transport{}}).Do(req)
	ready.Done()
	if err != nil {
		return
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Bytes()
		if i := bytes.Index(line, []byte("bench-post-")); i >= 0 && len(line) >= i+17 {
			marker := string(line[i : i+17])
			if _, seen := got[marker]; !seen {
				got[marker] = time.Now()
			}
		}
	}
}

func postHook(ctx context.Context, hookURL, content string) error {
	req, err := http.NewRequestWithContext(ctx, "POST", hookURL, strings.NewReader(`{"Content":"`+content+`"}`))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(resp.Body)
		return fmt.Errorf("live: the webhook answered %s: %s", resp.Status, body)
	}
	return nil
}
