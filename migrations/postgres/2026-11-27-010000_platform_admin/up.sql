-- Platform administration: bans, impersonation, and the platform's own audit log.
-- A banned account cannot sign in and has no sessions; banned_until NULL means until lifted.
ALTER TABLE users ADD COLUMN banned_at TIMESTAMP;
ALTER TABLE users ADD COLUMN ban_reason TEXT;
ALTER TABLE users ADD COLUMN banned_until TIMESTAMP;

-- Set on a session an administrator opened to act as the user (at most an hour).
ALTER TABLE sessions ADD COLUMN impersonator_id TEXT REFERENCES users (id) ON DELETE CASCADE;

-- What administrators did, kept after the people it names are gone.
CREATE TABLE admin_audit_log (
    id             TEXT PRIMARY KEY,
    actor_user_id  TEXT,
    action         TEXT NOT NULL,
    target_user_id TEXT,
    details        TEXT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
