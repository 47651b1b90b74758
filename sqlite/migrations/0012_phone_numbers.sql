-- 0012_phone_numbers: the pool of phone numbers, the AWS accounts'
-- inventories and their orders (issue 11, chime-behaviour.md §3.6).
--
-- A number is a row of the pool from its import on. status 'Available' is
-- a pool number no AWS account holds; an order's worker gives it to an AWS
-- account (aws_account_id, status 'Unassigned'); an association with a user
-- makes it 'Assigned'; a deletion puts it in the deletion queue
-- ('DeleteInProgress', deleted set) and, 7 days on, back into the pool.
-- area_code is the three digits after +1 of a North American number.

CREATE TABLE phone_numbers (
	seq                 INTEGER PRIMARY KEY AUTOINCREMENT,
	e164                TEXT NOT NULL UNIQUE,
	country             TEXT NOT NULL,
	type                TEXT NOT NULL,
	city                TEXT NOT NULL DEFAULT '',
	state               TEXT NOT NULL DEFAULT '',
	area_code           TEXT NOT NULL DEFAULT '',
	status              TEXT NOT NULL DEFAULT 'Available',
	aws_account_id      TEXT NOT NULL DEFAULT '',
	product_type        TEXT NOT NULL DEFAULT '',
	calling_name        TEXT NOT NULL DEFAULT '',
	calling_name_status TEXT NOT NULL DEFAULT '',
	calling_name_due    INTEGER,
	account_id          TEXT NOT NULL DEFAULT '',
	user_id             TEXT NOT NULL DEFAULT '',
	associated          INTEGER,
	created             INTEGER,
	updated             INTEGER,
	deleted             INTEGER
);
-- SearchAvailablePhoneNumbers: the free numbers by area code (or toll-free
-- prefix), by state and city, and by type, each in import order, so that a
-- page reads its own rows whatever the size of the pool.
CREATE INDEX phone_numbers_area ON phone_numbers (country, area_code, seq) WHERE status = 'Available';
CREATE INDEX phone_numbers_place ON phone_numbers (country, state, city, seq) WHERE status = 'Available';
CREATE INDEX phone_numbers_type ON phone_numbers (country, type, seq) WHERE status = 'Available';
-- ListPhoneNumbers: an AWS account's inventory in import order.
CREATE INDEX phone_numbers_owner ON phone_numbers (aws_account_id, seq);
-- The deletion queue, for the sweep that returns numbers to the pool.
CREATE INDEX phone_numbers_deleted ON phone_numbers (deleted) WHERE status = 'DeleteInProgress';

-- An order's numbers and what became of each are a JSON array of
-- {"E164", "Status"}, written whole when the worker fills the order.
CREATE TABLE phone_number_orders (
	seq            INTEGER PRIMARY KEY AUTOINCREMENT,
	id             TEXT NOT NULL UNIQUE,
	aws_account_id TEXT NOT NULL,
	product_type   TEXT NOT NULL,
	status         TEXT NOT NULL,
	numbers        TEXT NOT NULL,
	created        INTEGER NOT NULL,
	updated        INTEGER NOT NULL
);
CREATE INDEX phone_number_orders_owner ON phone_number_orders (aws_account_id, seq);
