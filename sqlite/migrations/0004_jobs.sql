-- 0004_jobs: one durable job queue for every kind of background work.
--
-- The mail outbox of 0002 becomes the first kind of job ('mail'). A job is
-- written in the same transaction as the change that calls for it; workers
-- claim due jobs of one kind under a lease. payload is the kind's data,
-- kept for those who look back; secret is what must not outlive the job (an
-- accept link), scrubbed when it ends. account_id and user_id say whom the
-- job serves, so that deleting the account or suspending the user cancels it;
-- ref names the record the kind's hooks act on (a mail's invite).

CREATE TABLE jobs (
	seq          INTEGER PRIMARY KEY AUTOINCREMENT,
	id           TEXT NOT NULL UNIQUE,
	kind         TEXT NOT NULL,
	account_id   TEXT NOT NULL DEFAULT '',
	user_id      TEXT NOT NULL DEFAULT '',
	ref          TEXT NOT NULL DEFAULT '',
	payload      TEXT NOT NULL DEFAULT '',
	secret       TEXT NOT NULL DEFAULT '',
	status       TEXT NOT NULL,            -- Queued, Done, Failed or Cancelled
	attempts     INTEGER NOT NULL DEFAULT 0,
	due          INTEGER NOT NULL,
	last_error   TEXT NOT NULL DEFAULT '',
	lease_holder TEXT NOT NULL DEFAULT '',
	lease_until  INTEGER NOT NULL DEFAULT 0,
	created      INTEGER NOT NULL,
	finished     INTEGER,
	expires      INTEGER
);
-- The workers' queues: each kind's queued jobs by when they are next due.
CREATE INDEX jobs_due ON jobs (kind, due, seq) WHERE status = 'Queued';
CREATE INDEX jobs_account ON jobs (account_id, seq);
CREATE INDEX jobs_user ON jobs (user_id) WHERE status = 'Queued';

INSERT INTO jobs (seq, id, kind, account_id, user_id, ref, payload, secret, status, attempts, due, last_error,
	lease_holder, lease_until, created, finished, expires)
SELECT m.seq, m.id, 'mail', m.account_id, coalesce(i.user_id, ''), m.invite_id,
	json_object('to', m.to_addr, 'replyTo', m.reply_to, 'subject', m.subject, 'messageId', m.message_id),
	CASE WHEN m.status = 'Queued' THEN json_object('text', m.text_body, 'html', m.html_body, 'link', m.link) ELSE '' END,
	CASE m.status WHEN 'Sent' THEN 'Done' ELSE m.status END,
	m.attempts, m.next_attempt, m.last_error, m.lease_holder, m.lease_until, m.created, m.sent, m.expires
FROM mails m LEFT JOIN invites i ON i.id = m.invite_id ORDER BY m.seq;

DROP TABLE mails;
