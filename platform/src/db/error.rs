//! Database failures, classified once so the application can map them to user-facing codes.

use diesel::result::{DatabaseErrorKind, Error as DieselError};
use diesel_async::pooled_connection::{PoolError as ManagerError, deadpool::PoolError};

/// What went wrong talking to the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// The row asked for does not exist.
    #[error("record not found")]
    NotFound,
    /// A unique constraint refused the write.
    #[error("unique constraint violated: {constraint}")]
    UniqueViolation {
        /// The constraint (PostgreSQL) or the columns (SQLite) that refused it.
        constraint: String,
    },
    /// No connection within the timeout, the server is unreachable, or SQLite stayed locked.
    #[error("database unavailable: {0}")]
    Unavailable(String),
    /// Anything else: a bug or an unexpected database state.
    #[error("database error: {0}")]
    Other(#[source] DieselError),
}

impl From<DieselError> for DbError {
    fn from(error: DieselError) -> Self {
        match error {
            DieselError::NotFound => Self::NotFound,
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                let constraint = info
                    .constraint_name()
                    .map_or_else(|| info.message().to_owned(), ToOwned::to_owned);
                Self::UniqueViolation { constraint }
            }
            DieselError::DatabaseError(DatabaseErrorKind::ClosedConnection, info) => {
                Self::Unavailable(info.message().to_owned())
            }
            DieselError::DatabaseError(_, ref info)
                if info.message().contains("database is locked")
                    || info.message().contains("database is busy") =>
            {
                Self::Unavailable(info.message().to_owned())
            }
            other => Self::Other(other),
        }
    }
}

impl From<PoolError> for DbError {
    fn from(error: PoolError) -> Self {
        match error {
            PoolError::Backend(ManagerError::QueryError(e)) => Self::from(e),
            other => Self::Unavailable(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diesel_not_found_is_not_found() {
        assert!(matches!(DbError::from(DieselError::NotFound), DbError::NotFound));
    }

    #[test]
    fn unknown_errors_stay_other() {
        let e = DbError::from(DieselError::RollbackTransaction);
        assert!(matches!(e, DbError::Other(_)));
    }
}
