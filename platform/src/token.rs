//! Secrets handed to users — session tokens, links in mail, one-time codes — and the hashes
//! stored in their place. Only hashes reach the database: a leaked table opens no account.

use base64::{Engine as _, engine::general_purpose::URL_SAFE_NO_PAD};
use password_hash::rand_core::{OsRng, RngCore as _};
use sha2::{Digest as _, Sha256};

/// A new random 256-bit token, URL-safe base64 (43 characters).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A new random six-digit code, uniformly drawn (leading zeros kept).
pub fn new_code() -> String {
    // Rejection sampling: no modulo bias.
    const RANGE: u32 = 1_000_000;
    let zone = u32::MAX - u32::MAX % RANGE;
    loop {
        let value = OsRng.next_u32();
        if value < zone {
            return format!("{:06}", value % RANGE);
        }
    }
}

/// The stored form of a token: SHA-256, hex. Tokens carry 256 random bits, so a fast hash is
/// enough (no password-style stretching needed).
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// The stored form of a short code, bound to the record it belongs to so equal codes of
/// different records never share a hash.
pub fn hash_code(record_id: &str, code: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(record_id.as_bytes());
    hasher.update([0]);
    hasher.update(code.as_bytes());
    hex(&hasher.finalize())
}

/// Compares two strings in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq as _;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
        let _ = write!(out, "{b:02x}");
        out
    })
}

/// Opaque, URL-safe text for a value the client hands back unchanged (a page cursor).
pub fn to_opaque(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The bytes of [`to_opaque`] text, or `None` for text it did not produce.
pub fn from_opaque(text: &str) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(a.len(), 43);
        assert_ne!(a, b);
        assert!(a.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn codes_have_six_digits() {
        for _ in 0..200 {
            let code = new_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|c| c.is_ascii_digit()));
        }
    }

    #[test]
    fn hashes_are_stable_and_bound_to_their_record() {
        assert_eq!(hash_token("abc"), hash_token("abc"));
        assert_eq!(hash_token("abc").len(), 64);
        assert_ne!(hash_code("a", "123456"), hash_code("b", "123456"));
        assert!(constant_time_eq(&hash_token("x"), &hash_token("x")));
        assert!(!constant_time_eq("abc", "abd"));
    }
}
