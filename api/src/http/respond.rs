//! The last step of `/graphql`: writing the answer. Its status (which differs by media
//! type for request errors), `Cache-Control` for browsers and CDNs, the ETag and
//! `304 Not Modified` of public answers, `X-Cache`, and compression; and the answers of
//! requests that were refused before or while running (see [`super::refusal`]). Every
//! error in an answer carries the request's id as `extensions.requestId`.

use std::sync::{Arc, OnceLock};

use async_graphql::ServerError;
use bytes::Bytes;
use poem::{
    Body, Request, Response,
    http::{HeaderValue, StatusCode, header},
};
use serde_json::json;

pub use super::refusal::Refusal;
use super::{
    AppState,
    access_log::request_id,
    availability,
    cache::{CacheKey, CachedBody},
    encoding::{self, Encoding},
    execute::Executed,
    labels,
    lookup::Lookup,
    metrics,
    negotiate::GRAPHQL_RESPONSE_JSON,
    refusal,
};
use crate::service;

pub(super) const VARY: &str = "accept, accept-encoding";
/// Tells whether the response cache answered (`HIT`), the query ran (`MISS`), or a
/// cached answer was served while the database was unreachable (`STALE`).
pub(super) const X_CACHE: &str = "x-cache";

/// How a response may be cached by browsers and CDNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caching {
    /// An anonymous GET answered without errors: public, with an ETag.
    Public,
    /// Anything a cache must not keep (authenticated, errors on GET, previews).
    NoStore,
    /// Authenticated: only the caller's own browser, and not even there.
    Private,
    /// A POST without a token: caches do not keep POST answers anyway.
    Unstated,
}

impl Caching {
    /// How an executed answer may be cached: `shareable` when it is the same for every
    /// anonymous caller (a query without errors that opened nothing personal).
    fn of_answer(anonymous: bool, shareable: bool, is_get: bool, personal: bool) -> Self {
        match (anonymous, shareable, is_get) {
            (false, _, _) => Self::Private,
            (true, true, true) => Self::Public,
            (true, false, true) => Self::NoStore,
            (true, _, false) if personal => Self::NoStore,
            (true, _, false) => Self::Unstated,
        }
    }
}

/// A response body: shared with the cache (its digest known), or made for this request.
enum Payload {
    Shared(Arc<CachedBody>),
    Own(Bytes),
}

/// How one request is answered: in the media type and with the compression negotiated.
pub struct Reply<'a> {
    req: &'a Request,
    state: &'a AppState,
    media: &'static str,
    accepted: Encoding,
    /// How the request ended, for the metrics (see [`super::metrics`]).
    outcome: OnceLock<&'static str>,
    /// The operation's name, once the request has been read.
    operation: OnceLock<Option<String>>,
}

impl<'a> Reply<'a> {
    pub fn new(req: &'a Request, state: &'a AppState, media: &'static str) -> Self {
        Self {
            req,
            state,
            media,
            accepted: encoding::negotiate(req.header(header::ACCEPT_ENCODING)),
            outcome: OnceLock::new(),
            operation: OnceLock::new(),
        }
    }

    /// Names the request's operation (as its parameters do), for the metrics.
    pub fn name_operation(&self, name: Option<&str>) {
        let _ = self.operation.set(name.map(str::to_owned));
    }

    /// Counts the request in the metrics: its operation (from its parameters, or a GET's
    /// query string when it was answered before they were read) and how it ended.
    pub fn record(&self, took: std::time::Duration) {
        let from_query = || {
            let q = self.req.uri().query()?;
            serde_urlencoded::from_str::<Vec<(String, String)>>(q)
                .ok()?
                .into_iter()
                .find(|(k, _)| k == "operationName")
                .map(|(_, v)| v)
        };
        let operation = match self.operation.get() {
            Some(name) => name.clone(),
            None => from_query(),
        };
        let outcome = self.outcome.get().copied().unwrap_or("ok");
        metrics::record_request(operation.as_deref(), outcome, took);
    }

    fn ended(&self, outcome: &'static str) {
        let _ = self.outcome.set(outcome);
    }

    /// The answer to a request refused before (or stopped while) running.
    pub fn refused(&self, r: Refusal) -> Response {
        self.ended(if r.status == StatusCode::SERVICE_UNAVAILABLE {
            "unavailable"
        } else {
            "refused"
        });
        refusal::refused(self.media, r, request_id(self.req))
    }

    /// An answer from the response cache.
    pub fn hit(&self, hit: Arc<CachedBody>, caching: Caching) -> Response {
        self.ended("hit");
        metrics::record_cache("hit");
        let mut resp = self.send(StatusCode::OK, Payload::Shared(hit), caching);
        resp.headers_mut()
            .insert(X_CACHE, HeaderValue::from_static("HIT"));
        resp
    }

    /// A cached answer served while the database is unreachable: `X-Cache: STALE`, and
    /// not to be kept downstream.
    pub fn stale(&self, hit: Arc<CachedBody>) -> Response {
        self.ended("stale");
        metrics::record_cache("stale");
        let mut resp = self.send(StatusCode::OK, Payload::Shared(hit), Caching::NoStore);
        resp.headers_mut()
            .insert(X_CACHE, HeaderValue::from_static("STALE"));
        resp
    }

