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
