package console

import (
	"net/http"
	"strconv"
	"time"

	"github.com/belfryhq/belfry"
)

type botView struct {
	ID, Name, Email, Created, Updated, Path string
	Disabled                                bool
}

func viewBot(acct *belfry.Account, b *belfry.Bot) botView {
	return botView{ID: b.ID, Name: b.DisplayName, Email: b.Email, Disabled: b.Disabled,
		Created: b.Created.UTC().Format("2006-01-02 15:04 MST"), Updated: b.Updated.UTC().Format("2006-01-02 15:04 MST"),
		Path: accountPath(acct.ID) + "/bots/" + b.ID}
}

type botsPage struct {
	adminFrame
	Account    accountView
	Enterprise bool
	Bots       []botView
	Next       string
	Name       string
}

// showBots lists an account's bots with the form that makes one.
func (s *Server) showBots(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account) {
	s.renderBots(w, r, a, acct, http.StatusOK, "", "")
}

func (s *Server) renderBots(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account, status int, problem, name string) {
	p := botsPage{adminFrame: s.frame(r, a, "Bots of "+acct.Name, "accounts"), Account: viewAccount(acct),
		Enterprise: acct.Type.IsEnterprise(), Name: name}
	p.Problem = problem
	if p.Enterprise {
		bots, err := s.svc.ListBots(a.ctx(r), acct.ID, belfry.Page{After: afterOf(r), Limit: listPageSize + 1})
		if err != nil {
			s.failed(w, r, err)
			return
		}
		bots, p.Next = pageOf(bots, func(b *belfry.Bot) int64 { return b.Seq }, accountPath(acct.ID)+"/bots")
		for _, b := range bots {
			p.Bots = append(p.Bots, viewBot(acct, b))
		}
	}
	s.render(w, status, "admin_bots", p)
}

// createBot makes a bot in one of the account's domains, as CreateBot
// does.
func (s *Server) createBot(w http.ResponseWriter, r *http.Request) {
	a, acct, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	name := r.PostFormValue("name")
	b, err := s.svc.CreateBot(s.act(r, a, "CreateBot"), acct.ID, name, r.PostFormValue("domain"))
	path := accountPath(acct.ID) + "/bots"
	if err == nil {
		path += "/" + b.ID
	}
	s.after(w, r, err, path, "created", func(status int, problem string) {
		s.renderBots(w, r, a, acct, status, problem, name)
	})
}

type botPage struct {
	adminFrame
	Account accountView
	Bot     botView
	Token   string
	// Endpoint or Lambda is where the bot's events go, if anywhere.
	Endpoint, Lambda string
	// Deliveries is a page of the bot's event delivery log, the newest
	// attempt first; Delivery says that the log was read, and Older
	// links to the page of attempts before these.
	Deliveries []deliveryView
	Delivery   bool
	Older      string
}

// deliveryView is one attempt to deliver an event to a bot's endpoint.
type deliveryView struct {
	Time, Event, Outcome, Error string
	Room, RoomPath, Duration    string
	Attempt                     int
	Failed                      bool
}

// deliveryPageSize is how many attempts a bot's page shows at once.
const deliveryPageSize = 50

func viewDelivery(acct *belfry.Account, d *belfry.BotDelivery) deliveryView {
	v := deliveryView{Time: d.At.UTC().Format("2006-01-02 15:04:05.000 MST"), Event: string(d.Type), Error: d.Error,
		Room: d.RoomID, RoomPath: accountPath(acct.ID) + "/rooms/" + d.RoomID, Attempt: d.Attempt,
		Duration: d.Duration.Round(time.Millisecond).String(), Failed: d.Error != "", Outcome: "delivered"}
	switch {
	case d.Error != "" && d.Status != 0:
		v.Outcome = "failed, " + strconv.Itoa(d.Status)
	case d.Error != "":
		v.Outcome = "failed"
	case d.Status != 0:
		v.Outcome = "delivered, " + strconv.Itoa(d.Status)
	}
	return v
}

// beforeOf reads the ?before= cursor of a page that lists the newest
// first: 0, the newest, when absent or malformed.
func beforeOf(r *http.Request) int64 { return cursorOf(r, "before") }

// botOf returns the bot r's path names, when it is one of account acct's,
// and answers 404 otherwise.
func (s *Server) botOf(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account) (*belfry.Bot, bool) {
	b, err := s.svc.GetBot(a.ctx(r), acct.ID, r.PathValue("bot"))
	return b, s.found(w, r, err, "bot")
}

// showBot is a bot's page: its state, security token and events
// configuration, and the forms that change them.
func (s *Server) showBot(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account) {
	if b, ok := s.botOf(w, r, a, acct); ok {
		s.renderBot(w, r, a, acct, b, http.StatusOK, "")
	}
}

func (s *Server) renderBot(w http.ResponseWriter, r *http.Request, a *admin, acct *belfry.Account, b *belfry.Bot, status int, problem string) {
	p := botPage{adminFrame: s.frame(r, a, b.DisplayName, "accounts"), Account: viewAccount(acct), Bot: viewBot(acct, b),
		Token: b.SecurityToken}
	p.Problem = problem
	c, err := s.svc.GetEventsConfiguration(a.ctx(r), acct.ID, b.ID)
	switch {
	case err == nil:
		p.Endpoint, p.Lambda = c.OutboundEventsHTTPSEndpoint, c.LambdaFunctionArn
	case belfry.ErrorKind(err) != belfry.NotFound:
		s.failed(w, r, err)
		return
	}
	log, err := s.svc.RecentBotDeliveries(a.ctx(r), acct.ID, b.ID, beforeOf(r), deliveryPageSize+1)
	if err != nil {
		s.failed(w, r, err)
		return
	}
	p.Delivery = true
	if len(log) > deliveryPageSize {
		log = log[:deliveryPageSize]
		p.Older = p.Bot.Path + "?before=" + strconv.FormatInt(log[len(log)-1].Seq, 10) + "#deliveries"
	}
	for _, d := range log {
		p.Deliveries = append(p.Deliveries, viewDelivery(acct, d))
	}
	s.render(w, status, "admin_bot", p)
}

// botAction changes a bot: the path's last element says how.
func (s *Server) botAction(w http.ResponseWriter, r *http.Request) {
	a, acct, ok := s.accountForm(w, r)
	if !ok {
		return
	}
	b, ok := s.botOf(w, r, a, acct)
	if !ok {
		return
	}
	var err error
	note := r.PathValue("action")
	switch note {
	case "enable", "disable":
		disabled := note == "disable"
		note += "d"
		_, err = s.svc.UpdateBot(s.act(r, a, "UpdateBot"), acct.ID, b.ID, &disabled)
	case "regenerate":
		note = "token"
		_, err = s.svc.RegenerateSecurityToken(s.act(r, a, "RegenerateSecurityToken"), acct.ID, b.ID)
	case "events":
		_, err = s.svc.PutEventsConfiguration(s.act(r, a, "PutEventsConfiguration"), acct.ID, b.ID,
			r.PostFormValue("endpoint"), r.PostFormValue("lambda"))
	case "noevents":
		err = s.svc.DeleteEventsConfiguration(s.act(r, a, "DeleteEventsConfiguration"), acct.ID, b.ID)
	default:
		s.notFound(w, "action")
		return
	}
	s.after(w, r, err, accountPath(acct.ID)+"/bots/"+b.ID, note, func(status int, problem string) {
		s.renderBot(w, r, a, acct, b, status, problem)
	})
}
