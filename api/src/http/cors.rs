//! CORS for frontends on other origins. Origins listed by name may send the
//! `Authorization` header (editors' tools); `*` lets any origin make anonymous reads
//! only: the answer is then `Access-Control-Allow-Origin: *`, the `Authorization`
//! header is not allowed, and credentials never are. An origin not allowed gets no CORS
//! headers at all, so the browser refuses it.

use std::collections::HashSet;

use poem::{
    Endpoint, IntoResponse, Middleware, Request, Response, Result,
    http::{HeaderValue, Method, StatusCode, header},
};

/// Request headers every allowed origin may send.
const ANONYMOUS_HEADERS: &str = "content-type, accept, apollo-require-preflight, \
     x-apollo-operation-name, apollographql-client-name, apollographql-client-version";
/// ... and those a listed origin may send as well.
const LISTED_HEADERS: &str = "content-type, accept, apollo-require-preflight, \
     x-apollo-operation-name, apollographql-client-name, apollographql-client-version, \
     authorization";
const METHODS: &str = "GET, POST, OPTIONS";
const EXPOSED: &str = "etag, content-encoding";

/// Which origins may call, from the configured list.
#[derive(Debug, Clone)]
pub struct Cors {
    any: bool,
    listed: HashSet<String>,
    max_age: u32,
}

/// How an origin is allowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Allowed {
    /// Named in the list: echoed, and may authenticate.
    Listed,
    /// Only through `*`: anonymous reads.
    Anonymous,
}

impl Cors {
    /// From `QUIRE_CORS_ORIGINS` entries: origins like `https://blog.example`, or `*`.
    pub fn new(origins: &[String], max_age: u32) -> Self {
        let mut any = false;
        let mut listed = HashSet::new();
        for o in origins.iter().map(|o| o.trim()).filter(|o| !o.is_empty()) {
            if o == "*" {
                any = true;
            } else {
                listed.insert(normalize(o));
            }
        }
        Self {
            any,
            listed,
            max_age,
        }
    }

    fn allowed(&self, origin: &str) -> Option<Allowed> {
        if self.listed.contains(&normalize(origin)) {
            Some(Allowed::Listed)
        } else if self.any {
            Some(Allowed::Anonymous)
        } else {
            None
        }
    }

    fn allow_origin(origin: &str, how: Allowed) -> HeaderValue {
        match how {
            Allowed::Listed => {
                HeaderValue::from_str(origin).unwrap_or(HeaderValue::from_static("null"))
            }
            Allowed::Anonymous => HeaderValue::from_static("*"),
        }
    }
}

fn normalize(origin: &str) -> String {
    origin.trim().trim_end_matches('/').to_ascii_lowercase()
}

impl<E: Endpoint> Middleware<E> for Cors {
    type Output = CorsEndpoint<E>;

    fn transform(&self, inner: E) -> Self::Output {
        CorsEndpoint {
            inner,
            cors: self.clone(),
        }
    }
}

pub struct CorsEndpoint<E> {
    inner: E,
    cors: Cors,
}

impl<E: Endpoint> Endpoint for CorsEndpoint<E> {
    type Output = Response;

    async fn call(&self, req: Request) -> Result<Self::Output> {
        let origin = req
            .header(header::ORIGIN)
            .map(str::to_owned)
            .filter(|o| !o.is_empty());
        let Some(origin) = origin else {
            return Ok(self.inner.call(req).await?.into_response());
        };
        let allowed = self.cors.allowed(&origin);
        let preflight = req.method() == Method::OPTIONS
            && req
                .headers()
                .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
        if preflight {
            let mut resp = StatusCode::NO_CONTENT.into_response();
            let headers = resp.headers_mut();
            headers.insert(
                header::VARY,
                HeaderValue::from_static(
                    "origin, access-control-request-method, access-control-request-headers",
                ),
            );
            if let Some(how) = allowed {
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    Cors::allow_origin(&origin, how),
                );
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_METHODS,
                    HeaderValue::from_static(METHODS),
                );
                headers.insert(
                    header::ACCESS_CONTROL_ALLOW_HEADERS,
                    HeaderValue::from_static(match how {
                        Allowed::Listed => LISTED_HEADERS,
                        Allowed::Anonymous => ANONYMOUS_HEADERS,
                    }),
                );
                headers.insert(
                    header::ACCESS_CONTROL_MAX_AGE,
                    HeaderValue::from(self.cors.max_age),
                );
            }
            return Ok(resp);
        }
        let mut resp = self.inner.call(req).await?.into_response();
        if let Some(how) = allowed {
            let headers = resp.headers_mut();
            headers.insert(
                header::ACCESS_CONTROL_ALLOW_ORIGIN,
                Cors::allow_origin(&origin, how),
            );
            headers.insert(
                header::ACCESS_CONTROL_EXPOSE_HEADERS,
                HeaderValue::from_static(EXPOSED),
            );
        }
        if !self.cors.listed.is_empty() {
            // The answer depends on the origin once some origins are echoed.
            resp.headers_mut()
                .append(header::VARY, HeaderValue::from_static("origin"));
        }
        Ok(resp)
    }
}
