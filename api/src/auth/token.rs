//! JSON Web Tokens, validated strictly (RFC 8725): HS256 only, signature, `exp`
//! (required, 30 s leeway), `nbf`, `iat`, `iss` and `aud` all checked.
//!
//! Three kinds share the rules: access tokens quire issues at login (aud `quire`), tokens
//! admin scripts sign with an API key (header `kid`, aud `quire-admin`, at most five
//! minutes of life, as Ghost's Admin API), and preview tokens for one draft
//! (aud `quire-preview`).

use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};

use super::Secret;
use crate::error::{AppError, AppResult};

pub const ISSUER: &str = "quire";
pub const AUDIENCE: &str = "quire";
pub const ADMIN_AUDIENCE: &str = "quire-admin";
pub const PREVIEW_AUDIENCE: &str = "quire-preview";
pub const ACCESS_TTL_SECS: i64 = 15 * 60;
pub const PREVIEW_TTL_SECS: i64 = 60 * 60;
/// How far ahead an API-key token's `exp` may be.
pub const ADMIN_MAX_TTL_SECS: i64 = 5 * 60;
pub const LEEWAY_SECS: u64 = 30;

/// Claims of an access token.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct AccessClaims {
    pub sub: String,
    pub role: String,
    pub iat: i64,
    pub nbf: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
}

/// Claims an admin script puts in its API-key token.
#[derive(Debug, Clone, Deserialize)]
pub struct AdminClaims {
    pub iat: i64,
    pub exp: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct PreviewClaims {
    sub: String,
    iat: i64,
    nbf: i64,
    exp: i64,
    iss: String,
    aud: String,
}

/// What a bearer token claims to be, before its signature is checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Access,
    /// Signed with the API key named by `kid`.
    ApiKey(String),
}

fn invalid() -> AppError {
    AppError::Unauthenticated
}

/// Reads the header only: the algorithm must be HS256; a `kid` marks an API-key token.
pub fn kind(token: &str) -> AppResult<Kind> {
    let header = decode_header(token).map_err(|_| invalid())?;
    if header.alg != Algorithm::HS256 {
        return Err(invalid());
    }
    // Explicit typing (RFC 8725 §3.11): absent, or a plain JWT.
    if header
        .typ
        .as_deref()
        .is_some_and(|t| !t.eq_ignore_ascii_case("JWT"))
    {
        return Err(invalid());
    }
    Ok(match header.kid {
        Some(kid) => Kind::ApiKey(kid),
        None => Kind::Access,
    })
}

fn validation(audience: &str, issuer: Option<&str>) -> Validation {
    let mut v = Validation::new(Algorithm::HS256);
    v.leeway = LEEWAY_SECS;
    v.validate_exp = true;
    v.validate_nbf = true;
    v.set_audience(&[audience]);
    let mut required = vec!["exp", "iat", "aud"];
    if let Some(iss) = issuer {
        v.set_issuer(&[iss]);
        required.extend(["iss", "sub", "nbf"]);
    }
    v.set_required_spec_claims(&required);
    v
}

/// `iat` may not lie in the future (beyond the leeway).
fn check_iat(iat: i64, now: i64) -> AppResult<()> {
    if iat > now + LEEWAY_SECS as i64 {
        return Err(invalid());
    }
    Ok(())
}

pub fn issue_access(
    secret: &Secret,
    user_id: i64,
    role: &str,
    now: i64,
) -> AppResult<(String, i64)> {
    let claims = AccessClaims {
        sub: user_id.to_string(),
        role: role.to_owned(),
        iat: now,
        nbf: now,
        exp: now + ACCESS_TTL_SECS,
        iss: ISSUER.to_owned(),
        aud: AUDIENCE.to_owned(),
        jti: uuid::Uuid::new_v4().to_string(),
    };
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.expose()),
    )
    .map_err(|e| AppError::Internal(format!("signing a token: {e}")))?;
    Ok((token, claims.exp))
}

