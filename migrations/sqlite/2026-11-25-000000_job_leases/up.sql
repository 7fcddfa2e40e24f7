-- Named, expiring leases so that a periodic job runs on one instance at a time.
-- Timestamps are stored as ISO-8601 text in UTC (Diesel's SQLite Timestamp mapping).
CREATE TABLE job_leases (
    name       TEXT PRIMARY KEY NOT NULL,
    holder     TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
