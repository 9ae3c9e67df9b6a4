//! Secret bytes that never appear in logs, random tokens, and one-way hashes of them.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use hmac::{Hmac, Mac};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::{AppError, AppResult};

/// Key material; `Debug` prints `[redacted]`.
#[derive(Clone)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// The minimum length of a signing secret (RFC 7518 §3.2: at least the hash size).
    pub const MIN_LEN: usize = 32;

    pub fn new(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }

    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// HMAC-SHA256 of `message` under this secret, base64url.
    pub fn derive(&self, message: &str) -> AppResult<String> {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.0)
            .map_err(|e| AppError::Internal(format!("hmac key: {e}")))?;
        mac.update(message.as_bytes());
        Ok(URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// `n` random bytes, base64url (no padding).
pub fn random_token(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// `n` random bytes, lowercase hex: for public identifiers that are typed as command
/// arguments, which must never start with `-` (base64url can).
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rng().fill_bytes(&mut bytes);
    hex(&bytes)
}

/// SHA-256 of a token, hex; what the database keeps of refresh tokens.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
