//! The in-process cache of anonymous query responses, bounded in memory.
//!
//! Entries are keyed by document hash, operation name and variables, and carry the
//! cache tags of their answer (see [`crate::service::cache_tags`]). The content clock
//! says when content changed: the database's content generation (bumped by triggers on
//! every content write, from any server or command) or the instant of the next
//! scheduled post. A server refreshes the clock after each of its own mutations, every
//! `poll` interval for writes made elsewhere, and at once when a scheduled post's time
//! comes. When it moved, the cache-tag journal (or the posts that went live) says what
//! changed, and only the entries tagged with one of those keys are dropped; a change
//! that named nothing drops everything.
//!
//! Each such change starts a new *epoch*. A request stamps the answer it keeps with the
//! epoch it began in; an answer begun before a change it is tagged with (read before
//! the write committed) is not kept.

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex, OnceLock,
        atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering},
    },
    time::Duration,
};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;

use super::{
    availability::Availability,
    encoding::{self, Encoding},
};
use crate::service::{
    self,
    cache_tags::{self, ALL, Changed},
    content_clock::ContentClock,
};

/// What identifies a response: the document, the operation in it, the variables.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CacheKey {
    pub document: Arc<str>,
    pub operation: Option<String>,
    pub variables: String,
}

/// A cached response body, its strong ETag, its cache tags, and its compressed forms
/// (made once, on first demand).
#[derive(Debug)]
pub struct CachedBody {
    pub body: Bytes,
    /// Hex digest of the body; the ETag of each encoding is derived from it.
    pub digest: String,
    /// What the answer contains, sorted (`[all]` when that is unknown).
    pub tags: Vec<String>,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
}

