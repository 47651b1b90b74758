package api

import (
	"github.com/belfryhq/belfry"
)

// wireBot is the model's Bot. Every operation that answers a Bot carries
// its SecurityToken, ListBots included, as the real service did
// (chime-behaviour.md §3.4).
type wireBot struct {
	BotID            string    `json:"BotId"`
	UserID           string    `json:"UserId"`
	DisplayName      string    `json:"DisplayName"`
	BotType          string    `json:"BotType"`
	Disabled         bool      `json:"Disabled"`
	CreatedTimestamp timestamp `json:"CreatedTimestamp,omitzero"`
	UpdatedTimestamp timestamp `json:"UpdatedTimestamp,omitzero"`
	BotEmail         string    `json:"BotEmail"`
	SecurityToken    string    `json:"SecurityToken"`
}

// toWireBot answers bot b; its UserId is its BotId (chime-behaviour.md
// §3.4).
func toWireBot(b *belfry.Bot) *wireBot {
	return &wireBot{
		BotID: b.ID, UserID: b.ID, DisplayName: b.DisplayName, BotType: "ChatBot", Disabled: b.Disabled,
		CreatedTimestamp: timestamp(b.Created), UpdatedTimestamp: timestamp(b.Updated),
		BotEmail: b.Email, SecurityToken: b.SecurityToken,
	}
}

// botAnswer is the output of every bot operation but ListBots.
func botAnswer(b *belfry.Bot, err error) (any, error) {
	if err != nil {
		return nil, err
	}
	return struct{ Bot *wireBot }{toWireBot(b)}, nil
}

func createBot(s *Server, c *call) (any, error) {
	return botAnswer(s.svc.CreateBot(c.ctx(), c.labels["accountId"], c.in.str("DisplayName"), c.in.str("Domain")))
}

func getBot(s *Server, c *call) (any, error) {
	return botAnswer(s.svc.GetBot(c.ctx(), c.labels["accountId"], c.labels["botId"]))
}

func updateBot(s *Server, c *call) (any, error) {
	return botAnswer(s.svc.UpdateBot(c.ctx(), c.labels["accountId"], c.labels["botId"], optional[bool](c.in, "Disabled")))
}

func regenerateSecurityToken(s *Server, c *call) (any, error) {
	return botAnswer(s.svc.RegenerateSecurityToken(c.ctx(), c.labels["accountId"], c.labels["botId"]))
}

type listBotsOutput struct {
	Bots      []*wireBot `json:"Bots"`
	NextToken string     `json:"NextToken,omitempty"`
}

// listBots answers a page of the account's bots, 10 by default
// (DECISIONS.md, default page sizes).
func listBots(s *Server, c *call) (any, error) {
	pg, err := s.pageOf(c, 10)
	if err != nil {
		return nil, err
	}
	bots, err := s.svc.ListBots(c.ctx(), c.labels["accountId"], pg.Page)
	if err != nil {
		return nil, err
	}
	bots, more := trim(bots, pg.size)
	out := listBotsOutput{Bots: make([]*wireBot, len(bots))}
	for i, b := range bots {
		out.Bots[i] = toWireBot(b)
	}
	if more {
		out.NextToken = pg.next(bots[len(bots)-1].Seq)
	}
	return out, nil
}
