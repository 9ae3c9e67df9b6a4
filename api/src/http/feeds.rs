//! The feeds (RSS, Atom, JSON Feed), the sitemap and `robots.txt` over HTTP, cached like
//! GraphQL GETs: the same response cache and content clock (so a write, or a scheduled
//! post's time coming, ends them), `Cache-Control`, strong ETags with `304 Not
//! Modified`, `X-Cache` and compression. They are the same for every caller, so a token
//! changes nothing. Errors carry a code in the JSON shape of every other refusal: an
//! unknown path or tag is 404 `NOT_FOUND`, a site without a base URL 409 `CONFLICT`.
//!
//! Which path names what is [`FeedPaths`]' to say; what each holds is
//! [`crate::service::feed`]'s.

use std::sync::Arc;

use poem::{
    Body, Request, Response, handler,
    http::{HeaderValue, StatusCode, header},
    web::Data,
};

use super::{
    AppState, access_log,
    cache::{CacheKey, CachedBody},
    caller, encoding,
    lookup::Lookup,
    metrics,
    negotiate::JSON,
    refusal::{self, Refusal},
    respond::{X_CACHE, public_cache_control},
};
use crate::{
    error::{AppError, ErrorCode},
    service::feed::{self, FeedPaths, Resource},
};

#[handler]
pub async fn serve(req: &Request, state: Data<&AppState>) -> Response {
    let path = req.uri().path();
    let Some(resource) = state.feeds.parse(path) else {
        let message = format!("nothing is served at {path}");
        return refuse(req, coded(StatusCode::NOT_FOUND, "NOT_FOUND", message));
    };
    let key = CacheKey {
        document: Arc::from(format!("PATH {path}")),
        operation: None,
        variables: String::new(),
    };
    let lookup = Lookup::begin_public(req, &state, key.clone()).await;
    let reply = |body, cache, public| send(req, &state, &resource, body, cache, public);
    if let Some(hit) = lookup.by_query_string(&state) {
        metrics::record_cache("hit");
        return reply(hit, "HIT", true);
    }
    if let Some(stale) = lookup.stale(&state, None) {
        metrics::record_cache("stale");
        return reply(stale, "STALE", false);
    }
    if state.availability.is_down() {
        return refuse(req, Refusal::unavailable());
    }
    let client = caller::client_address(req, state.trust_forwarded_for);
    if let Err(wait) = state.throttle.check(&client) {
        return refuse(req, Refusal::rate_limited(wait));
    }
    match feed::document(&state.db, &state.feeds, &resource, lookup.now).await {
        Ok((body, tags)) => {
            let body = Arc::new(CachedBody::new(body.into(), tags));
            lookup.keep(&state, key, &body);
            if lookup.uses_cache {
                metrics::record_cache("miss");
            }
            reply(body, "MISS", true)
        }
        Err(e) => {
            if e.code() == ErrorCode::ServiceUnavailable {
                state.database_lost();
            }
            refuse(req, refusal_of(&e))
        }
    }
}

/// A document: `public` ones with `Cache-Control`, an ETag and `304` when the client
/// has it already; a stale one (the database unreachable) not to be kept downstream.
fn send(
    req: &Request,
    state: &AppState,
    resource: &Resource,
    body: Arc<CachedBody>,
    x_cache: &'static str,
    public: bool,
) -> Response {
    let encoding = encoding::choose(
        encoding::negotiate(req.header(header::ACCEPT_ENCODING)),
        body.body.len(),
    );
    let mut builder = Response::builder()
        .content_type(resource.media_type())
        .header(header::VARY, "accept-encoding")
        .header(X_CACHE, HeaderValue::from_static(x_cache));
    if let Some(e) = encoding.header() {
        builder = builder.header(header::CONTENT_ENCODING, e);
    }
    if !public {
        return builder
            .header(header::CACHE_CONTROL, "no-store")
            .body(body.encoded(encoding));
    }
    builder = builder
        .header(header::CACHE_CONTROL, public_cache_control(state))
        .header(header::ETAG, encoding::etag(&body.digest, encoding));
    if let Some(tags) = &state.tag_header {
        let (name, value) = tags.of(&body.tags);
        builder = builder.header(name, value);
    }
    let matches = req
        .header(header::IF_NONE_MATCH)
        .is_some_and(|inm| encoding::none_match(inm, &body.digest));
    if matches {
        return builder.status(StatusCode::NOT_MODIFIED).body(Body::empty());
    }
    builder.body(body.encoded(encoding))
}

/// A refusal with `code`, keeping `status` (these are not GraphQL answers).
fn coded(status: StatusCode, code: &'static str, message: String) -> Refusal {
    Refusal {
        transport: true,
        ..Refusal::graphql(status, message, code)
    }
}

/// The refusal of a service error: its code, and the status that code calls for.
fn refusal_of(e: &AppError) -> Refusal {
    let code = e.code();
    let status = match code {
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict => StatusCode::CONFLICT,
        ErrorCode::BadUserInput => StatusCode::BAD_REQUEST,
        ErrorCode::ServiceUnavailable => return Refusal::unavailable(),
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = if code == ErrorCode::Internal {
        let incident = uuid::Uuid::new_v4().simple().to_string();
        tracing::error!(incident = %incident, error = %e, "internal error serving a feed");
        format!("internal error (incident {incident})")
    } else {
        e.to_string()
    };
    coded(status, code.as_str(), message)
}

fn refuse(req: &Request, r: Refusal) -> Response {
    refusal::refused(JSON, r, access_log::request_id(req))
}

/// The routes to send here: the exact paths, and each folder's `/*rest`.
pub fn routes(paths: &FeedPaths) -> Vec<String> {
    let (exact, folders) = paths.routes();
    let mut all: Vec<String> = exact
        .into_iter()
        .chain(folders.into_iter().map(|f| format!("{f}/*rest")))
        .collect();
    all.sort();
    all.dedup();
    all
}
