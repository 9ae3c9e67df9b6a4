//! Answers to requests refused before or while running: each with an
//! `extensions.code`, the request's id as `extensions.requestId`, and the status its kind
//! calls for.

use poem::{
    Response,
    http::{StatusCode, header},
};
use serde_json::json;

use super::{apq::ApqError, availability, negotiate::JSON, request::RequestError, respond::VARY};

/// Why a request was not executed, or was stopped; each with an `extensions.code`.
/// Transport errors (bad JSON, too large, wrong method or media type) keep `status` in
/// both media types; GraphQL request errors are 200 in `application/json`, as legacy
/// clients expect, and `status` in `application/graphql-response+json`.
#[derive(Debug)]
pub struct Refusal {
    pub status: StatusCode,
    pub message: String,
    /// `extensions.code`: every refusal has one.
    pub code: &'static str,
    /// The request could not be read as GraphQL (bad JSON, too large, wrong method or
    /// media type), or was not run at all (rate limit, database unreachable): its status
    /// is kept in both media types.
    pub transport: bool,
    /// The methods to name in `Allow` (a 405).
    pub allow: Option<&'static str>,
    /// Seconds to name in `Retry-After` (a 429; a 503 always names
    /// [`availability::RETRY_AFTER_SECS`]).
    pub retry_after: Option<u64>,
}

impl Refusal {
    /// A GraphQL request error, with its `extensions.code`.
    pub fn graphql(status: StatusCode, message: String, code: &'static str) -> Self {
        Self {
            status,
            message,
            code,
            transport: false,
            allow: None,
            retry_after: None,
        }
    }

    /// The database cannot be reached: 503 in both media types, with `Retry-After`.
    pub fn unavailable() -> Self {
        Self {
            transport: true,
            ..Self::graphql(
                StatusCode::SERVICE_UNAVAILABLE,
                crate::error::AppError::Unavailable.to_string(),
                availability::CODE,
            )
        }
    }

    /// Too many uncached requests from one client: 429 in both media types, with
    /// `Retry-After` (whole seconds, at least 1).
    pub fn rate_limited(wait: std::time::Duration) -> Self {
        Self {
            transport: true,
            retry_after: Some(wait.as_secs() + u64::from(wait.subsec_nanos() > 0)),
            ..Self::graphql(
                StatusCode::TOO_MANY_REQUESTS,
                "too many requests from this client; try again shortly".into(),
                "RATE_LIMITED",
            )
        }
    }

    /// A request that could not be read as GraphQL; its code is named after `status`.
    pub fn transport(status: StatusCode, message: String) -> Self {
        let code = match status {
            StatusCode::METHOD_NOT_ALLOWED => "METHOD_NOT_ALLOWED",
            StatusCode::NOT_ACCEPTABLE => "NOT_ACCEPTABLE",
            StatusCode::PAYLOAD_TOO_LARGE => "PAYLOAD_TOO_LARGE",
            StatusCode::UNSUPPORTED_MEDIA_TYPE => "UNSUPPORTED_MEDIA_TYPE",
            _ => "BAD_REQUEST",
        };
        Self {
            status,
            message,
            code,
            transport: true,
            allow: None,
            retry_after: None,
        }
    }
}

impl From<RequestError> for Refusal {
    fn from(e: RequestError) -> Self {
        match e.code {
            Some(code) => Self::graphql(e.status, e.message, code),
            None => Self::transport(e.status, e.message),
        }
    }
}

impl From<ApqError> for Refusal {
    fn from(e: ApqError) -> Self {
        Self::graphql(StatusCode::BAD_REQUEST, e.message, e.code)
    }
}

/// The answer to a method `/graphql` does not take (PUT, DELETE, PATCH…).
pub fn method_not_allowed(request_id: Option<&str>) -> Response {
    refused(
        JSON,
        Refusal {
            allow: Some("GET, POST"),
            ..Refusal::transport(
                StatusCode::METHOD_NOT_ALLOWED,
                "send queries with GET or POST, mutations with POST".into(),
            )
        },
        request_id,
    )
}

/// The answer to a client that accepts neither JSON media type.
pub fn not_acceptable(request_id: Option<&str>) -> Response {
    refused(
        JSON,
        Refusal::transport(
            StatusCode::NOT_ACCEPTABLE,
            "accept application/json or application/graphql-response+json".into(),
        ),
        request_id,
    )
}

/// The answer to `r`, in `media`.
pub fn refused(media: &'static str, r: Refusal, request_id: Option<&str>) -> Response {
    let mut extensions = json!({ "code": r.code });
    if let Some(id) = request_id {
        extensions["requestId"] = json!(id);
    }
    let error = json!({ "message": r.message, "extensions": extensions });
    let status = match (r.transport, media) {
        (false, JSON) => StatusCode::OK,
        _ => r.status,
    };
    let mut builder = Response::builder()
        .status(status)
        .content_type(media)
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::VARY, VARY);
    if let Some(allow) = r.allow {
        builder = builder.header(header::ALLOW, allow);
    }
    if r.status == StatusCode::SERVICE_UNAVAILABLE {
        builder = builder.header(header::RETRY_AFTER, availability::RETRY_AFTER_SECS);
    }
    if let Some(secs) = r.retry_after {
        builder = builder.header(header::RETRY_AFTER, secs);
    }
    builder.body(json!({ "errors": [error] }).to_string())
}
