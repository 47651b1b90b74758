package api

import (
	"strconv"

	"github.com/belfryhq/belfry"
)

// wireBotDelivery is one attempt at a bot event as an operator reads it.
type wireBotDelivery struct {
	EventId    string
	EventType  string
	RoomId     string
	Attempt    int
	Time       timestamp
	HttpStatus int    `json:",omitempty"`
	Error      string `json:",omitempty"`
	DurationMs int64
}

// listBotDeliveries answers GET /_belfry/bot-deliveries?account-id=&bot-id=:
// a bot's delivery log, a page at a time, oldest attempt first, or with
// order=newest the newest first, as an operator looking into a bot's
// trouble wants it.
func (s *Server) listBotDeliveries(c *call) (any, error) {
	var after int64
	if t := c.query.Get("next-token"); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n < 0 {
			return nil, badRequest("next-token %q is not valid", t)
		}
		after = n
	}
	accountID, botID := c.query.Get("account-id"), c.query.Get("bot-id")
	if accountID == "" || botID == "" {
		return nil, badRequest("give account-id and bot-id")
	}
	const size = 500
	var list []*belfry.BotDelivery
	var err error
	switch order := c.query.Get("order"); order {
	case "", "oldest":
		list, err = s.svc.BotDeliveries(c.r.Context(), accountID, botID, belfry.Page{After: after, Limit: size + 1})
	case "newest":
		// The next page starts before the last attempt of this one.
		list, err = s.svc.RecentBotDeliveries(c.r.Context(), accountID, botID, after, size+1)
	default:
		return nil, badRequest("order is oldest or newest, not %q", order)
	}
	if err != nil {
		return nil, err
	}
	list, more := trim(list, size)
	out := struct {
		Deliveries []wireBotDelivery
		NextToken  string `json:",omitempty"`
	}{Deliveries: make([]wireBotDelivery, len(list))}
	for i, d := range list {
		out.Deliveries[i] = wireBotDelivery{EventId: d.EventID, EventType: string(d.Type), RoomId: d.RoomID,
			Attempt: d.Attempt, Time: timestamp(d.At), HttpStatus: d.Status, Error: d.Error,
			DurationMs: d.Duration.Milliseconds()}
	}
	if more {
		out.NextToken = strconv.FormatInt(list[len(list)-1].Seq, 10)
	}
	return out, nil
}
