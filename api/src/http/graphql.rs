//! `/graphql` following the GraphQL-over-HTTP spec: POST with JSON (or
//! `application/graphql`), GET with query parameters for queries only, responses in
//! `application/json` or `application/graphql-response+json` as the client accepts,
//! persisted queries (APQ), the response cache, HTTP caching headers and compression.

use std::{sync::Arc, time::Duration};

use async_graphql::{
    ServerError, Variables,
    http::GraphiQLSource,
    parser::{
        Error as ParseError, parse_query,
        types::{ExecutableDocument, OperationType},
    },
};
use bytes::Bytes;
use poem::{
    Body, IntoResponse, Request, Response, handler,
    http::{HeaderValue, Method, StatusCode, header},
    web::{Data, Html},
};
use serde_json::json;

use super::{
    AppState,
    apq::ApqError,
    cache::{CacheKey, CachedBody},
    encoding::{self, Encoding},
    request,
};
use crate::{
    graphql::{RequestState, limits},
    service,
};

const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
const VARY: &str = "accept, accept-encoding";
/// Tells whether the response cache answered (`HIT`) or the query ran (`MISS`).
const X_CACHE: &str = "x-cache";

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

/// How a response may be cached by browsers and CDNs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caching {
    /// An anonymous GET answered without errors: public, with an ETag.
    Public,
    /// Anything a cache must not keep (authenticated, errors on GET, previews).
    NoStore,
    /// Authenticated: only the caller's own browser, and not even there.
    Private,
    /// A POST without a token: caches do not keep POST answers anyway.
    Unstated,
}

/// An error answer to a request that was not executed. Transport errors (`code`
/// None: bad JSON, too large, wrong method or media type) keep `status` in both media
/// types; GraphQL request errors (with a `code`) are 200 in `application/json`, as
/// legacy clients expect, and `status` in `application/graphql-response+json`.
fn request_error(
    status: StatusCode,
    media: &'static str,
    message: &str,
    code: Option<&str>,
) -> Response {
    let mut error = json!({ "message": message });
    if let Some(code) = code {
        error["extensions"] = json!({ "code": code });
    }
    let status = match (code, media) {
        (Some(_), JSON) => StatusCode::OK,
        _ => status,
    };
    Response::builder()
        .status(status)
        .content_type(media)
        .header(header::CACHE_CONTROL, "no-store")
        .header(header::VARY, VARY)
        .body(json!({ "errors": [error] }).to_string())
}

/// The selected operation's type, if the document has it.
fn operation_type(doc: &ExecutableDocument, operation_name: Option<&str>) -> Option<OperationType> {
    super::order::operation(doc, operation_name).map(|op| op.node.ty)
}

