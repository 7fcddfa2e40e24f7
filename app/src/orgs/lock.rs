//! The organization's write lock, for the transactions of any feature that change who
//! belongs to an organization.

/// Takes the write lock of an organization's row without changing it (a no-op `UPDATE`), so
/// concurrent changes to its memberships run one after the other: for a feature whose
/// transaction changes who belongs to an organization (joining by invitation, a seat limit).
macro_rules! lock_org {
    ($conn:expr, $org_id:expr) => {{
        use platform::db::schema::organizations;
        diesel::update(organizations::table.find($org_id))
            .set(organizations::updated_at.eq(organizations::updated_at))
            .execute($conn)
            .await
    }};
}
pub(crate) use lock_org;
