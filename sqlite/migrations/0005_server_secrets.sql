-- 0005_server_secrets: random secrets the server makes once and keeps
-- (issue 8), so that one server across restarts seals and opens the same
-- tokens. Keys for each purpose are derived from them, never stored.
CREATE TABLE server_secrets (
	name  TEXT PRIMARY KEY,
	value BLOB NOT NULL
);
