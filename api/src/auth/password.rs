//! Passwords hashed with argon2id (PHC strings), and verified in constant time.

use argon2::{
    Argon2,
    password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
};
use rand::RngCore;

use crate::error::{AppError, AppResult};

pub const MIN_LEN: usize = 8;

pub fn hash(password: &str) -> AppResult<String> {
    if password.chars().count() < MIN_LEN {
        return Err(AppError::bad_input(
            "password",
            format!("must be at least {MIN_LEN} characters"),
        ));
    }
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

/// Whether `password` matches `phc`. A malformed stored hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Spends the time of one verification, so unknown accounts answer as slowly as known ones.
pub fn verify_dummy(password: &str) {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$Gm3Q1wP0gWfQKkD2Jx3bS6fzPq1yC0C8N6i2iQm2v8Y";
    let _ = verify(password, DUMMY);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash("correct horse 배터리").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse 배터리", &h));
        assert!(!verify("wrong", &h));
        assert!(!verify("x", "not a phc string"));
        assert!(hash("short").is_err());
    }
}
