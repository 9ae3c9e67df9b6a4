//! One log line per request, in a span that names the method and the path only: a query
//! string can carry a GraphQL document with a password or variables with a preview token,
//! so it is never logged (poem's `Tracing` middleware logs the whole URI).

use std::time::Instant;

use poem::{Endpoint, IntoResponse, Request, Response, Result};
use tracing::Instrument;

/// Logs `req` (method, path, status, duration) at INFO, and server errors with their
/// message at ERROR.
pub async fn log<E: Endpoint>(next: E, req: Request) -> Result<Response> {
    let span = tracing::info_span!(
        "request",
        method = %req.method(),
        path = %req.uri().path(),
    );
    async move {
        let started = Instant::now();
        let outcome = next.call(req).await.map(IntoResponse::into_response);
        let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        match &outcome {
            Ok(res) => tracing::info!(status = res.status().as_u16(), duration_ms, "response"),
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
