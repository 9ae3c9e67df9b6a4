//! Automatic Persisted Queries (Apollo's protocol): a client sends
//! `extensions.persistedQuery = { version: 1, sha256Hash }` with or without the query
//! text. With the text, the hash is checked and the query remembered; without it, the
//! remembered text is used, or `PERSISTED_QUERY_NOT_FOUND` asks the client to send the
//! text once. Every server keeps its own bounded store (the protocol recovers from a miss).

use std::sync::Arc;

use serde_json::Value;
use sha2::{Digest, Sha256};

use super::by_hash::ByHash;

/// The query text of a request and its SHA-256 (hex), the document's identity.
#[derive(Debug, Clone)]
pub struct Document {
    pub text: Arc<str>,
    pub sha256: Arc<str>,
}

/// Why a request's document could not be found; `code` goes in `extensions.code`.
#[derive(Debug, PartialEq, Eq)]
pub struct ApqError {
    pub code: &'static str,
    pub message: String,
}

/// The persisted queries this server knows, least recently used dropped first.
pub struct PersistedQueries {
    store: ByHash<Arc<str>>,
}

impl PersistedQueries {
    /// A store of at most `capacity` documents; 0 turns persisted queries off.
    pub fn new(capacity: usize) -> Self {
        Self {
            store: ByHash::new(capacity),
        }
    }

    /// The document a request names, from its `query` and `extensions` parameters.
    pub fn resolve(
        &self,
        query: Option<String>,
        extensions: Option<&Value>,
    ) -> Result<Document, ApqError> {
        let persisted = extensions.and_then(|e| e.get("persistedQuery"));
        let query = query.filter(|q| !q.trim().is_empty());
        let Some(persisted) = persisted else {
            let text: Arc<str> = query
                .ok_or_else(|| ApqError {
                    code: "BAD_REQUEST",
                    message: "the request has no query".into(),
                })?
                .into();
            return Ok(Document {
                sha256: sha256_hex(&text).into(),
                text,
            });
        };
        if !self.store.is_enabled() {
            return Err(ApqError {
                code: "PERSISTED_QUERY_NOT_SUPPORTED",
                message: "PersistedQueryNotSupported".into(),
            });
        }
        if persisted.get("version").and_then(Value::as_i64) != Some(1) {
            return Err(ApqError {
                code: "BAD_REQUEST",
                message: "unsupported persisted query version (only 1 is)".into(),
            });
        }
        let hash = persisted
            .get("sha256Hash")
            .and_then(Value::as_str)
            .map(str::to_ascii_lowercase)
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()))
            .ok_or_else(|| ApqError {
                code: "BAD_REQUEST",
                message: "persistedQuery.sha256Hash must be 64 hexadecimal digits".into(),
            })?;
        match query {
            Some(text) => {
                if sha256_hex(&text) != hash {
                    return Err(ApqError {
                        code: "BAD_REQUEST",
                        message: "provided sha does not match query".into(),
                    });
                }
                let doc = Document {
                    text: text.into(),
                    sha256: hash.into(),
                };
                self.store.put(doc.sha256.clone(), doc.text.clone());
                Ok(doc)
            }
            None => self
                .store
                .get(&hash)
                .map(|text| Document {
                    text,
                    sha256: hash.into(),
                })
                .ok_or_else(|| ApqError {
                    code: "PERSISTED_QUERY_NOT_FOUND",
                    message: "PersistedQueryNotFound".into(),
                }),
        }
    }
}

/// SHA-256 of a text, as lowercase hex.
pub fn sha256_hex(text: &str) -> String {
    format!("{:x}", Sha256::digest(text.as_bytes()))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn ext(hash: &str) -> Value {
        json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
    }

    #[test]
    fn a_hash_is_found_after_the_text_was_sent_once() {
        let apq = PersistedQueries::new(2);
        let text = "{ posts { totalCount } }";
        let hash = sha256_hex(text);
        let miss = apq.resolve(None, Some(&ext(&hash))).unwrap_err();
        assert_eq!(miss.code, "PERSISTED_QUERY_NOT_FOUND");
        apq.resolve(Some(text.into()), Some(&ext(&hash))).unwrap();
        let doc = apq.resolve(None, Some(&ext(&hash.to_uppercase()))).unwrap();
        assert_eq!(&*doc.text, text);
        assert_eq!(&*doc.sha256, hash);
    }

    #[test]
    fn a_wrong_hash_or_version_is_refused_and_the_store_is_bounded() {
        let apq = PersistedQueries::new(1);
        let wrong = apq
            .resolve(Some("{ a }".into()), Some(&ext(&sha256_hex("{ b }"))))
            .unwrap_err();
        assert_eq!(wrong.message, "provided sha does not match query");
        let v2 = json!({ "persistedQuery": { "version": 2, "sha256Hash": sha256_hex("{ a }") } });
        assert!(apq.resolve(Some("{ a }".into()), Some(&v2)).is_err());

        apq.resolve(Some("{ a }".into()), Some(&ext(&sha256_hex("{ a }"))))
            .unwrap();
        apq.resolve(Some("{ b }".into()), Some(&ext(&sha256_hex("{ b }"))))
            .unwrap();
        let evicted = apq.resolve(None, Some(&ext(&sha256_hex("{ a }"))));
        assert_eq!(evicted.unwrap_err().code, "PERSISTED_QUERY_NOT_FOUND");
    }
}
