-- 0014_ops: the failed jobs of each kind, which the /metrics endpoint counts
-- at every scrape without reading the done ones (belfry.JobStatsStore).
--
-- PostgreSQL's 0014 also makes the token buckets that its replicas share;
-- one SQLite server keeps its buckets in memory (api.LocalThrottle).
CREATE INDEX jobs_failed ON jobs (kind) WHERE status = 'Failed';