/// Verifies an access token and returns the user ID it names.
pub fn verify_access(token: &str, secret: &Secret, now: i64) -> AppResult<i64> {
    let data = decode::<AccessClaims>(
        token,
        &DecodingKey::from_secret(secret.expose()),
        &validation(AUDIENCE, Some(ISSUER)),
    )
    .map_err(|_| invalid())?;
    check_iat(data.claims.iat, now)?;
    data.claims.sub.parse().map_err(|_| invalid())
}

/// Verifies a token an admin script signed with its API key's secret.
pub fn verify_api_key(token: &str, key_secret: &str, now: i64) -> AppResult<()> {
    let data = decode::<AdminClaims>(
        token,
        &DecodingKey::from_secret(key_secret.as_bytes()),
        &validation(ADMIN_AUDIENCE, None),
    )
    .map_err(|_| invalid())?;
    check_iat(data.claims.iat, now)?;
    if data.claims.exp > now + ADMIN_MAX_TTL_SECS + LEEWAY_SECS as i64 {
        return Err(invalid());
    }
    Ok(())
}

pub fn issue_preview(secret: &Secret, post_id: i64, now: i64) -> AppResult<(String, i64)> {
    let claims = PreviewClaims {
        sub: post_id.to_string(),
        iat: now,
        nbf: now,
        exp: now + PREVIEW_TTL_SECS,
        iss: ISSUER.to_owned(),
        aud: PREVIEW_AUDIENCE.to_owned(),
    };
    let token = encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret.expose()),
    )
    .map_err(|e| AppError::Internal(format!("signing a token: {e}")))?;
    Ok((token, claims.exp))
}

/// Verifies a preview token and returns the post ID it opens.
pub fn verify_preview(token: &str, secret: &Secret, now: i64) -> AppResult<i64> {
    if kind(token)? != Kind::Access {
        return Err(invalid());
    }
    let data = decode::<PreviewClaims>(
        token,
        &DecodingKey::from_secret(secret.expose()),
        &validation(PREVIEW_AUDIENCE, Some(ISSUER)),
    )
    .map_err(|_| invalid())?;
    check_iat(data.claims.iat, now)?;
    data.claims.sub.parse().map_err(|_| invalid())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret() -> Secret {
        Secret::new(b"0123456789abcdef0123456789abcdef".to_vec())
    }

    #[test]
    fn access_tokens_round_trip_and_expire() {
        let now = 1_800_000_000;
        let (t, exp) = issue_access(&secret(), 7, "EDITOR", now).unwrap();
        assert_eq!(exp, now + ACCESS_TTL_SECS);
        assert_eq!(kind(&t).unwrap(), Kind::Access);
        // jsonwebtoken checks exp against the real clock; a token issued "in 2027" is
        // valid now only if the clock says so, so check with a token issued now.
        let real_now = chrono::Utc::now().timestamp();
        let (t, _) = issue_access(&secret(), 7, "EDITOR", real_now).unwrap();
        assert_eq!(verify_access(&t, &secret(), real_now).unwrap(), 7);
        assert!(
            verify_access(
                &t,
                &Secret::new(b"another-secret-of-32-bytes-length".to_vec()),
                real_now
            )
            .is_err()
        );
        let (old, _) =
            issue_access(&secret(), 7, "EDITOR", real_now - ACCESS_TTL_SECS - 120).unwrap();
        assert!(verify_access(&old, &secret(), real_now).is_err());
    }

    #[test]
    fn preview_tokens_are_not_access_tokens() {
        let now = chrono::Utc::now().timestamp();
        let (p, _) = issue_preview(&secret(), 9, now).unwrap();
        assert_eq!(verify_preview(&p, &secret(), now).unwrap(), 9);
        assert!(verify_access(&p, &secret(), now).is_err());
        let (a, _) = issue_access(&secret(), 9, "ADMIN", now).unwrap();
        assert!(verify_preview(&a, &secret(), now).is_err());
    }
}
