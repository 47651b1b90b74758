-- 0013_global_settings: the settings of an AWS account rather than of one
-- of its Chime accounts (issue 11): GetGlobalSettings' CDR buckets and
-- GetPhoneNumberSettings' default calling name.
--
-- An empty bucket name is no bucket. A row of phone_number_settings exists
-- once the calling name is first set; calling_name_updated bounds how soon
-- it may change again.

CREATE TABLE global_settings (
	aws_account_id              text PRIMARY KEY,
	business_calling_cdr_bucket text NOT NULL DEFAULT '',
	voice_connector_cdr_bucket  text NOT NULL DEFAULT ''
);

CREATE TABLE phone_number_settings (
	aws_account_id       text PRIMARY KEY,
	calling_name         text NOT NULL,
	calling_name_updated timestamptz NOT NULL
);
