package belfry

import (
	"cmp"
	"context"
	"strings"
)

// mentionedBots returns the bots of m's account in m's room that m's
// content mentions, other than m's sender: by e-mail address, by alias
// (the address's local part), or by display name as people type it
// (@myBot, without " (Bot)", spaces as dashes). An account has at most
// MaxBotsPerAccount bots, so this reads them all and checks the room only
// for those named.
func (s *Service) mentionedBots(ctx context.Context, m *Message) ([]*Bot, error) {
	if m.RoomID == "" || !strings.Contains(m.Content, "@") {
		return nil, nil
	}
	names := make(map[Mention]bool)
	for _, mention := range ParseMentions(m.Content) {
		names[mention] = true
	}
	if len(names) == 0 {
		return nil, nil
	}
	bots, err := s.Store.ListBots(ctx, m.AccountID, Page{Limit: MaxBotsPerAccount})
	if err != nil {
		return nil, err
	}
	var named []*Bot
	for _, b := range bots {
		if b.ID == m.Sender.ID || !botNamed(b, names) {
			continue
		}
		_, err := s.Store.MembershipOf(ctx, m.AccountID, m.RoomID, b.ID)
		switch {
		case err == nil:
			named = append(named, b)
		case ErrorKind(err) != NotFound:
			return nil, err
		}
	}
	return named, nil
}

// botNamed says whether one of names names bot b.
func botNamed(b *Bot, names map[Mention]bool) bool {
	email := strings.ToLower(b.Email)
	alias, _, _ := strings.Cut(email, "@")
	name := strings.ToLower(strings.TrimSuffix(b.DisplayName, botSuffix))
	return names[Mention{Kind: MentionEmail, Name: email}] || names[Mention{Kind: MentionAlias, Name: alias}] ||
		names[Mention{Kind: MentionAlias, Name: name}] ||
		names[Mention{Kind: MentionAlias, Name: strings.ReplaceAll(name, " ", "-")}]
}

// disabledBotNotice is what a room reads when a message mentions a bot
// that is disabled (chime-behaviour.md §3.4, DECISIONS.md, bots).
func disabledBotNotice(b *Bot) string {
	return b.DisplayName + " is disabled and cannot answer. An administrator of the account can enable it again."
}

// postMessage stores m, with a Mention event for each enabled bot of the
// room it mentions written in the same transaction, tells open pages of
// it, and then posts, as each mentioned bot that is disabled, a notice
// saying so.
func (s *Service) postMessage(ctx context.Context, m *Message) error {
	bots, err := s.mentionedBots(ctx, m)
	if err != nil {
		return err
	}
	var jobs []*Job
	var disabled []*Bot
	// A webhook has no address; its name says who posted.
	sender := cmp.Or(m.Sender.Email, m.Sender.Name)
	for _, b := range bots {
		if b.Disabled {
			disabled = append(disabled, b)
			continue
		}
		jobs = append(jobs, s.botEventJob(BotMention, m.AccountID, b.ID, m.RoomID, sender, m.Content, m.Created))
	}
	if len(jobs) > 0 {
		ctx = WithOutbox(ctx, func() []*Job { return jobs })
	}
	if err := s.Store.PostMessage(ctx, m); err != nil {
		return err
	}
	s.publish(ctx, Event{Kind: EventPosted, AccountID: m.AccountID, Thread: m.Thread(), MessageID: m.ID, Seq: m.Seq})
	s.kickBots(jobs)
	for _, b := range disabled {
		notice := &Message{
			ID: s.newID(), AccountID: m.AccountID, RoomID: m.RoomID,
			Sender:  Sender{ID: b.ID, Type: MemberBot, Name: b.DisplayName, Email: b.Email},
			Content: disabledBotNotice(b), Created: s.now(),
		}
		// The post stands whatever becomes of the notice.
		if s.Store.PostMessage(context.WithoutCancel(ctx), notice) == nil {
			s.publish(ctx, Event{Kind: EventPosted, AccountID: notice.AccountID, Thread: notice.Thread(), MessageID: notice.ID, Seq: notice.Seq})
		}
	}
	return nil
}

// removeEvents returns the Remove events for the enabled bots that leave
// room r: bot memberID when it is one, or, when memberID is "", every bot
// of the room, which is being deleted. They are read before the change and
// written in its transaction, so that they are written only when the bots
// do leave.
func (s *Service) removeEvents(ctx context.Context, r *Room, memberID string) ([]*Job, error) {
	var bots []*Bot
	if memberID != "" {
		b, err := s.Store.Bot(ctx, r.AccountID, memberID)
		if ErrorKind(err) == NotFound {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		bots = []*Bot{b}
	} else {
		var err error
		if bots, err = s.Store.ListBots(ctx, r.AccountID, Page{Limit: MaxBotsPerAccount}); err != nil {
			return nil, err
		}
	}
	var ms []*Membership
	for _, b := range bots {
		if b.Disabled {
			continue // a disabled bot gets no events
		}
		m, err := s.Store.MembershipOf(ctx, r.AccountID, r.ID, b.ID)
		switch {
		case err == nil:
			ms = append(ms, m)
		case ErrorKind(err) != NotFound:
			return nil, err
		}
	}
	return s.membershipEvents(BotRemove, r.AccountID, s.eventSender(ctx, r.AccountID), s.now(), ms), nil
}
