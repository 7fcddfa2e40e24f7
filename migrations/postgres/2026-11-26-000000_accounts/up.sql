-- Accounts: users, their server-side sessions and the one-time tokens sent to them by mail.
-- Only hashes of session tokens, links and codes are stored.
CREATE TABLE users (
    id                TEXT PRIMARY KEY,
    -- Normalised: trimmed and lower-cased before it gets here.
    email             TEXT NOT NULL UNIQUE,
    email_verified_at TIMESTAMP,
    -- NULL for an account that has only ever signed in without a password.
    password_hash     TEXT,
    name              TEXT NOT NULL,
    locale            TEXT NOT NULL,
    created_at        TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL
);

CREATE TABLE sessions (
    id           TEXT PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    user_agent   TEXT,
    ip           TEXT,
    created_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);
CREATE INDEX sessions_expires_at ON sessions (expires_at);

-- purpose: verify_email, reset_password, magic_link, email_code, change_email.
-- email: the address the token was sent to (the new address for change_email).
CREATE TABLE auth_tokens (
    id         TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT NOT NULL,
    token_hash TEXT NOT NULL,
    email      TEXT NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX auth_tokens_token_hash ON auth_tokens (token_hash);
CREATE INDEX auth_tokens_user_purpose ON auth_tokens (user_id, purpose);
