-- Files: avatars, organization logos and todo attachments live in the storage port under keys
-- the server made; these rows are what points at them and what they cost.

-- A person's picture, 256 px and 64 px (NULL: initials are shown).
ALTER TABLE users ADD COLUMN avatar_key TEXT;
ALTER TABLE users ADD COLUMN avatar_small_key TEXT;

-- An organization's logo, 256 px and 64 px; logo_bytes: both sizes together, counted in its
-- storage usage.
ALTER TABLE organizations ADD COLUMN logo_key TEXT;
ALTER TABLE organizations ADD COLUMN logo_small_key TEXT;
ALTER TABLE organizations ADD COLUMN logo_bytes INTEGER NOT NULL DEFAULT 0;

-- Files attached to a todo: hidden with it while it is soft-deleted, back with undo, removed
-- (and released from the organization's usage) when it is purged. file_name is the uploader's
-- name, kept as metadata only (never part of a key); content_type as declared, for the list.
CREATE TABLE todo_attachments (
    id              TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    todo_id         TEXT NOT NULL REFERENCES todos (id) ON DELETE CASCADE,
    storage_key     TEXT NOT NULL UNIQUE,
    file_name       TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    uploaded_by     TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL
) STRICT;
CREATE INDEX todo_attachments_todo ON todo_attachments (organization_id, todo_id, created_at);

-- Files to take out of storage. A replaced or removed file is written here in the transaction
-- that stops pointing at it (due at once); an upload in progress is written here before its
-- first byte is stored (due when it would have timed out) and taken off when its record is
-- saved, so a crash leaves nothing behind. The maintenance job removes what is due, retrying
-- failures. release_bytes: still counted against organization_id until the removal is done.
CREATE TABLE file_removals (
    storage_key     TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT,
    release_bytes   INTEGER NOT NULL DEFAULT 0,
    due_at          TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT
) STRICT;
CREATE INDEX file_removals_due ON file_removals (due_at);

-- A row that points at files, deleted by any path (a purge, an organization or account deleted
-- and its cascades), records their removal in the same transaction; an attachment also
-- releases its bytes from its organization's usage.
CREATE TRIGGER todo_attachments_removed AFTER DELETE ON todo_attachments
BEGIN
    INSERT OR IGNORE INTO file_removals (storage_key, release_bytes, due_at)
    VALUES (OLD.storage_key, 0, strftime('%Y-%m-%d %H:%M:%f', 'now'));
    UPDATE billing_accounts SET storage_bytes = max(storage_bytes - OLD.size_bytes, 0)
    WHERE organization_id = OLD.organization_id;
END;

CREATE TRIGGER organizations_logo_removed AFTER DELETE ON organizations
WHEN OLD.logo_key IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO file_removals (storage_key, release_bytes, due_at)
    VALUES (OLD.logo_key, 0, strftime('%Y-%m-%d %H:%M:%f', 'now')),
           (OLD.logo_small_key, 0, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;

CREATE TRIGGER users_avatar_removed AFTER DELETE ON users
WHEN OLD.avatar_key IS NOT NULL
BEGIN
    INSERT OR IGNORE INTO file_removals (storage_key, release_bytes, due_at)
    VALUES (OLD.avatar_key, 0, strftime('%Y-%m-%d %H:%M:%f', 'now')),
           (OLD.avatar_small_key, 0, strftime('%Y-%m-%d %H:%M:%f', 'now'));
END;
