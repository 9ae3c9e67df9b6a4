//! One log line per request, in a span that names the request id, the method and the
//! path only: a query string can carry a GraphQL document with a password or variables
//! with a preview token, so it is never logged (poem's `Tracing` middleware logs the
//! whole URI).
//!
//! Every request has an id: the `x-request-id` a trusted proxy sent (behind
//! `--trust-forwarded-for`, when it is short and plain), or a new one. It is in every
//! log line of the request (the span), in the `x-request-id` response header, and in
//! every error's `extensions.requestId` (see [`super::respond`]).

use std::time::Instant;

use poem::{
    Endpoint, IntoResponse, Request, Response, Result,
    http::{HeaderName, HeaderValue},
};
use tracing::Instrument;

pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The id of the request being served (a request extension).
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

impl RequestId {
    /// The id a proxy sent, when it is trusted and the id is plain (at most 64 letters,
    /// digits, `-`, `_`, `.`), else a new one.
    fn of(req: &Request, trust_proxy: bool) -> Self {
        let sent = req
            .header(&REQUEST_ID)
            .filter(|_| trust_proxy)
            .filter(|id| {
                !id.is_empty()
                    && id.len() <= 64
                    && id
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            });
        Self(sent.map_or_else(|| uuid::Uuid::new_v4().simple().to_string(), str::to_owned))
    }
}

/// The id of `req` (set by [`log`]).
pub fn request_id(req: &Request) -> Option<&str> {
    req.extensions().get::<RequestId>().map(|id| id.0.as_str())
}

/// Logs `req` (request id, method, path, status, duration) at INFO, and server errors
/// with their message at ERROR.
pub async fn log<E: Endpoint>(next: E, mut req: Request, trust_proxy: bool) -> Result<Response> {
    let id = RequestId::of(&req, trust_proxy);
    let span = tracing::info_span!(
        "request",
        request_id = %id.0,
        method = %req.method(),
        path = %req.uri().path(),
    );
    let header = HeaderValue::from_str(&id.0).ok();
    req.extensions_mut().insert(id);
    async move {
        let started = Instant::now();
        let mut outcome = next.call(req).await.map(IntoResponse::into_response);
        let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        match &mut outcome {
            Ok(res) => {
                tracing::info!(status = res.status().as_u16(), duration_ms, "response");
                if let Some(h) = header {
                    res.headers_mut().insert(REQUEST_ID, h);
                }
            }
            // A client's mistake may quote what it sent: only the status is logged.
            Err(e) if !e.status().is_server_error() => {
                tracing::info!(status = e.status().as_u16(), duration_ms, "response");
            }
            Err(e) => {
                tracing::error!(status = e.status().as_u16(), error = %e, duration_ms, "error")
            }
        }
        outcome
    }
    .instrument(span)
    .await
}
