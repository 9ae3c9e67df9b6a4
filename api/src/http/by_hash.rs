//! A bounded store of values by the SHA-256 of a document's text, least recently used
//! dropped first, shared by the server's tasks: what persisted queries and parsed
//! documents are kept in. Capacity 0 keeps nothing.

use std::{
    num::NonZeroUsize,
    sync::{Arc, Mutex},
};

pub struct ByHash<V> {
    store: Option<Mutex<lru::LruCache<Arc<str>, V>>>,
}

impl<V: Clone> ByHash<V> {
    /// A store of at most `capacity` values; 0 keeps none.
    pub fn new(capacity: usize) -> Self {
        Self {
            store: NonZeroUsize::new(capacity).map(|c| Mutex::new(lru::LruCache::new(c))),
        }
    }

    /// Whether the store keeps anything (capacity above 0).
    pub fn is_enabled(&self) -> bool {
        self.store.is_some()
    }

    /// The value kept for this hash, now the most recently used.
    pub fn get(&self, sha256: &str) -> Option<V> {
        let store = self.store.as_ref()?;
        // A panic while the lock was held cannot leave an LRU half-updated in a way
        // that matters here: at worst an entry is missing.
        let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
        store.get(sha256).cloned()
    }

    /// Keeps `value` for this hash, dropping the least recently used when full.
    pub fn put(&self, sha256: Arc<str>, value: V) {
        if let Some(store) = &self.store {
            let mut store = store.lock().unwrap_or_else(|e| e.into_inner());
            store.put(sha256, value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_least_recently_used_goes_first_and_zero_keeps_nothing() {
        let s = ByHash::new(2);
        s.put("a".into(), 1);
        s.put("b".into(), 2);
        assert_eq!(s.get("a"), Some(1));
        s.put("c".into(), 3);
        assert_eq!(
            (s.get("a"), s.get("b"), s.get("c")),
            (Some(1), None, Some(3))
        );
        let off = ByHash::new(0);
        off.put("a".into(), 1);
        assert!(!off.is_enabled());
        assert_eq!(off.get("a"), None);
    }
}
