-- Todos, the reference feature: every row belongs to one organization, every query names it.
-- priority: 1 low, 3 medium, 5 high, 7 urgent. deleted_at: soft delete (undo, then purge).
CREATE TABLE todos (
    id              TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    title           TEXT NOT NULL,
    description     TEXT,
    priority        INTEGER NOT NULL,
    due_date        TEXT,
    assigned_to     TEXT REFERENCES users (id) ON DELETE SET NULL,
    completed       INTEGER NOT NULL DEFAULT 0,
    created_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    deleted_at      TEXT
) STRICT;
-- One index per sort key, each ending in the id (the keyset tie-breaker).
CREATE INDEX todos_org_created ON todos (organization_id, created_at, id);
CREATE INDEX todos_org_due ON todos (organization_id, due_date, id);
CREATE INDEX todos_org_priority ON todos (organization_id, priority, id);
CREATE INDEX todos_org_title ON todos (organization_id, title, id);
CREATE INDEX todos_deleted_at ON todos (deleted_at) WHERE deleted_at IS NOT NULL;