#[handler]
pub async fn graphql(req: &Request, body: Body, state: Data<&AppState>) -> Response {
    let Some(media) = negotiate(req.header(header::ACCEPT)) else {
        return request_error(
            StatusCode::NOT_ACCEPTABLE,
            JSON,
            "accept application/json or application/graphql-response+json",
            None,
        );
    };
    let accepted = encoding::negotiate(req.header(header::ACCEPT_ENCODING));
    let is_get = req.method() == Method::GET;

    // The content clock: which cached answers are current, and when content next
    // changes by itself.
    let now = service::now();
    let mut epoch = state.cache.epoch(now);
    if epoch.is_none() {
        state.cache.refresh(&state.db).await;
        epoch = state.cache.epoch(now);
    }
    let anonymous = !req.headers().contains_key(header::AUTHORIZATION);
    let use_cache = anonymous && state.cache.enabled();

    // The cacheable path: an anonymous GET answered before with this very query string
    // is served without parsing its parameters, variables or persisted-query hash.
    let raw_key = (use_cache && is_get).then(|| CacheKey {
        document: Arc::from(format!("GET?{}", req.uri().query().unwrap_or_default())),
        operation: None,
        variables: String::new(),
    });
    if let (Some(raw), Some(epoch)) = (&raw_key, epoch)
        && let Some(hit) = state.cache.get(raw, epoch)
    {
        return cache_hit(req, &state, media, hit, Caching::Public, accepted);
    }

    let params = match request::read(req, body, state.config.max_body_bytes).await {
        Ok(p) => p,
        Err(e) => return request_error(e.status, media, &e.message, None),
    };
    let document = match state.apq.resolve(params.query, params.extensions.as_ref()) {
        Ok(d) => d,
        Err(ApqError { code, message }) => {
            return request_error(StatusCode::BAD_REQUEST, media, &message, Some(code));
        }
    };
    let bearer = req.header(header::AUTHORIZATION).map(|h| {
        // Anything but a Bearer token is kept as is and fails when checked.
        h.strip_prefix("Bearer ")
            .or_else(|| h.strip_prefix("bearer "))
            .unwrap_or(h)
            .trim()
            .to_owned()
    });
    let key = CacheKey {
        document: document.sha256.clone(),
        operation: params.operation_name.clone(),
        variables: params
            .variables
            .as_ref()
            // `null` and `{}` are the same as no variables.
            .filter(|v| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()))
            .map(ToString::to_string)
            .unwrap_or_default(),
    };
    if use_cache
        && let Some(epoch) = epoch
        && let Some(hit) = state.cache.get(&key, epoch)
    {
        let caching = if is_get {
            Caching::Public
        } else {
            Caching::Unstated
        };
        if let Some(raw) = raw_key {
            state.cache.put(raw, epoch, hit.clone());
        }
        return cache_hit(req, &state, media, hit, caching, accepted);
    }

    // Parse once (or take the document parsed before), check its shape, then let the
    // schema validate and run it.
    let parsed = match state.documents.get(&document.sha256) {
        Some(doc) => doc,
        None => match parse_and_check(&document.text, &state) {
            Ok(doc) => {
                let doc = Arc::new(doc);
                state
                    .documents
                    .put(document.sha256.clone(), document.text.len(), doc.clone());
                doc
            }
            Err((message, code)) => {
                return request_error(StatusCode::BAD_REQUEST, media, &message, Some(code));
            }
        },
    };
    let op = operation_type(&parsed, params.operation_name.as_deref());
    if is_get
        && matches!(
            op,
            Some(OperationType::Mutation | OperationType::Subscription)
        )
    {
        let mut resp = request_error(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "mutations must be sent with POST",
            None,
        );
        resp.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return resp;
    }

    let mut gql = async_graphql::Request::new(document.text.to_string()).variables(
        Variables::from_json(params.variables.unwrap_or(serde_json::Value::Null)),
    );
    if let Some(name) = &params.operation_name {
        gql = gql.operation_name(name.clone());
    }
    // The shared copy is kept to put the response's fields back in query order.
    gql.set_parsed_query(super::documents::for_execution(
        &parsed,
        params.operation_name.as_deref(),
    ));
    let request_state = Arc::new(RequestState::new(
        state.db.clone(),
        now,
        state.secret.clone(),
        bearer,
        client_address(req, state.trust_forwarded_for),
    ));
    let gql = gql.data(request_state.clone());

    let is_query = op == Some(OperationType::Query);
    let mut response = if is_query {
        let limit = Duration::from_millis(state.config.query_timeout_ms);
        let started = std::time::Instant::now();
        // An answer that came after the limit is late too (and the check is exact).
        match tokio::time::timeout(limit, state.schema.execute(gql))
            .await
            .ok()
            .filter(|_| started.elapsed() < limit)
        {
            Some(r) => r,
            None => {
                let message = format!(
                    "the query took longer than {} ms and was stopped",
                    state.config.query_timeout_ms
                );
                return request_error(
                    StatusCode::GATEWAY_TIMEOUT,
                    media,
                    &message,
                    Some("TIMEOUT"),
                );
            }
        }
    } else {
        // Mutations run to the end (imports may be long); each is one transaction.
        state.schema.execute(gql).await
    };
    if !is_query {
        // This server's own write shows at once in its own cache.
        state.cache.refresh(&state.db).await;
    }

    let request_failed = response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response
            .errors
            .iter()
            .all(|e: &ServerError| e.path.is_empty());
    if request_failed {
        label_request_errors(&mut response.errors);
        let status = if media == GRAPHQL_RESPONSE_JSON {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        let body = json!({ "errors": response.errors }).to_string();
        return respond(
            req,
            &state,
            media,
            status,
            Payload::Own(Bytes::from(body)),
            Caching::NoStore,
            accepted,
        );
    }

    super::order::reorder(
        &mut response.data,
        &parsed,
        params.operation_name.as_deref(),
    );
    let body = Bytes::from(serde_json::to_vec(&response).unwrap_or_default());
    let shareable =
        anonymous && is_query && response.errors.is_empty() && !request_state.is_personal();
    let caching = match (anonymous, shareable, is_get) {
        (false, _, _) => Caching::Private,
        (true, true, true) => Caching::Public,
        (true, false, true) => Caching::NoStore,
        (true, _, false) if request_state.is_personal() => Caching::NoStore,
        (true, _, false) => Caching::Unstated,
    };
    let payload = if shareable {
        let shared = Arc::new(CachedBody::new(body));
        if use_cache && let Some(epoch) = epoch {
            state.cache.put(key, epoch, shared.clone());
            if let Some(raw) = raw_key {
                state.cache.put(raw, epoch, shared.clone());
            }
        }
        Payload::Shared(shared)
    } else {
        Payload::Own(body)
    };
    let mut resp = respond(
        req,
        &state,
        media,
        StatusCode::OK,
        payload,
        caching,
        accepted,
    );
    if use_cache && is_query {
        resp.headers_mut()
            .insert(X_CACHE, HeaderValue::from_static("MISS"));
    }
    resp
}

