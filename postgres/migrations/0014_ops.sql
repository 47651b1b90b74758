-- 0014_ops: the per-access-key token buckets that replicas share
-- when throttling is on (BELFRY_RATE_LIMIT; DECISIONS.md, "Throttling").
--
-- tokens is what the bucket held at updated; a replica refills it from the
-- time passed and takes a lease of tokens in one statement (postgres/ratebucket.go).
-- taken is what the last statement took, for it to return. The buckets are
-- worth nothing after a crash (they are full again within seconds), so the
-- table is UNLOGGED: its writes skip the WAL.

CREATE UNLOGGED TABLE rate_buckets (
	access_key_id text PRIMARY KEY,
	tokens        double precision NOT NULL,
	taken         integer NOT NULL,
	updated       timestamptz NOT NULL
);

-- The failed jobs of each kind, which the /metrics endpoint counts at every
-- scrape without reading the done ones (belfry.JobStatsStore).
CREATE INDEX jobs_failed ON jobs (kind) WHERE status = 'Failed';
