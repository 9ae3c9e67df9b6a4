//! `/graphql` following the GraphQL-over-HTTP spec: POST with JSON (or
//! `application/graphql`), GET with query parameters for queries only, answers in
//! `application/json` or `application/graphql-response+json` as the client accepts.
//!
//! A request goes through named steps, each in its own module:
//! 1. [`negotiate`](super::negotiate): the media type to answer in;
//! 2. [`lookup`](super::lookup): the response cache, first by a GET's raw query string;
//! 3. [`request`](super::request) and [`apq`](super::apq): the parameters and the
//!    document they name (persisted queries), then the cache again by document;
//! 4. [`execute`](super::execute): parse (once, see [`documents`](super::documents)),
//!    check, run under the time limit;
//! 5. [`respond`](super::respond): status, caching headers, ETag, compression.
//!
//! A request the cache cannot answer takes a token from its client's bucket first
//! ([`throttle`](super::throttle)).
//!
//! While the database is unreachable ([`availability`](super::availability)), a request
//! is answered from the cache as stale, or refused with SERVICE_UNAVAILABLE, before
//! anything touches the database.
//!
//! A GET asking to become a WebSocket is a subscription connection
//! ([`live`](super::live)).

use async_graphql::http::GraphiQLSource;
use poem::{
    Body, IntoResponse, Request, Response, handler,
    http::header,
    web::{Data, Html},
};

use super::{
    AppState, access_log, caller, execute, live,
    lookup::{self, Lookup},
    multipart, negotiate, refusal, request,
    respond::{Caching, Refusal, Reply},
};

#[handler]
pub async fn graphql(req: &Request, body: Body, state: Data<&AppState>) -> Response {
    if live::is_upgrade(req) {
        return live::upgrade(req, &state).await;
    }
    let Some(media) = negotiate::media(req.header(header::ACCEPT)) else {
        return refusal::not_acceptable(access_log::request_id(req));
    };
    let started = std::time::Instant::now();
    let reply = Reply::new(req, &state, media);
    let resp = serve(req, body, &state, &reply)
        .await
        .unwrap_or_else(|refusal| reply.refused(refusal));
    reply.record(started.elapsed());
    resp
}

/// Methods other than GET and POST: a 405 with a code, like every other refusal.
#[handler]
pub async fn other_method(req: &Request) -> Response {
    refusal::method_not_allowed(access_log::request_id(req))
}

/// The steps of one request, after negotiation.
async fn serve(
    req: &Request,
    body: Body,
    state: &AppState,
    reply: &Reply<'_>,
) -> Result<Response, Refusal> {
    let lookup = Lookup::begin(req, state).await;
    if let Some(hit) = lookup.by_query_string(state) {
        return Ok(reply.hit(hit, Caching::Public));
    }
    if let Some(stale) = lookup.stale(state, None) {
        return Ok(reply.stale(stale));
    }
    let mut params = if multipart::is_multipart(req) {
        multipart::read(
            req,
            body,
            state.config.max_body_bytes,
            state.media.max_bytes,
        )
        .await?
    } else {
        request::read(req, body, state.config.max_body_bytes).await?
    };
    reply.name_operation(params.operation_name.as_deref());
    request::refuse_nul(&params)?;
    let document = state
        .apq
        .resolve(params.query.take(), params.extensions.as_ref())?;
    let key = lookup::key(&document, &params);
    if let Some((hit, caching)) = lookup.by_document(state, &key) {
        return Ok(reply.hit(hit, caching));
    }
    if state.availability.is_down() {
        return match lookup.stale(state, Some(&key)) {
            Some(stale) => Ok(reply.stale(stale)),
            None => Err(Refusal::unavailable()),
        };
    }
    let client = caller::client_address(req, state.trust_forwarded_for);
    state
        .throttle
        .check(&client)
        .map_err(Refusal::rate_limited)?;
    let operation_name = params.operation_name.as_deref();
    let prepared = execute::prepare(state, &document, operation_name, lookup.is_get)?;
    let executed = execute::run(state, req, lookup.now, &document, prepared, params).await?;
    Ok(reply.executed(executed, &lookup, key))
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
