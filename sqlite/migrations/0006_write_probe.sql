-- 0006_write_probe: one row that the readiness check rewrites when no real
-- write has succeeded lately, to learn whether writes still work (issue 8;
-- see internal/readiness).
CREATE TABLE write_probe (
	id        INTEGER PRIMARY KEY CHECK (id = 1),
	probed_at INTEGER NOT NULL -- unix microseconds
);
INSERT INTO write_probe (id, probed_at) VALUES (1, 0);
