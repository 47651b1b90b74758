package api

import (
	"strconv"
	"time"

	"github.com/belfryhq/belfry"
)

// redactRoomMessage blanks a room message for good; the model's answer is
// an empty object with status 200, again for a message redacted before
// (DECISIONS.md, "Rooms, once they hold conversations").
func redactRoomMessage(s *Server, c *call) (any, error) {
	err := s.svc.RedactRoomMessage(c.ctx(), c.labels["accountId"], c.labels["roomId"], c.labels["messageId"])
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// redactConversationMessage blanks a conversation message for good, as
// redactRoomMessage does a room's.
func redactConversationMessage(s *Server, c *call) (any, error) {
	err := s.svc.RedactConversationMessage(c.ctx(), c.labels["accountId"], c.labels["conversationId"], c.labels["messageId"])
	if err != nil {
		return nil, err
	}
	return struct{}{}, nil
}

// wireMessage is one message of an operator's export, in the shape
// DECISIONS.md gives the JSON lines of `belfry messages export`.
type wireMessage struct {
	MessageID        string     `json:"MessageId"`
	RoomID           string     `json:"RoomId,omitempty"`
	ConversationID   string     `json:"ConversationId,omitempty"`
	Sender           wireSender `json:"Sender"`
	Content          string     `json:"Content"`
	CreatedTimestamp timestamp  `json:"CreatedTimestamp"`
	Redacted         bool       `json:"Redacted"`
}

type wireSender struct {
	ID    string `json:"Id"`
	Type  string `json:"Type"`
	Name  string `json:"Name"`
	Email string `json:"Email"`
}

// exportBudget bounds a page of the export by the bytes its contents may
// take once encoded (a control character takes six), so that a page of
// long messages stays well under what the CLI reads at once (1 MiB).
const (
	exportPage   = 500
	exportBudget = 640 << 10
)

// exportMessages answers GET /_belfry/messages?account-id=&room-id= or
// &conversation-id=&since=&next-token=: a page of an account's messages,
// oldest first, for compliance and migration.
func (s *Server) exportMessages(c *call) (any, error) {
	f, p, err := messageFilter(c)
	if err != nil {
		return nil, err
	}
	msgs, err := s.svc.ExportMessages(c.r.Context(), f, p)
	if err != nil {
		return nil, err
	}
	out := struct {
		Messages  []wireMessage
		NextToken string `json:",omitempty"`
	}{Messages: make([]wireMessage, 0, len(msgs))}
	used := 0
	for i, m := range msgs {
		used += 6*len(m.Content) + 512
		if i == exportPage || i > 0 && used > exportBudget {
			out.NextToken = strconv.FormatInt(msgs[i-1].Seq, 10)
			break
		}
		out.Messages = append(out.Messages, wireMessage{
			MessageID: m.ID, RoomID: m.RoomID, ConversationID: m.ConversationID,
			Sender:  wireSender{ID: m.Sender.ID, Type: string(m.Sender.Type), Name: m.Sender.Name, Email: m.Sender.Email},
			Content: m.Content, CreatedTimestamp: timestamp(m.Created), Redacted: !m.Redacted.IsZero(),
		})
	}
	return out, nil
}

// messageFilter reads the export's query: the account, required; a room
// or a conversation, not both; a time; and where the last page ended.
func messageFilter(c *call) (belfry.MessageFilter, belfry.Page, error) {
	q := c.query
	f := belfry.MessageFilter{AccountID: q.Get("account-id"),
		Thread: belfry.Thread{RoomID: q.Get("room-id"), ConversationID: q.Get("conversation-id")}}
	p := belfry.Page{Limit: exportPage + 1}
	switch {
	case f.AccountID == "":
		return f, p, badRequest("account-id is required")
	case f.Thread.RoomID != "" && f.Thread.ConversationID != "":
		return f, p, badRequest("give room-id or conversation-id, not both")
	}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			return f, p, badRequest("since %q is not an RFC 3339 time such as 2026-01-02T15:04:05Z", v)
		}
		f.Since = t
	}
	if v := q.Get("next-token"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return f, p, badRequest("next-token %q is not valid", v)
		}
		p.After = n
	}
	return f, p, nil
}
