//! The response cache as one request uses it: the content clock read when the request
//! begins, the two look-ups before anything runs, and keeping the answer after.
//!
//! Only anonymous requests use the cache. The first look-up is by the raw query string
//! of a GET, so a repeated GET is answered without parsing its parameters, variables or
//! persisted-query hash; the second is by document hash, operation and variables, once
//! the request has been read. An answer is kept under both keys.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use poem::{Request, http::Method};

use super::{
    AppState,
    apq::Document,
    cache::{CacheKey, CachedBody},
    caller,
    request::Params,
    respond::Caching,
};
use crate::service;

/// What a request knows about the cache from its start to its answer.
pub struct Lookup {
    /// The request's instant: every visibility check of the request uses it.
    pub now: DateTime<Utc>,
    /// Which cached answers are current (`None`: the clock could not be read).
    epoch: Option<u64>,
    pub is_get: bool,
    /// No `Authorization` header: the answer may be shared.
    pub anonymous: bool,
    /// Anonymous, and the server keeps a response cache.
    pub uses_cache: bool,
    /// The key of a GET's raw query string (anonymous GETs only).
    raw: Option<CacheKey>,
}

impl Lookup {
    /// Reads the content clock (refreshing it when a scheduled change has come, unless
    /// the database is known to be unreachable) and the request line.
    pub async fn begin(req: &Request, state: &AppState) -> Self {
        let now = service::now();
        // While the database is unreachable no answer is current: cached ones are
        // served only as stale (see [`Self::stale`]).
        let down = state.availability.is_down();
        let mut epoch = state.cache.epoch(now).filter(|_| !down);
        if epoch.is_none() && !down {
            if !state.cache.refresh(&state.db).await {
                state.database_lost();
            }
            epoch = state.cache.epoch(now);
        }
        let is_get = req.method() == Method::GET;
        let anonymous = caller::is_anonymous(req);
        let uses_cache = anonymous && state.cache.enabled();
        let raw = (uses_cache && is_get).then(|| CacheKey {
            document: Arc::from(format!("GET?{}", req.uri().query().unwrap_or_default())),
            operation: None,
            variables: String::new(),
        });
        Self {
            now,
            epoch,
            is_get,
            anonymous,
            uses_cache,
            raw,
        }
    }

    /// [`Self::begin`] for a document every caller gets alike, whatever token it sends
    /// (a feed, the sitemap): cached under `key`, which stands in for the query string.
    pub async fn begin_public(req: &Request, state: &AppState, key: CacheKey) -> Self {
        let mut lookup = Self::begin(req, state).await;
        lookup.anonymous = true;
        lookup.uses_cache = state.cache.enabled();
        lookup.raw = lookup.uses_cache.then_some(key);
        lookup
    }

    /// The answer kept for this very query string (a GET asked before).
    pub fn by_query_string(&self, state: &AppState) -> Option<Arc<CachedBody>> {
        state.cache.get(self.raw.as_ref()?, self.epoch?)
    }

    /// While the database is unreachable: the answer kept for this GET's query string,
    /// or for `key`, whatever the content clock says now (served as stale).
    pub fn stale(&self, state: &AppState, key: Option<&CacheKey>) -> Option<Arc<CachedBody>> {
        if !self.uses_cache || !state.availability.is_down() {
            return None;
        }
        let raw = self.raw.as_ref().and_then(|raw| state.cache.get_stale(raw));
        raw.or_else(|| state.cache.get_stale(key?))
    }

    /// The answer kept for this document, operation and variables, and how it may be
    /// cached downstream; a GET's query string now finds it too.
    pub fn by_document(
        &self,
        state: &AppState,
        key: &CacheKey,
    ) -> Option<(Arc<CachedBody>, Caching)> {
        if !self.uses_cache {
            return None;
        }
        let epoch = self.epoch?;
        let hit = state.cache.get(key, epoch)?;
        if let Some(raw) = &self.raw {
            state.cache.put(raw.clone(), epoch, hit.clone());
        }
        let caching = if self.is_get {
            Caching::Public
        } else {
            Caching::Unstated
        };
        Some((hit, caching))
    }

    /// Keeps a shareable answer under both keys, stamped with the epoch the request
    /// began in (the cache drops it if the content has changed since).
    pub fn keep(&self, state: &AppState, key: CacheKey, body: &Arc<CachedBody>) {
        if !self.uses_cache {
            return;
        }
        let Some(epoch) = self.epoch else {
            return;
        };
        state.cache.put(key, epoch, body.clone());
        if let Some(raw) = &self.raw {
            state.cache.put(raw.clone(), epoch, body.clone());
        }
    }
}

/// What identifies an answer once the request has been read: the document's hash, the
/// operation, and the variables (`null` and `{}` are the same as none).
pub fn key(document: &Document, params: &Params) -> CacheKey {
    CacheKey {
        document: document.sha256.clone(),
        operation: params.operation_name.clone(),
        variables: params
            .variables
            .as_ref()
            .filter(|v| !v.is_null() && v.as_object().is_none_or(|o| !o.is_empty()))
            .map(ToString::to_string)
            .unwrap_or_default(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn null_and_empty_variables_are_no_variables() {
        let document = Document {
            text: "{ a }".into(),
            sha256: "h".into(),
        };
        let with = |variables| Params {
            variables,
            ..Params::default()
        };
        let none = key(&document, &with(None));
        assert_eq!(key(&document, &with(Some(json!(null)))), none);
        assert_eq!(key(&document, &with(Some(json!({})))), none);
        assert_ne!(key(&document, &with(Some(json!({ "n": 1 })))), none);
        assert_eq!(none.document.as_ref(), "h");
    }
}
