package api

import (
	"github.com/belfryhq/belfry"
)

type wireAccountSettings struct{ DisableRemoteControl, EnableDialOut bool }

func getAccountSettings(s *Server, c *call) (any, error) {
	as, err := s.svc.GetAccountSettings(c.ctx(), c.labels["accountId"])
	if err != nil {
		return nil, err
	}
	return struct{ AccountSettings wireAccountSettings }{wireAccountSettings(*as)}, nil
}

func updateAccountSettings(s *Server, c *call) (any, error) {
	in := c.in.obj("AccountSettings")
	return nil, s.svc.UpdateAccountSettings(c.ctx(), c.labels["accountId"], belfry.AccountSettingsUpdate{
		DisableRemoteControl: optional[bool](in, "DisableRemoteControl"), EnableDialOut: optional[bool](in, "EnableDialOut"),
	})
}

func associateSigninDelegateGroups(s *Server, c *call) (any, error) {
	list := c.in.objs("SigninDelegateGroups")
	groups := make([]string, len(list))
	for i, g := range list {
		groups[i] = g.str("GroupName")
	}
	_, err := s.svc.AssociateSigninDelegateGroupsWithAccount(c.ctx(), c.labels["accountId"], groups)
	return nil, err
}

func disassociateSigninDelegateGroups(s *Server, c *call) (any, error) {
	_, err := s.svc.DisassociateSigninDelegateGroupsFromAccount(c.ctx(), c.labels["accountId"], c.in.strs("GroupNames"))
	return nil, err
}

// wireRetention is RetentionSettings on the wire; a policy that is off has
// no RetentionDays.
type wireRetention struct {
	RoomRetentionSettings         wireRetentionDays `json:"RoomRetentionSettings"`
	ConversationRetentionSettings wireRetentionDays `json:"ConversationRetentionSettings"`
}

type wireRetentionDays struct {
	RetentionDays int `json:"RetentionDays,omitempty"`
}

func getRetentionSettings(s *Server, c *call) (any, error) {
	r, err := s.svc.GetRetentionSettings(c.ctx(), c.labels["accountId"])
	if err != nil {
		return nil, err
	}
	return struct {
		RetentionSettings         wireRetention
		InitiateDeletionTimestamp timestamp `json:",omitzero"`
	}{
		wireRetention{wireRetentionDays{r.RoomDays}, wireRetentionDays{r.ConversationDays}},
		timestamp(r.InitiateDeletion),
	}, nil
}

// putRetentionSettings answers 204 with no body, although the model's output
// lists the settings: clients cannot read a 204's body (chime-behaviour.md
// §1.4); GetRetentionSettings shows them.
func putRetentionSettings(s *Server, c *call) (any, error) {
	r := c.in.obj("RetentionSettings")
	_, err := s.svc.PutRetentionSettings(c.ctx(), c.labels["accountId"],
		r.obj("RoomRetentionSettings").integer("RetentionDays"), r.obj("ConversationRetentionSettings").integer("RetentionDays"))
	return nil, err
}

type wireUserSettings struct {
	Telephony struct{ InboundCalling, OutboundCalling, SMS bool }
}

func getUserSettings(s *Server, c *call) (any, error) {
	us, err := s.svc.GetUserSettings(c.ctx(), c.labels["accountId"], c.labels["userId"])
	if err != nil {
		return nil, err
	}
	var w wireUserSettings
	w.Telephony.InboundCalling, w.Telephony.OutboundCalling, w.Telephony.SMS =
		us.Telephony.InboundCalling, us.Telephony.OutboundCalling, us.Telephony.SMS
	return struct{ UserSettings wireUserSettings }{w}, nil
}

func updateUserSettings(s *Server, c *call) (any, error) {
	t := c.in.obj("UserSettings").obj("Telephony")
	return nil, s.svc.UpdateUserSettings(c.ctx(), c.labels["accountId"], c.labels["userId"], &belfry.UserSettings{
		Telephony: belfry.TelephonySettings{
			InboundCalling: t.boolean("InboundCalling"), OutboundCalling: t.boolean("OutboundCalling"), SMS: t.boolean("SMS"),
		},
	})
}
