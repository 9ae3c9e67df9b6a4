//! Documents already parsed and found within the limits, by the SHA-256 of their text: a
//! frontend sends the same few queries over and over, and parsing one (async-graphql's
//! pest grammar) was about a tenth of an uncached request's CPU. Only documents that
//! parsed and passed [`crate::graphql::limits::check`] are kept, so a refused document is
//! refused again each time; the limits come from the configuration and do not change
//! while the server runs.

use std::sync::Arc;

use async_graphql::parser::types::{DocumentOperations, ExecutableDocument};

use super::by_hash::ByHash;

/// Documents longer than this are parsed every time (and never fill the store).
const MAX_TEXT_BYTES: usize = 8 * 1024;

/// The parsed documents this server keeps, least recently used dropped first.
pub struct ParsedDocuments(ByHash<Arc<ExecutableDocument>>);

impl ParsedDocuments {
    /// A store of at most `capacity` documents; 0 keeps none.
    pub fn new(capacity: usize) -> Self {
        Self(ByHash::new(capacity))
    }

    /// The document whose text has this SHA-256, if it is kept.
    pub fn get(&self, sha256: &str) -> Option<Arc<ExecutableDocument>> {
        self.0.get(sha256)
    }

    /// Keeps `doc`, parsed from a text of `text_len` bytes with this SHA-256.
    pub fn put(&self, sha256: Arc<str>, text_len: usize, doc: Arc<ExecutableDocument>) {
        if text_len <= MAX_TEXT_BYTES {
            self.0.put(sha256, doc);
        }
    }
}

/// The document to execute: the operation `operation_name` selects (with every
/// fragment), or the whole document when there is no such operation, for async-graphql
/// to report. async-graphql computes the complexity of every operation of a document
/// with the variables sent for the one selected, so `query A($n: Int!) { posts(first:
/// $n) {…} } query B {…}` could not run `B` ("Variable n is not defined").
pub fn for_execution(doc: &ExecutableDocument, operation_name: Option<&str>) -> ExecutableDocument {
    // Without a name, a document of several operations is an error async-graphql
    // reports, and one of a single operation has nothing to leave out.
    let selected = operation_name.and_then(|_| super::order::selected(doc, operation_name));
    let operations = match (selected, &doc.operations) {
        (Some((Some(name), op)), DocumentOperations::Multiple(_)) => {
            DocumentOperations::Multiple([(name.clone(), op.clone())].into_iter().collect())
        }
        _ => doc.operations.clone(),
    };
    ExecutableDocument {
        operations,
        fragments: doc.fragments.clone(),
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use async_graphql::parser::parse_query;

    use super::*;

    fn doc(text: &str) -> Arc<ExecutableDocument> {
        Arc::new(parse_query(text).unwrap())
    }

    #[test]
    fn a_kept_document_is_found_by_its_hash_and_the_least_recent_goes_first() {
        let docs = ParsedDocuments::new(2);
        docs.put("a".into(), 10, doc("{ a }"));
        docs.put("b".into(), 10, doc("{ b }"));
        // Using `a` makes `b` the least recently used, so `c` replaces `b`.
        assert!(docs.get("a").is_some());
        docs.put("c".into(), 10, doc("{ c }"));
        assert!(docs.get("b").is_none());
        let a = docs.get("a").unwrap();
        assert_eq!(a.operations.iter().count(), 1);
        assert!(docs.get("c").is_some());
    }

    #[test]
    fn only_the_selected_operation_is_executed() {
        let doc = parse_query("query A($n: Int!) { a(n: $n) } query B { b } fragment F on Q { c }")
            .unwrap();
        let b = for_execution(&doc, Some("B"));
        let names: Vec<_> = b
            .operations
            .iter()
            .map(|(n, _)| n.map(|n| n.to_string()))
            .collect();
        assert_eq!(names, vec![Some("B".to_owned())]);
        assert_eq!(b.fragments.len(), 1);
        // An unknown name, or none with several operations, leaves async-graphql to say so.
        assert_eq!(for_execution(&doc, Some("C")).operations.iter().count(), 2);
        assert_eq!(for_execution(&doc, None).operations.iter().count(), 2);
        let single = parse_query("{ a }").unwrap();
        assert_eq!(
            for_execution(&single, Some("A")).operations.iter().count(),
            1
        );
    }

    #[test]
    fn long_documents_and_a_zero_capacity_keep_nothing() {
        let docs = ParsedDocuments::new(4);
        docs.put("long".into(), MAX_TEXT_BYTES + 1, doc("{ a }"));
        assert!(docs.get("long").is_none());
        docs.put("short".into(), MAX_TEXT_BYTES, doc("{ a }"));
        assert!(docs.get("short").is_some());

        let none = ParsedDocuments::new(0);
        none.put("a".into(), 10, doc("{ a }"));
        assert!(none.get("a").is_none());
    }
}
