//! `/graphql` following the GraphQL-over-HTTP spec: POST with JSON (or
//! `application/graphql`), GET with query parameters for queries only, responses in
//! `application/json` or `application/graphql-response+json` as the client accepts.

use async_graphql::{
    ServerError,
    http::{GraphiQLSource, MultipartOptions},
    parser::{parse_query, types::OperationType},
};
use poem::{
    Body, IntoResponse, Request, Response, handler,
    http::{Method, StatusCode, header},
    web::{Data, Html},
};

use super::{AppState, MAX_BODY_BYTES};
use crate::{graphql::RequestState, service};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The media type to answer in, from the Accept header (none → application/json).
fn negotiate(accept: Option<&str>) -> Option<&'static str> {
    let Some(accept) = accept else {
        return Some(JSON);
    };
    for part in accept.split(',') {
        let media = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            GRAPHQL_RESPONSE_JSON => return Some(GRAPHQL_RESPONSE_JSON),
            JSON | "application/*" | "*/*" => return Some(JSON),
            _ => {}
        }
    }
    None
}

fn error_response(status: StatusCode, media: &'static str, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [ { "message": message } ] });
    Response::builder()
        .status(status)
        .content_type(media)
        .body(body.to_string())
}

/// Whether the document's selected operation is a mutation or subscription.
fn is_write(query: &str, operation_name: Option<&str>) -> bool {
    let Ok(doc) = parse_query(query) else {
        return false; // The executor reports the syntax error.
    };
    doc.operations.iter().any(|(name, op)| {
        let selected = match (operation_name, name) {
            (Some(wanted), Some(n)) => n.as_str() == wanted,
            (None, _) => true,
            (Some(_), None) => false,
        };
        selected && op.node.ty != OperationType::Query
    })
}

#[handler]
pub async fn graphql(req: &Request, body: Body, state: Data<&AppState>) -> Response {
    let Some(media) = negotiate(req.header(header::ACCEPT)) else {
        return error_response(
            StatusCode::NOT_ACCEPTABLE,
            JSON,
            "accept application/json or application/graphql-response+json",
        );
    };
    let parsed = if req.method() == Method::GET {
        async_graphql::http::parse_query_string(req.uri().query().unwrap_or_default())
            .map_err(|e| e.to_string())
    } else {
        let bytes = match body.into_bytes_limit(MAX_BODY_BYTES).await {
            Ok(b) => b,
            Err(poem::error::ReadBodyError::PayloadTooLarge) => {
                let msg = format!("request body larger than {MAX_BODY_BYTES} bytes");
                return error_response(StatusCode::PAYLOAD_TOO_LARGE, media, &msg);
            }
            Err(e) => return error_response(StatusCode::BAD_REQUEST, media, &e.to_string()),
        };
        async_graphql::http::receive_body(
            req.content_type().map(str::to_owned),
            futures_util::io::Cursor::new(bytes),
            MultipartOptions::default(),
        )
        .await
        .map_err(|e| e.to_string())
    };
    let gql = match parsed {
        Ok(r) => r,
        Err(message) => return error_response(StatusCode::BAD_REQUEST, media, &message),
    };
    if req.method() == Method::GET && is_write(&gql.query, gql.operation_name.as_deref()) {
        let mut resp = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "mutations must be sent with POST",
        );
        resp.headers_mut()
            .insert(header::ALLOW, poem::http::HeaderValue::from_static("POST"));
        return resp;
    }

    let bearer = req.header(header::AUTHORIZATION).map(|h| {
        // Anything but a Bearer token is kept as is and fails when checked.
        h.strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
            .unwrap_or(h)
            .trim()
            .to_owned()
    });
    let authenticated = bearer.is_some();
    let client = client_address(req, state.trust_forwarded_for);
    let gql = gql.data(RequestState::new(
        state.db.clone(),
        service::now(),
        state.secret.clone(),
        bearer,
        client,
    ));
    let response = state.schema.execute(gql).await;

    let request_error = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response
            .errors
            .iter()
            .all(|e: &ServerError| e.path.is_empty());
    let status = if media == GRAPHQL_RESPONSE_JSON && request_error {
        StatusCode::BAD_REQUEST
    } else {
        StatusCode::OK
    };
    let body = if request_error {
        serde_json::json!({ "errors": response.errors })
    } else {
        serde_json::to_value(&response).unwrap_or_default()
    };
    let mut resp = Response::builder()
        .status(status)
        .content_type(media)
        .body(body.to_string());
    if authenticated {
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            poem::http::HeaderValue::from_static("private, no-store"),
        );
    } else if req.method() == Method::GET && response.errors.is_empty() {
        // Public reads are the same for everyone: let a CDN hold them briefly.
        resp.headers_mut().insert(
            header::CACHE_CONTROL,
            poem::http::HeaderValue::from_static("public, max-age=30, stale-while-revalidate=60"),
        );
    }
    resp
}

#[handler]
pub async fn graphiql() -> impl IntoResponse {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("quire GraphiQL")
            .finish(),
    )
}

/// The caller's address for rate limits: the peer, or, behind a trusted load balancer
/// or CDN, the left-most `X-Forwarded-For` entry (the address the proxy saw).
fn client_address(req: &Request, trust_forwarded_for: bool) -> String {
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
