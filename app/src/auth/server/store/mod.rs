//! Account storage: users, sessions and one-time tokens, one query text for both backends.

mod sessions;
mod tokens;
mod users;

pub use sessions::*;
pub use tokens::*;
pub use users::*;