    /// The answer of an executed request, kept in the response cache (under `key`) when
    /// it may be shared.
    pub fn executed(&self, mut run: Executed, lookup: &Lookup, key: CacheKey) -> Response {
        let response = &mut run.response;
        if let Some(id) = request_id(self.req) {
            for e in &mut response.errors {
                e.extensions
                    .get_or_insert_with(Default::default)
                    .set("requestId", id);
            }
        }
        if availability::any_unavailable(&response.errors) {
            // The database went away during the request: 503 in both media types.
            self.ended("unavailable");
            self.state.database_lost();
            let body = json!({ "data": response.data, "errors": response.errors }).to_string();
            let mut resp = self.send(
                StatusCode::SERVICE_UNAVAILABLE,
                Payload::Own(Bytes::from(body)),
                Caching::NoStore,
            );
            resp.headers_mut().insert(
                header::RETRY_AFTER,
                HeaderValue::from(availability::RETRY_AFTER_SECS),
            );
            return resp;
        }
        let request_failed = response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && response
                .errors
                .iter()
                .all(|e: &ServerError| e.path.is_empty());
        self.ended(match (request_failed, response.errors.is_empty()) {
            (true, _) => "refused",
            (false, true) => "ok",
            (false, false) => "error",
        });
        if request_failed {
            labels::label_request_errors(&mut response.errors);
            let status = if self.media == GRAPHQL_RESPONSE_JSON {
                StatusCode::BAD_REQUEST
            } else {
                StatusCode::OK
            };
            let body = json!({ "errors": response.errors }).to_string();
            return self.send(status, Payload::Own(Bytes::from(body)), Caching::NoStore);
        }
        labels::label_field_errors(&mut response.errors);
        let body = Bytes::from(serde_json::to_vec(&response).unwrap_or_default());
        let shareable =
            lookup.anonymous && run.is_query && response.errors.is_empty() && !run.personal;
        let caching = Caching::of_answer(lookup.anonymous, shareable, lookup.is_get, run.personal);
        let payload = if shareable {
            let shared = Arc::new(CachedBody::new(body, run.tags));
            lookup.keep(self.state, key, &shared);
            Payload::Shared(shared)
        } else {
            Payload::Own(body)
        };
        let mut resp = self.send(StatusCode::OK, payload, caching);
        if lookup.uses_cache && run.is_query {
            metrics::record_cache("miss");
            resp.headers_mut()
                .insert(X_CACHE, HeaderValue::from_static("MISS"));
        }
        resp
    }

    fn send(&self, status: StatusCode, payload: Payload, caching: Caching) -> Response {
        let len = match &payload {
            Payload::Shared(b) => b.body.len(),
            Payload::Own(b) => b.len(),
        };
        let encoding = encoding::choose(self.accepted, len);
        let mut builder = Response::builder()
            .status(status)
            .content_type(self.media)
            .header(header::VARY, VARY);
        if let Some(e) = encoding.header() {
            builder = builder.header(header::CONTENT_ENCODING, e);
        }
        match caching {
            Caching::Public => {
                builder = builder.header(header::CACHE_CONTROL, self.public_cache_control());
            }
            Caching::NoStore => builder = builder.header(header::CACHE_CONTROL, "no-store"),
            Caching::Private => {
                builder = builder.header(header::CACHE_CONTROL, "private, no-store");
            }
            Caching::Unstated => {}
        }
        let shared = match payload {
            Payload::Own(bytes) => {
                let bytes = match encoding {
                    Encoding::Identity => bytes,
                    other => encoding::compress(other, &bytes),
                };
                return builder.body(bytes);
            }
            Payload::Shared(shared) => shared,
        };
        if caching == Caching::Public {
            builder = builder.header(header::ETAG, encoding::etag(&shared.digest, encoding));
            if let Some(tags) = &self.state.tag_header {
                let (name, value) = tags.of(&shared.tags);
                builder = builder.header(name, value);
            }
            if self
                .req
                .header(header::IF_NONE_MATCH)
                .is_some_and(|inm| encoding::none_match(inm, &shared.digest))
            {
                return builder.status(StatusCode::NOT_MODIFIED).body(Body::empty());
            }
        }
        builder.body(shared.encoded(encoding))
    }

    fn public_cache_control(&self) -> String {
        public_cache_control(self.state)
    }
}

/// `Cache-Control` of a public answer: its `max-age` ends when a scheduled post goes
/// live, so it does so on time even behind a CDN.
pub(super) fn public_cache_control(state: &AppState) -> String {
    let config = &state.config;
    let mut max_age = config.cache_max_age;
    if let Some(secs) = state.cache.seconds_until_change(service::now()) {
        max_age = max_age.min(u32::try_from(secs).unwrap_or(u32::MAX));
    }
    format!(
        "public, max-age={max_age}, stale-while-revalidate={}",
        config.cache_stale_while_revalidate
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_anonymous_error_free_gets_are_public() {
        use Caching::*;
        // (anonymous, shareable, GET, personal) → caching
        let cases = [
            ((false, false, true, false), Private),
            ((false, false, false, false), Private),
            ((true, true, true, false), Public),
            ((true, false, true, false), NoStore),
            ((true, false, true, true), NoStore),
            ((true, false, false, true), NoStore),
            ((true, true, false, false), Unstated),
            ((true, false, false, false), Unstated),
        ];
        for ((anonymous, shareable, get, personal), want) in cases {
            let got = Caching::of_answer(anonymous, shareable, get, personal);
            assert_eq!(got, want, "{anonymous} {shareable} {get} {personal}");
        }
    }
}
