-- 0013_global_settings: the settings of an AWS account rather than of one
-- of its Chime accounts (issue 11): GetGlobalSettings' CDR buckets and
-- GetPhoneNumberSettings' default calling name.
--
-- An empty bucket name is no bucket. A row of phone_number_settings exists
-- once the calling name is first set; calling_name_updated (Unix
-- microseconds) bounds how soon it may change again.

CREATE TABLE global_settings (
	aws_account_id              TEXT PRIMARY KEY,
	business_calling_cdr_bucket TEXT NOT NULL DEFAULT '',
	voice_connector_cdr_bucket  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE phone_number_settings (
	aws_account_id       TEXT PRIMARY KEY,
	calling_name         TEXT NOT NULL,
	calling_name_updated INTEGER NOT NULL
);
