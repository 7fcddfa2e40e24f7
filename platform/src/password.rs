//! Password hashing: argon2id with OWASP's parameters (19 MiB, 2 passes, 1 lane), computed on
//! the blocking pool so a sign-in never stalls the async runtime.

use argon2::{Algorithm, Argon2, Params, PasswordHash, PasswordVerifier, Version};
use password_hash::{PasswordHasher as _, SaltString, rand_core::OsRng};

use crate::config::Secret;

/// Memory cost in KiB (OWASP: at least 19 MiB).
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over memory.
pub const ITERATIONS: u32 = 2;
/// Lanes.
pub const PARALLELISM: u32 = 1;

/// Why a password could not be hashed or checked.
#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    /// The stored hash is not a valid PHC string (a bug or a corrupt row).
    #[error("stored password hash is malformed: {0}")]
    MalformedHash(password_hash::Error),
    /// Hashing itself failed.
    #[error("password hashing failed: {0}")]
    Hashing(password_hash::Error),
    /// The blocking task did not complete.
    #[error("password hashing task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// The outcome of checking a password against a stored hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verification {
    /// Whether the password matches.
    pub matches: bool,
    /// Whether the stored hash uses other parameters than today's and should be replaced
    /// (only meaningful when `matches`).
    pub needs_rehash: bool,
}

fn hasher() -> Argon2<'static> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .unwrap_or_else(|_| Params::default());
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes `password` with a fresh random salt into a PHC string (`$argon2id$v=19$m=…`).
pub async fn hash_password(password: Secret) -> Result<String, PasswordError> {
    tokio::task::spawn_blocking(move || hash_blocking(password.expose())).await?
}

/// Checks `password` against `stored` (a PHC string) in constant time.
pub async fn verify_password(
    password: Secret,
    stored: String,
) -> Result<Verification, PasswordError> {
    tokio::task::spawn_blocking(move || verify_blocking(password.expose(), &stored)).await?
}

/// Synchronous hashing, for benchmarks and blocking contexts.
pub fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|hash| hash.to_string())
        .map_err(PasswordError::Hashing)
}

/// Synchronous verification, for benchmarks and blocking contexts.
pub fn verify_blocking(password: &str, stored: &str) -> Result<Verification, PasswordError> {
    let parsed = PasswordHash::new(stored).map_err(PasswordError::MalformedHash)?;
    let matches = hasher().verify_password(password.as_bytes(), &parsed).is_ok();
    let current = parsed.algorithm.as_str() == Algorithm::Argon2id.ident().as_str()
        && Params::try_from(&parsed).is_ok_and(|p| {
            p.m_cost() == MEMORY_KIB && p.t_cost() == ITERATIONS && p.p_cost() == PARALLELISM
        });
    Ok(Verification { matches, needs_rehash: matches && !current })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_only_its_own_password() {
        let hash = hash_password(Secret::new("correct horse battery staple")).await.expect("hash");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{hash}");
        let right = verify_password(Secret::new("correct horse battery staple"), hash.clone())
            .await
            .expect("verify");
        assert_eq!(right, Verification { matches: true, needs_rehash: false });
        let wrong = verify_password(Secret::new("correct horse battery stapler"), hash)
            .await
            .expect("verify");
        assert_eq!(wrong, Verification { matches: false, needs_rehash: false });
    }

    #[test]
    fn salts_differ_between_hashes() {
        assert_ne!(hash_blocking("same").expect("hash"), hash_blocking("same").expect("hash"));
    }

    #[test]
    fn weaker_parameters_ask_for_a_rehash() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).expect("params"),
        );
        let salt = SaltString::generate(&mut OsRng);
        let stored = weak.hash_password(b"secret", &salt).expect("hash").to_string();
        let result = verify_blocking("secret", &stored).expect("verify");
        assert_eq!(result, Verification { matches: true, needs_rehash: true });
    }

    #[test]
    fn a_malformed_hash_is_an_error_not_a_match() {
        assert!(matches!(verify_blocking("x", "not-a-hash"), Err(PasswordError::MalformedHash(_))));
    }
}
