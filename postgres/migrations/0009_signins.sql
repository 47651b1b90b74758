-- 0009_signins: single-use sign-in links of the members' web app (issue 9).
--
-- Only the token's hash is kept. used is set once, by the statement that
-- checks the link is unused and unexpired, so that two uses at once find
-- it once. The e-mail that carries the link is a job of kind signin.

CREATE TABLE signins (
	seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id         text NOT NULL CONSTRAINT signins_id UNIQUE,
	account_id text NOT NULL REFERENCES accounts (id),
	user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
	token_hash bytea NOT NULL CONSTRAINT signins_token_hash UNIQUE,
	created    timestamptz NOT NULL,
	expires    timestamptz NOT NULL,
	used       timestamptz
);

-- The users with an address, whatever their account, for a sign-in request.
CREATE INDEX users_email_key ON users (email_key);
