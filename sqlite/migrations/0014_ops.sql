-- 0014_ops: nothing on SQLite. PostgreSQL keeps the token buckets
-- that its replicas share there; one SQLite server keeps its buckets in
-- memory (api.LocalThrottle). The file keeps the two stores' migrations
-- numbered alike.
SELECT 1;
