-- 0002_invitations: accept links and the mail outbox, as
-- sqlite/migrations/0002_invitations.sql has them.
--
-- An invite's link token is kept only as its SHA-256 (token_hash). The
-- e-mail that carries the link is written to mails in the same transaction as
-- the invite and delivered later by a worker; its body and link are scrubbed
-- once it is delivered or refused. Workers of several replicas claim due
-- messages with FOR UPDATE SKIP LOCKED and a lease (lease_until), so each
-- message is sent by one of them.

ALTER TABLE invites ADD COLUMN token_hash bytea;
ALTER TABLE invites ADD COLUMN expires timestamptz;
ALTER TABLE invites ADD COLUMN accepted timestamptz;
CREATE UNIQUE INDEX invites_token ON invites (token_hash) WHERE token_hash IS NOT NULL;

CREATE TABLE mails (
	seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id           text NOT NULL CONSTRAINT mails_id UNIQUE,
	invite_id    text NOT NULL REFERENCES invites (id),
	account_id   text NOT NULL REFERENCES accounts (id),
	to_addr      text NOT NULL,
	reply_to     text NOT NULL DEFAULT '',
	subject      text NOT NULL,
	text_body    text NOT NULL DEFAULT '',
	html_body    text NOT NULL DEFAULT '',
	link         text NOT NULL DEFAULT '',
	message_id   text NOT NULL,
	status       text NOT NULL,             -- Queued, Sent or Failed
	attempts     integer NOT NULL DEFAULT 0,
	next_attempt timestamptz NOT NULL,
	last_error   text NOT NULL DEFAULT '',
	lease_holder text NOT NULL DEFAULT '',  -- the worker that is sending it
	lease_until  timestamptz NOT NULL DEFAULT '-infinity',
	created      timestamptz NOT NULL,
	sent         timestamptz,
	expires      timestamptz
);
-- The worker's queue: queued messages by when they are next due.
CREATE INDEX mails_due ON mails (next_attempt, seq) WHERE status = 'Queued';
CREATE INDEX mails_account ON mails (account_id, seq);
