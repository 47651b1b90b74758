-- 0004_jobs: one durable job queue for every kind of background work, as
-- sqlite/migrations/0004_jobs.sql has it. The mail outbox of 0002 becomes the
-- first kind of job ('mail'). Workers of several replicas claim due jobs of a
-- kind with FOR UPDATE SKIP LOCKED and a lease (lease_until), so each job is
-- run by one of them at a time.

CREATE TABLE jobs (
	seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
	id           text NOT NULL CONSTRAINT jobs_id UNIQUE,
	kind         text NOT NULL,
	account_id   text NOT NULL DEFAULT '',
	user_id      text NOT NULL DEFAULT '',
	ref          text NOT NULL DEFAULT '',
	payload      text NOT NULL DEFAULT '',
	secret       text NOT NULL DEFAULT '',
	status       text NOT NULL,            -- Queued, Done, Failed or Cancelled
	attempts     integer NOT NULL DEFAULT 0,
	due          timestamptz NOT NULL,
	last_error   text NOT NULL DEFAULT '',
	lease_holder text NOT NULL DEFAULT '',
	lease_until  timestamptz NOT NULL DEFAULT '-infinity',
	created      timestamptz NOT NULL,
	finished     timestamptz,
	expires      timestamptz
);
CREATE INDEX jobs_due ON jobs (kind, due, seq) WHERE status = 'Queued';
CREATE INDEX jobs_account ON jobs (account_id, seq);
CREATE INDEX jobs_user ON jobs (user_id) WHERE status = 'Queued';

INSERT INTO jobs (id, kind, account_id, user_id, ref, payload, secret, status, attempts, due, last_error,
	lease_holder, lease_until, created, finished, expires)
SELECT m.id, 'mail', m.account_id, coalesce(i.user_id, ''), m.invite_id,
	json_build_object('to', m.to_addr, 'replyTo', m.reply_to, 'subject', m.subject, 'messageId', m.message_id)::text,
	CASE WHEN m.status = 'Queued'
		THEN json_build_object('text', m.text_body, 'html', m.html_body, 'link', m.link)::text ELSE '' END,
	CASE m.status WHEN 'Sent' THEN 'Done' ELSE m.status END,
	m.attempts, m.next_attempt, m.last_error, m.lease_holder, m.lease_until, m.created, m.sent, m.expires
FROM mails m LEFT JOIN invites i ON i.id = m.invite_id ORDER BY m.seq;

DROP TABLE mails;
