-- 0008_webhooks: incoming webhooks (issue 9, chime-behaviour.md §3.7).
--
-- A webhook posts into one room and goes with it. Its token is kept only
-- as its SHA-256 (token_hash): the URL is shown once. Regenerating the URL
-- gives the row a new id, so nothing references webhooks by id; its posts
-- keep the id they were sent with.

CREATE TABLE webhooks (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	id         TEXT NOT NULL UNIQUE,
	account_id TEXT NOT NULL REFERENCES accounts (id),
	room_id    TEXT NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
	name       TEXT NOT NULL,
	token_hash BLOB NOT NULL,
	created    INTEGER NOT NULL
);
-- A room's webhooks, for its roster and its limit of 10.
CREATE INDEX webhooks_room ON webhooks (room_id, seq);
