-- Accounts: users, their server-side sessions and the one-time tokens sent to them by mail.
-- Only hashes of session tokens, links and codes are stored.
-- Timestamps are ISO-8601 text in UTC (Diesel's SQLite Timestamp mapping).
CREATE TABLE users (
    id                TEXT PRIMARY KEY NOT NULL,
    -- Normalised: trimmed and lower-cased before it gets here.
    email             TEXT NOT NULL UNIQUE,
    email_verified_at TEXT,
    -- NULL for an account that has only ever signed in without a password.
    password_hash     TEXT,
    name              TEXT NOT NULL,
    locale            TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL
) STRICT;

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent   TEXT,
    ip           TEXT,
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
) STRICT;
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- purpose: verify_email, reset_password, magic_link, email_code, change_email.
-- email: the address the token was sent to (the new address for change_email).
CREATE TABLE auth_tokens (
    id         TEXT PRIMARY KEY NOT NULL,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    email      TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at    TEXT
) STRICT;
CREATE INDEX auth_tokens_token_hash ON auth_tokens (token_hash);
CREATE INDEX auth_tokens_user_purpose ON auth_tokens (user_id, purpose);
