-- Billing: one account per organization (created with its first billing action), the provider
-- events already applied, and the local provider's own records.

-- plan: the subscribed plan (free, pro, business); status: the provider's subscription status
-- (active, trialing, past_due, canceled, incomplete; NULL before any). entitled_plan is what the
-- limits apply, until entitled_until (NULL: no end), computed when the state is stored.
-- While trialing, the trial ends with the current period. trial_used_at: a trial was started
-- once; never cleared. storage_bytes: files counted against
-- the plan. synced_at: when the stored provider state was read (older states are not applied).
CREATE TABLE billing_accounts (
    organization_id      TEXT PRIMARY KEY NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    provider             TEXT NOT NULL,
    customer_id          TEXT UNIQUE,
    subscription_id      TEXT,
    plan                 TEXT NOT NULL,
    billing_interval     TEXT,
    status               TEXT,
    current_period_end   TEXT,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
    trial_used_at        TEXT,
    past_due_since       TEXT,
    entitled_plan        TEXT NOT NULL,
    entitled_until       TEXT,
    storage_bytes        INTEGER NOT NULL DEFAULT 0,
    synced_at            TEXT,
    updated_at           TEXT NOT NULL
) STRICT;

-- Every provider event applied, stored in the transaction of its effect: a replay finds its id.
CREATE TABLE billing_events (
    id              TEXT PRIMARY KEY NOT NULL,
    organization_id TEXT,
    event_type      TEXT NOT NULL,
    received_at     TEXT NOT NULL
) STRICT;

-- The local provider (the embedded default): checkout sessions, subscriptions and invoices it
-- keeps as a payment provider would. organization_id is the provider's metadata, not a key.
-- status: open, action_required, complete, expired.
CREATE TABLE local_billing_sessions (
    id               TEXT PRIMARY KEY NOT NULL,
    organization_id  TEXT NOT NULL,
    customer_id      TEXT NOT NULL,
    plan             TEXT NOT NULL,
    billing_interval TEXT NOT NULL,
    trial            INTEGER NOT NULL,
    status           TEXT NOT NULL,
    card_last4       TEXT,
    subscription_id  TEXT,
    created_at       TEXT NOT NULL,
    expires_at       TEXT NOT NULL
) STRICT;
CREATE INDEX local_billing_sessions_org ON local_billing_sessions (organization_id, created_at);

CREATE TABLE local_billing_subscriptions (
    id                   TEXT PRIMARY KEY NOT NULL,
    organization_id      TEXT NOT NULL,
    customer_id          TEXT NOT NULL,
    plan                 TEXT NOT NULL,
    billing_interval     TEXT NOT NULL,
    status               TEXT NOT NULL,
    card_last4           TEXT NOT NULL,
    current_period_start TEXT NOT NULL,
    current_period_end   TEXT NOT NULL,
    cancel_at_period_end INTEGER NOT NULL DEFAULT 0,
    trial_end            TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;
CREATE INDEX local_billing_subscriptions_org ON local_billing_subscriptions (organization_id, created_at);
CREATE INDEX local_billing_subscriptions_period ON local_billing_subscriptions (current_period_end);

-- amount_minor: integer minor units of currency (ISO 4217, lower case); negative for a credit.
-- status: paid, open (payment failed or awaiting action).
CREATE TABLE local_billing_invoices (
    id               TEXT PRIMARY KEY NOT NULL,
    organization_id  TEXT NOT NULL,
    customer_id      TEXT NOT NULL,
    subscription_id  TEXT NOT NULL,
    number           TEXT NOT NULL,
    description      TEXT NOT NULL,
    amount_minor     INTEGER NOT NULL,
    currency         TEXT NOT NULL,
    status           TEXT NOT NULL,
    period_start     TEXT NOT NULL,
    period_end       TEXT NOT NULL,
    created_at       TEXT NOT NULL
) STRICT;
CREATE INDEX local_billing_invoices_org ON local_billing_invoices (organization_id, created_at);
