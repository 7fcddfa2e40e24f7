-- Who did what to whom, per organization. No foreign keys: the record outlives the organization
-- and the people it names. Ids are UUIDv7, so ordering by id is ordering by time.
CREATE TABLE audit_log (
    id              TEXT PRIMARY KEY,
    organization_id TEXT NOT NULL,
    actor_user_id   TEXT,
    action          TEXT NOT NULL,
    target_user_id  TEXT,
    -- A JSON object with the action's particulars (old and new name, role…).
    details         TEXT NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX audit_log_org_id ON audit_log (organization_id, id);