/// Parses `text` and checks it against the document limits; the error's message and code.
fn parse_and_check(
    text: &str,
    state: &AppState,
) -> Result<ExecutableDocument, (String, &'static str)> {
    let parsed = match parse_query(text) {
        Ok(doc) => doc,
        Err(ParseError::RecursionLimitExceeded) => {
            let message = format!(
                "the query is nested too deeply; at most {} levels are allowed",
                state.config.max_depth
            );
            return Err((message, "QUERY_LIMIT_EXCEEDED"));
        }
        Err(e) => return Err((e.to_string(), "GRAPHQL_PARSE_FAILED")),
    };
    limits::check(&parsed, &state.document_limits())
        .map_err(|e| (e.to_string(), "QUERY_LIMIT_EXCEEDED"))?;
    Ok(parsed)
}

/// An answer from the response cache.
fn cache_hit(
    req: &Request,
    state: &AppState,
    media: &'static str,
    hit: Arc<CachedBody>,
    caching: Caching,
    accepted: Encoding,
) -> Response {
    let mut resp = respond(
        req,
        state,
        media,
        StatusCode::OK,
        Payload::Shared(hit),
        caching,
        accepted,
    );
    resp.headers_mut()
        .insert(X_CACHE, HeaderValue::from_static("HIT"));
    resp
}

/// Request errors found by the schema (validation, complexity) get a code, as ours do.
fn label_request_errors(errors: &mut [ServerError]) {
    for e in errors {
        let has_code = e
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if has_code {
            continue;
        }
        let code = if e.message.contains("too complex") {
            "QUERY_LIMIT_EXCEEDED"
        } else {
            "GRAPHQL_VALIDATION_FAILED"
        };
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

/// A response body: shared with the cache (its digest known), or made for this request.
enum Payload {
    Shared(Arc<CachedBody>),
    Own(Bytes),
}

fn respond(
    req: &Request,
    state: &AppState,
    media: &'static str,
    status: StatusCode,
    payload: Payload,
    caching: Caching,
    accepted: Encoding,
) -> Response {
    let len = match &payload {
        Payload::Shared(b) => b.body.len(),
        Payload::Own(b) => b.len(),
    };
    let encoding = encoding::choose(accepted, len);
    let mut builder = Response::builder()
        .status(status)
        .content_type(media)
        .header(header::VARY, VARY);
    if let Some(e) = encoding.header() {
        builder = builder.header(header::CONTENT_ENCODING, e);
    }
    match caching {
        Caching::Public => {
            let mut max_age = state.config.cache_max_age;
            if let Some(secs) = state.cache.seconds_until_change(service::now()) {
                // A scheduled post goes live on time even behind a CDN.
                max_age = max_age.min(u32::try_from(secs).unwrap_or(u32::MAX));
            }
            builder = builder.header(
                header::CACHE_CONTROL,
                format!(
                    "public, max-age={max_age}, stale-while-revalidate={}",
                    state.config.cache_stale_while_revalidate
                ),
            );
        }
        Caching::NoStore => builder = builder.header(header::CACHE_CONTROL, "no-store"),
        Caching::Private => builder = builder.header(header::CACHE_CONTROL, "private, no-store"),
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
        if req
            .header(header::IF_NONE_MATCH)
            .is_some_and(|inm| encoding::none_match(inm, &shared.digest))
        {
            return builder.status(StatusCode::NOT_MODIFIED).body(Body::empty());
        }
    }
    builder.body(shared.encoded(encoding))
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
