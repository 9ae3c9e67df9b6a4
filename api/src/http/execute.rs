//! Running a request's document: parse it once (or take it from the parse cache) and
//! check it against the document limits, refuse mutations sent with GET, then execute
//! the selected operation with the request's state. A query must finish within the
//! query time limit; a mutation runs to the end and then refreshes the response cache's
//! clock, so this server's own write shows at once.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use async_graphql::{
    Variables,
    parser::{
        Error as ParseError, parse_query,
        types::{ExecutableDocument, OperationType},
    },
};
use chrono::{DateTime, Utc};
use poem::{Request, http::StatusCode};

use super::{AppState, apq::Document, caller, documents, order, request::Params, respond::Refusal};
use crate::graphql::{RequestState, limits, whole_document};

/// A document ready to run: parsed, within the limits, and its operation's type.
pub struct Prepared {
    parsed: Arc<ExecutableDocument>,
    operation: Option<OperationType>,
}

/// Parses `document` (or takes it from the parse cache) and checks that it may run
/// with this method.
pub fn prepare(
    state: &AppState,
    document: &Document,
    operation_name: Option<&str>,
    is_get: bool,
) -> Result<Prepared, Refusal> {
    let parsed = match state.documents.get(&document.sha256) {
        Some(doc) => doc,
        None => {
            let doc = Arc::new(parse_and_check(&document.text, state)?);
            state
                .documents
                .put(document.sha256.clone(), document.text.len(), doc.clone());
            doc
        }
    };
    let operation = order::operation(&parsed, operation_name).map(|op| op.node.ty);
    if is_get
        && matches!(
            operation,
            Some(OperationType::Mutation | OperationType::Subscription)
        )
    {
        return Err(Refusal {
            allow: Some("POST"),
            ..Refusal::transport(
                StatusCode::METHOD_NOT_ALLOWED,
                "mutations must be sent with POST".into(),
            )
        });
    }
    Ok(Prepared { parsed, operation })
}

/// Parses `text` and checks it against the document limits.
fn parse_and_check(text: &str, state: &AppState) -> Result<ExecutableDocument, Refusal> {
    let refused = |message, code| Refusal::graphql(StatusCode::BAD_REQUEST, message, code);
    let parsed = match parse_query(text) {
        Ok(doc) => doc,
        Err(ParseError::RecursionLimitExceeded) => {
            let message = format!(
                "the query nests its braces {} levels deep; at most {} levels of fields are allowed",
                limits::brace_depth(text),
                state.config.max_depth
            );
            return Err(refused(message, "QUERY_LIMIT_EXCEEDED"));
        }
        Err(e) => return Err(refused(syntax_message(&e), "GRAPHQL_PARSE_FAILED")),
    };
    limits::check(&parsed, &state.document_limits())
        .map_err(|e| refused(e.to_string(), "QUERY_LIMIT_EXCEEDED"))?;
    Ok(parsed)
}

/// Longest message a syntax error gets: the parser's own quotes the whole source line,
/// which a one-line document can make megabytes long.
const MAX_SYNTAX_MESSAGE: usize = 200;

/// Where the parser stopped and what it expected, without the source line.
fn syntax_message(e: &ParseError) -> String {
    let message = match e {
        ParseError::Syntax { message, start, .. } => {
            let expected = message
                .lines()
                .rev()
                .find_map(|l| l.trim_start().strip_prefix("= "))
                .unwrap_or("unexpected input");
            format!(
                "syntax error at line {}, column {}: {expected}",
                start.line, start.column
            )
        }
        other => other.to_string(),
    };
    match message.char_indices().nth(MAX_SYNTAX_MESSAGE) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    }
}

/// What running a document gave.
pub struct Executed {
    /// With `data`'s fields in query order.
    pub response: async_graphql::Response,
    /// The operation was a query (not a mutation, nor unknown).
    pub is_query: bool,
    /// The answer depends on more than the query (see [`RequestState::is_personal`]).
    pub personal: bool,
    /// The cache keys of the answer (see [`crate::graphql::cache_tags`]).
    pub tags: Vec<String>,
}

/// Executes the prepared document with the request's parameters, as the caller who
/// sent `req`, at the request's instant `now`.
pub async fn run(
    state: &AppState,
    req: &Request,
    now: DateTime<Utc>,
    document: &Document,
    prepared: Prepared,
    params: Params,
) -> Result<Executed, Refusal> {
    let operation_name = params.operation_name.as_deref();
    let elsewhere = whole_document::errors_elsewhere(
        &state.schema,
        &document.text,
        &prepared.parsed,
        operation_name,
    )
    .await;
    if let Some(first) = elsewhere.first() {
        let message = format!(
            "the document is invalid (every operation in it must be valid): {}",
            first.message
        );
        return Err(Refusal::graphql(
            StatusCode::BAD_REQUEST,
            message,
            "GRAPHQL_VALIDATION_FAILED",
        ));
    }
    let mut gql = async_graphql::Request::new(document.text.to_string()).variables(
        Variables::from_json(params.variables.unwrap_or(serde_json::Value::Null)),
    );
    if let Some(name) = operation_name {
        gql = gql.operation_name(name);
    }
    for (path, file) in params.files.0 {
        gql.set_upload(&path, file);
    }
    // The shared copy is kept to put the response's fields back in query order.
    gql.set_parsed_query(documents::for_execution(&prepared.parsed, operation_name));
    let request_state = Arc::new(
        RequestState::new(
            state.db.clone(),
            now,
            state.secret.clone(),
            caller::bearer(req),
            caller::client_address(req, state.trust_forwarded_for),
        )
        .webhook_allow_private(state.webhook_allow_private),
    );
    let gql = gql.data(request_state.clone());

    let is_query = prepared.operation == Some(OperationType::Query);
    let mut response = if is_query {
        within_time_limit(state, state.schema.execute(gql)).await?
    } else {
        // Mutations run to the end (imports may be long); each is one transaction.
        let response = state.schema.execute(gql).await;
        state.cache.refresh_after_write(&state.db).await;
        response
    };
    order::reorder(&mut response.data, &prepared.parsed, operation_name);
    Ok(Executed {
        response,
        is_query,
        personal: request_state.is_personal(),
        // Only a shareable answer is kept or tagged: an anonymous query.
        tags: if is_query && request_state.bearer.is_none() {
            request_state.tags.finish()
        } else {
            Vec::new()
        },
    })
}

/// The answer of `query`, or TIMEOUT when it takes longer than the configured limit (an
/// answer that came after the limit is late too, so the check is exact).
async fn within_time_limit(
    state: &AppState,
    query: impl Future<Output = async_graphql::Response>,
) -> Result<async_graphql::Response, Refusal> {
    let limit = Duration::from_millis(state.config.query_timeout_ms);
    let started = Instant::now();
    tokio::time::timeout(limit, query)
        .await
        .ok()
        .filter(|_| started.elapsed() < limit)
        .ok_or_else(|| {
            let message = format!(
                "the query took longer than {} ms and was stopped",
                state.config.query_timeout_ms
            );
            Refusal::graphql(StatusCode::GATEWAY_TIMEOUT, message, "TIMEOUT")
        })
}
