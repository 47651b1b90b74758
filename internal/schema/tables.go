package schema

// ChimeTables are the tables of Chime resources, in an order that deletes
// those that refer to others first: the ones that the test API's reset
// empties in both stores. The others (access_keys, server_secrets,
// write_probe, PostgreSQL's rate_buckets, schema_migrations) are kept. A
// migration that adds a table of Chime resources adds it here too.
var ChimeTables = []string{
	"bot_deliveries", "bot_events", "bots", "webhooks", "messages", "conversation_members", "conversations", "signins",
	"memberships", "rooms", "invites", "user_settings", "users", "retention_settings", "account_settings",
	"domains", "accounts", "phone_number_orders", "phone_numbers", "phone_number_settings", "global_settings",
	"jobs", "audit_events",
}
