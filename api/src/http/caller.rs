//! Who is calling, as far as the HTTP layer can tell: the bearer token (kept as sent and
//! checked only when a resolver needs the caller, so a stale token never breaks public
//! reads) and the client address that rate limits count by.

use poem::{Request, http::header};

/// The token of the `Authorization` header, if there is one. Anything but a Bearer token
/// is kept as is and fails when checked.
pub fn bearer(req: &Request) -> Option<String> {
    req.header(header::AUTHORIZATION).map(|h| {
        h.strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
            .unwrap_or(h)
            .trim()
            .to_owned()
    })
}

/// Whether the request carries no credentials at all (only such answers are shared).
pub fn is_anonymous(req: &Request) -> bool {
    !req.headers().contains_key(header::AUTHORIZATION)
}

/// The caller's address for rate limits: the peer, or, behind a trusted load balancer
/// or CDN, the left-most `X-Forwarded-For` entry (the address the proxy saw).
pub fn client_address(req: &Request, trust_forwarded_for: bool) -> String {
    let forwarded = trust_forwarded_for
        .then(|| req.header("x-forwarded-for"))
        .flatten()
        .and_then(|h| h.split(',').next())
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match forwarded {
        Some(f) => f.to_owned(),
        None => req
            .remote_addr()
            .as_socket_addr()
            .map(|a| a.ip().to_string())
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_header(name: &'static str, value: &'static str) -> Request {
        Request::builder().header(name, value).finish()
    }

    #[test]
    fn a_bearer_token_is_taken_from_either_spelling_and_others_are_kept() {
        let token = |v| bearer(&with_header("authorization", v));
        assert_eq!(token("Bearer abc ").as_deref(), Some("abc"));
        assert_eq!(token("bearer abc").as_deref(), Some("abc"));
        assert_eq!(token("Basic xyz").as_deref(), Some("Basic xyz"));
        assert_eq!(bearer(&Request::default()), None);
        assert!(is_anonymous(&Request::default()));
    }

    #[test]
    fn the_forwarded_address_counts_only_when_trusted() {
        let req = with_header("x-forwarded-for", " 203.0.113.7 , 10.0.0.1");
        assert_eq!(client_address(&req, true), "203.0.113.7");
        assert_eq!(client_address(&req, false), "");
    }
}
