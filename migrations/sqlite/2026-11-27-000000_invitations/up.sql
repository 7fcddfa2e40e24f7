-- Pending invitations to join an organization. A row exists only while the invitation is
-- open: accepting, declining or cancelling it deletes the row (the audit log keeps the story).
-- One per (organization, email): inviting the address again replaces it.
CREATE TABLE invitations (
    id              TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- Normalised: trimmed and lower-cased.
    email           TEXT NOT NULL,
    -- admin, member or viewer (never owner: ownership is transferred, not granted by mail).
    role            TEXT NOT NULL,
    -- SHA-256 of the token in the mailed link.
    token_hash      TEXT NOT NULL UNIQUE,
    invited_by      TEXT REFERENCES users (id) ON DELETE SET NULL,
    created_at      TEXT NOT NULL,
    expires_at      TEXT NOT NULL,
    UNIQUE (organization_id, email)
) STRICT;
CREATE INDEX invitations_email ON invitations (email);
CREATE INDEX invitations_expires_at ON invitations (expires_at);
