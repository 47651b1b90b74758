-- 0015_users_email_index: one index on users' e-mail keys instead of two.
--
-- users had UNIQUE (account_id, email_key), for CreateUser and InviteUsers,
-- and, since 0009, an index on email_key alone, for sign-in requests. Each
-- new user's key lands on a leaf page of each that its neighbours in time
-- do not share. UNIQUE (email_key, account_id) serves both lookups, so the
-- second index goes (the SQLite store does the same).

ALTER TABLE users DROP CONSTRAINT users_email,
	ADD CONSTRAINT users_email UNIQUE (email_key, account_id);
DROP INDEX users_email_key;
