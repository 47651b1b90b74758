-- 0009_signins: single-use sign-in links of the members' web app (issue 9).
--
-- Only the token's hash is kept. used is set once, by the statement that
-- checks the link is unused and unexpired, so that two uses at once find
-- it once. The e-mail that carries the link is a job of kind signin.

CREATE TABLE signins (
	seq        INTEGER PRIMARY KEY AUTOINCREMENT,
	id         TEXT NOT NULL UNIQUE,
	account_id TEXT NOT NULL REFERENCES accounts (id),
	user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash BLOB NOT NULL UNIQUE,
	created    INTEGER NOT NULL,
	expires    INTEGER NOT NULL,
	used       INTEGER
);

-- The users with an address, whatever their account, for a sign-in request.
CREATE INDEX users_email_key ON users (email_key);
