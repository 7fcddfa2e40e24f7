//! Table definitions shared by both backends (generated column types map onto both dialects).

diesel::table! {
    /// Named, expiring leases: at most one instance runs a periodic job at a time.
    job_leases (name) {
        name -> Text,
        holder -> Text,
        expires_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// People with an account. `email` is normalised (trimmed, lower-case) and unique.
    users (id) {
        id -> Text,
        email -> Text,
        email_verified_at -> Nullable<Timestamp>,
        password_hash -> Nullable<Text>,
        name -> Text,
        locale -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        banned_at -> Nullable<Timestamp>,
        ban_reason -> Nullable<Text>,
        banned_until -> Nullable<Timestamp>,
        time_zone -> Nullable<Text>,
        avatar_key -> Nullable<Text>,
        avatar_small_key -> Nullable<Text>,
    }
}

diesel::table! {
    /// Server-side sessions; the cookie holds the token, this table only its hash.
    sessions (id) {
        id -> Text,
        token_hash -> Text,
        user_id -> Text,
        user_agent -> Nullable<Text>,
        ip -> Nullable<Text>,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        impersonator_id -> Nullable<Text>,
    }
}

diesel::table! {
    /// Single-use tokens sent by mail (links and codes), stored hashed.
    auth_tokens (id) {
        id -> Text,
        user_id -> Text,
        purpose -> Text,
        token_hash -> Text,
        email -> Text,
        attempts -> Integer,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// Organizations: the tenants every scoped row belongs to.
    organizations (id) {
        id -> Text,
        name -> Text,
        slug -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        logo_key -> Nullable<Text>,
        logo_small_key -> Nullable<Text>,
        logo_bytes -> BigInt,
    }
}

diesel::table! {
    /// Who belongs to which organization, with which role.
    memberships (organization_id, user_id) {
        organization_id -> Text,
        user_id -> Text,
        role -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Who did what to whom in an organization, kept after both are gone.
    audit_log (id) {
        id -> Text,
        organization_id -> Text,
        actor_user_id -> Nullable<Text>,
        action -> Text,
        target_user_id -> Nullable<Text>,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Open invitations to join an organization; the mailed token is stored hashed.
    invitations (id) {
        id -> Text,
        organization_id -> Text,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// What platform administrators did (bans, session revocations, impersonation).
    admin_audit_log (id) {
        id -> Text,
        actor_user_id -> Nullable<Text>,
        action -> Text,
        target_user_id -> Nullable<Text>,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Todos: organization-scoped, soft-deleted (`deleted_at`) before they are purged.
    todos (id) {
        id -> Text,
        organization_id -> Text,
        title -> Text,
        description -> Nullable<Text>,
        priority -> Integer,
        due_date -> Nullable<Date>,
        assigned_to -> Nullable<Text>,
        completed -> Bool,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        deleted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    /// An organization's billing: its customer and subscription at the provider, the plan its
    /// limits follow (`entitled_plan` until `entitled_until`), the trial it used, its storage.
    billing_accounts (organization_id) {
        organization_id -> Text,
        provider -> Text,
        customer_id -> Nullable<Text>,
        subscription_id -> Nullable<Text>,
        plan -> Text,
        billing_interval -> Nullable<Text>,
        status -> Nullable<Text>,
        current_period_end -> Nullable<Timestamp>,
        cancel_at_period_end -> Bool,
        trial_used_at -> Nullable<Timestamp>,
        past_due_since -> Nullable<Timestamp>,
        entitled_plan -> Text,
        entitled_until -> Nullable<Timestamp>,
        storage_bytes -> BigInt,
        synced_at -> Nullable<Timestamp>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// Provider events already applied (their ids), written with their effect.
    billing_events (id) {
        id -> Text,
        organization_id -> Nullable<Text>,
        event_type -> Text,
        received_at -> Timestamp,
    }
}

diesel::table! {
    /// The local provider's checkout sessions.
    local_billing_sessions (id) {
        id -> Text,
        organization_id -> Text,
        customer_id -> Text,
        plan -> Text,
        billing_interval -> Text,
        trial -> Bool,
        status -> Text,
        card_last4 -> Nullable<Text>,
        subscription_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    /// The local provider's subscriptions.
    local_billing_subscriptions (id) {
        id -> Text,
        organization_id -> Text,
        customer_id -> Text,
        plan -> Text,
        billing_interval -> Text,
        status -> Text,
        card_last4 -> Text,
        current_period_start -> Timestamp,
        current_period_end -> Timestamp,
        cancel_at_period_end -> Bool,
        trial_end -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    /// The local provider's invoices (amounts in minor units; negative for a credit).
    local_billing_invoices (id) {
        id -> Text,
        organization_id -> Text,
        customer_id -> Text,
        subscription_id -> Text,
        number -> Text,
        description -> Text,
        amount_minor -> BigInt,
        currency -> Text,
        status -> Text,
        period_start -> Timestamp,
        period_end -> Timestamp,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Files attached to todos (the bytes live in the storage port under `storage_key`).
    todo_attachments (id) {
        id -> Text,
        organization_id -> Text,
        todo_id -> Text,
        storage_key -> Text,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        uploaded_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    /// Files to take out of storage: removed or replaced ones, and uploads in progress.
    file_removals (storage_key) {
        storage_key -> Text,
        organization_id -> Nullable<Text>,
        release_bytes -> BigInt,
        due_at -> Timestamp,
        attempts -> Integer,
        last_error -> Nullable<Text>,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(auth_tokens -> users (user_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(memberships -> organizations (organization_id));
diesel::joinable!(invitations -> organizations (organization_id));
diesel::joinable!(billing_accounts -> organizations (organization_id));
diesel::joinable!(todo_attachments -> todos (todo_id));
diesel::allow_tables_to_appear_in_same_query!(
    users,
    sessions,
    auth_tokens,
    organizations,
    memberships,
    audit_log,
    invitations,
    admin_audit_log,
    todos,
    billing_accounts,
    billing_events,
    local_billing_sessions,
    local_billing_subscriptions,
    local_billing_invoices,
    todo_attachments,
    file_removals
);
