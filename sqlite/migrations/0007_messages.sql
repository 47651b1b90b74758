-- 0007_messages: messages in rooms and conversations (issue 9).
--
-- A conversation is a direct chat between users of one account. A message
-- lives in a room or in a conversation, one of the two, and goes with it
-- when it is deleted. Its sender is copied in, so that the history reads
-- the same after a sender changes or leaves. content is blanked, for good,
-- when the message is redacted.

CREATE TABLE conversations (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	id         TEXT NOT NULL UNIQUE,
	account_id TEXT NOT NULL REFERENCES accounts (id),
	created    INTEGER NOT NULL,
	created_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE conversation_members (
	conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
	user_id         TEXT NOT NULL REFERENCES users (id),
	position        INTEGER NOT NULL, -- 0 for the user who started it
	PRIMARY KEY (conversation_id, user_id)
);
-- A user's conversations.
CREATE INDEX conversation_members_user ON conversation_members (user_id, conversation_id);

-- seq is AUTOINCREMENT so that a deleted message's seq is never used
-- again: history pages and exports resume from a seq.
CREATE TABLE messages (
	seq             INTEGER PRIMARY KEY AUTOINCREMENT,
	id              TEXT NOT NULL UNIQUE,
	account_id      TEXT NOT NULL REFERENCES accounts (id),
	room_id         TEXT REFERENCES rooms (id) ON DELETE CASCADE,
	conversation_id TEXT REFERENCES conversations (id) ON DELETE CASCADE,
	sender_id       TEXT NOT NULL,
	sender_type     TEXT NOT NULL, -- User, Bot or Webhook
	sender_name     TEXT NOT NULL DEFAULT '',
	sender_email    TEXT NOT NULL DEFAULT '',
	content         TEXT NOT NULL, -- markdown; '' once redacted
	created         INTEGER NOT NULL,
	redacted        INTEGER,       -- NULL while the content stands
	CHECK ((room_id IS NULL) <> (conversation_id IS NULL))
);
-- History pages: keyset on (thread, seq), newest first, whatever the length.
CREATE INDEX messages_room_seq ON messages (room_id, seq) WHERE room_id IS NOT NULL;
CREATE INDEX messages_conversation_seq ON messages (conversation_id, seq) WHERE conversation_id IS NOT NULL;
-- Exports of a whole account, in seq order.
CREATE INDEX messages_account_seq ON messages (account_id, seq);
-- Retention finds an account's oldest messages.
CREATE INDEX messages_account_created ON messages (account_id, created);

-- One retention sweep per account and period, however many replicas ask.
CREATE UNIQUE INDEX jobs_retention_ref ON jobs (ref) WHERE kind = 'retention';
