-- 0006_write_probe: one row that the readiness check rewrites when no real
-- write has succeeded lately, to learn whether writes still work (issue 8;
-- see internal/readiness), as sqlite/migrations/0006_write_probe.sql has it.
-- Replicas share the row; each rewrites it at most every few seconds.
CREATE TABLE write_probe (
	id        integer PRIMARY KEY CHECK (id = 1),
	probed_at timestamptz NOT NULL
);
INSERT INTO write_probe (id, probed_at) VALUES (1, 'epoch');