impl CachedBody {
    /// A body tagged with `tags` (none given: `all`, which any change ends).
    pub fn new(body: Bytes, mut tags: Vec<String>) -> Self {
        if tags.is_empty() {
            tags.push(ALL.to_owned());
        }
        tags.sort_unstable();
        tags.dedup();
        Self {
            digest: encoding::digest(&body),
            body,
            tags,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    /// The body in `encoding` (compressed on first use, then kept).
    pub fn encoded(&self, encoding: Encoding) -> Bytes {
        match encoding {
            Encoding::Identity => self.body.clone(),
            Encoding::Gzip => self
                .gzip
                .get_or_init(|| encoding::compress(Encoding::Gzip, &self.body))
                .clone(),
            Encoding::Brotli => self
                .brotli
                .get_or_init(|| encoding::compress(Encoding::Brotli, &self.body))
                .clone(),
        }
    }

    /// Memory charged for the entry: the body, and room for its compressed forms.
    fn weight(&self, key: &CacheKey) -> usize {
        let tags: usize = self.tags.iter().map(|t| t.len() + 24).sum();
        2 * self.body.len() + key.variables.len() + key.document.len() + tags + 256
    }
}

/// The content clock as this server last read it, and the epoch it stands for.
struct Clock {
    epoch: AtomicU64,
    generation: AtomicI64,
    /// The next scheduled change in microseconds since the epoch (`i64::MAX`: none).
    next_change_us: AtomicI64,
    /// One refresh at a time.
    refreshing: tokio::sync::Mutex<()>,
    /// Refreshes done so far, and whether the last one read the clock: a request that
    /// waited for another's refresh takes its result instead of reading again (with the
    /// database gone, waiting requests would otherwise each wait for a connection in
    /// turn).
    refreshes: AtomicU64,
    last_read: AtomicBool,
}

struct Entries {
    lru: lru::LruCache<CacheKey, Arc<CachedBody>>,
    bytes: usize,
    /// The latest changes, with the epoch each started, oldest first: an answer begun
    /// before one of them is kept only if none touches it.
    changes: VecDeque<(u64, Changed)>,
}

/// Changes remembered for answers still being made.
const REMEMBERED_CHANGES: usize = 64;

/// The response cache of one server.
pub struct ResponseCache {
    clock: Clock,
    entries: Mutex<Entries>,
    budget: usize,
}

impl ResponseCache {
    /// A cache of at most `budget` bytes (0: nothing is kept, but the clock still runs
    /// so `max-age` knows the next scheduled change).
    pub fn new(budget: usize) -> Self {
        Self {
            clock: Clock {
                epoch: AtomicU64::new(0),
                generation: AtomicI64::new(i64::MIN),
                next_change_us: AtomicI64::new(i64::MIN),
                refreshing: tokio::sync::Mutex::new(()),
                refreshes: AtomicU64::new(0),
                last_read: AtomicBool::new(false),
            },
            entries: Mutex::new(Entries {
                lru: lru::LruCache::unbounded(),
                bytes: 0,
                changes: VecDeque::new(),
            }),
            budget,
        }
    }

    pub fn enabled(&self) -> bool {
        self.budget > 0
    }

    /// The epoch a request starting at `now` belongs to, or `None` when the clock is
    /// out of date (a scheduled change has come): then refresh first.
    pub fn epoch(&self, now: DateTime<Utc>) -> Option<u64> {
        let next = self.clock.next_change_us.load(Ordering::Acquire);
        (now.timestamp_micros() < next).then(|| self.clock.epoch.load(Ordering::Acquire))
    }

    /// Seconds until public content changes by itself (a scheduled post), if known.
    pub fn seconds_until_change(&self, now: DateTime<Utc>) -> Option<u64> {
        let next = self.clock.next_change_us.load(Ordering::Acquire);
        if next == i64::MAX || next == i64::MIN {
            return None;
        }
        let micros = next.saturating_sub(now.timestamp_micros()).max(0);
        Some(u64::try_from(micros / 1_000_000).unwrap_or(0))
    }

    /// The cached body for `key` (a request whose clock is current: `epoch` is its
    /// proof; entries a change touched are gone).
    pub fn get(&self, key: &CacheKey, _epoch: u64) -> Option<Arc<CachedBody>> {
        let mut entries = self.entries.lock().ok()?;
        entries.lru.get(key).cloned()
    }

    /// Keeps `body` for `key`, made by a request that began in `epoch`, unless a change
    /// since then touches it (or is forgotten).
    pub fn put(&self, key: CacheKey, epoch: u64, body: Arc<CachedBody>) {
        let weight = body.weight(&key);
        if weight > self.budget / 8 {
            return; // Too big to be worth it.
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        // Changes are applied under this lock: the epoch and list are in step.
        let now = self.clock.epoch.load(Ordering::Acquire);
        if now != epoch {
            let oldest = entries.changes.front().map_or(u64::MAX, |(e, _)| *e);
            if oldest > epoch + 1 {
                return; // Changes since then are forgotten.
            }
            let tags = || body.tags.iter().map(String::as_str);
            let touched = entries
                .changes
                .iter()
                .any(|(e, c)| *e > epoch && c.touches(tags()));
            if touched {
                return; // Already stale.
            }
        }
        if let Some(old) = entries.lru.put(key.clone(), body) {
            entries.bytes = entries.bytes.saturating_sub(old.weight(&key));
        }
        entries.bytes += weight;
        while entries.bytes > self.budget {
            let Some((k, old)) = entries.lru.pop_lru() else {
                break;
            };
            entries.bytes = entries.bytes.saturating_sub(old.weight(&k));
        }
    }

    /// Bytes held now (for tests and metrics).
    pub fn bytes(&self) -> usize {
        self.entries.lock().map(|e| e.bytes).unwrap_or(0)
    }

    /// Reads the content clock; when it moved, starts a new epoch and drops the entries
    /// the change touched (see the module's doc).
    /// Returns false when the clock could not be read: then no request uses the cache
    /// as current until a read succeeds, but its entries stay, to be served as stale
    /// while the database is unreachable (see [`Self::get_stale`]).
    ///
    /// Concurrent callers share one read: one that waited while another refreshed takes
    /// that refresh's result.
    pub async fn refresh(&self, db: &DatabaseConnection) -> bool {
        let seen = self.clock.refreshes.load(Ordering::Acquire);
        let _one = self.clock.refreshing.lock().await;
        if self.clock.refreshes.load(Ordering::Acquire) != seen {
            return self.clock.last_read.load(Ordering::Acquire);
        }
        self.read_clock(db).await
    }

    /// [`Self::refresh`] that always reads the clock itself: after this server's own
    /// write, whose change a refresh begun before it could not see.
    pub async fn refresh_after_write(&self, db: &DatabaseConnection) -> bool {
        let _one = self.clock.refreshing.lock().await;
        self.read_clock(db).await
    }

    /// Reads the clock (the caller holds `refreshing`).
    async fn read_clock(&self, db: &DatabaseConnection) -> bool {
        let now = service::now();
        let read = match service::content_clock::read(db, now).await {
            Ok(clock) => {
                let changed = self.what_changed(db, clock, now).await;
                self.apply(clock, changed);
                true
            }
            Err(e) => {
                tracing::warn!(error = %e, "could not read the content clock");
                self.clock.next_change_us.store(i64::MIN, Ordering::Release);
                false
            }
        };
        self.clock.last_read.store(read, Ordering::Release);
        self.clock.refreshes.fetch_add(1, Ordering::AcqRel);
        read
    }

    /// The body kept for `key`: only for answering while the database is unreachable,
    /// labelled as stale.
    pub fn get_stale(&self, key: &CacheKey) -> Option<Arc<CachedBody>> {
        let mut entries = self.entries.lock().ok()?;
        entries.lru.get(key).cloned()
    }

    /// What changed since the clock this server knows: the journal's keys between the
    /// two generations, and the listings of the posts whose time came; everything when
    /// that cannot be told (the first read, a read that failed).
    async fn what_changed(
        &self,
        db: &DatabaseConnection,
        clock: ContentClock,
        now: DateTime<Utc>,
    ) -> Changed {
        let generation = self.clock.generation.load(Ordering::Acquire);
        let old_next = self.clock.next_change_us.load(Ordering::Acquire);
        if generation == i64::MIN || old_next == i64::MIN {
            return Changed::Everything;
        }
        let mut changed = Changed::none();
        if clock.generation != generation {
            let since = cache_tags::journal::since(db, generation, clock.generation).await;
            changed.merge(since.unwrap_or(Changed::Everything));
        }
        if old_next != i64::MAX && old_next <= now.timestamp_micros() {
            let from = DateTime::from_timestamp_micros(old_next).unwrap_or(now);
            let live = cache_tags::change::went_live(db, from, now).await;
            changed.merge(live.unwrap_or(Changed::Everything));
        }
        changed
    }

    /// Takes the clock as read, and drops what `changed` touched when it moved.
    fn apply(&self, clock: ContentClock, changed: Changed) {
        let next = clock.next_change.map_or(i64::MAX, |t| t.timestamp_micros());
        let generation = self.clock.generation.load(Ordering::Acquire);
        let old_next = self.clock.next_change_us.load(Ordering::Acquire);
        if generation == clock.generation && old_next == next {
            return;
        }
        let Ok(mut entries) = self.entries.lock() else {
            return;
        };
        // New epoch first, so no request stamps an entry with the old one after this.
        let epoch = self.clock.epoch.fetch_add(1, Ordering::AcqRel) + 1;
        self.clock
            .generation
            .store(clock.generation, Ordering::Release);
        self.clock.next_change_us.store(next, Ordering::Release);
        let entries = &mut *entries;
        match &changed {
            Changed::Everything => {
                entries.lru.clear();
                entries.bytes = 0;
            }
            Changed::Keys(_) => {
                let dead: Vec<CacheKey> = entries
                    .lru
                    .iter()
                    .filter(|(_, b)| changed.touches(b.tags.iter().map(String::as_str)))
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in dead {
                    if let Some(old) = entries.lru.pop(&k) {
                        entries.bytes = entries.bytes.saturating_sub(old.weight(&k));
                    }
                }
            }
        }
        entries.changes.push_back((epoch, changed));
        while entries.changes.len() > REMEMBERED_CHANGES {
            entries.changes.pop_front();
        }
    }

    /// Refreshes the clock every `interval`, for writes made by other servers and
    /// commands, until the process ends; a failed read marks the database unreachable.
    pub fn spawn_poller(
        self: Arc<Self>,
        db: DatabaseConnection,
        interval: Duration,
        availability: Arc<Availability>,
    ) {
        tokio::spawn(async move {
            // The clock was read at start: the first tick is one interval away.
            let mut tick =
                tokio::time::interval_at(tokio::time::Instant::now() + interval, interval);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                if !availability.is_down() && !self.refresh(&db).await {
                    availability.lost(&db, &self);
                }
            }
        });
    }
}

#[cfg(test)]
#[path = "cache_tests.rs"]
mod tests;
