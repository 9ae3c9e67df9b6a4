//! The response cache: epochs, scheduled changes, the memory budget, and the clock
//! refreshes that concurrent requests share.

use super::*;
use crate::service::cache_tags::Changed;

fn key(v: &str) -> CacheKey {
    CacheKey {
        document: "abc".into(),
        operation: None,
        variables: v.into(),
    }
}

fn clock(generation: i64) -> ContentClock {
    ContentClock {
        generation,
        next_change: None,
    }
}

#[test]
fn entries_of_an_old_epoch_are_not_served() {
    let cache = ResponseCache::new(1 << 20);
    cache.apply(clock(1), Changed::Everything);
    let epoch = cache.epoch(Utc::now()).unwrap();
    cache.put(
        key("a"),
        epoch,
        Arc::new(CachedBody::new(Bytes::from("x"), Vec::new())),
    );
    assert_eq!(&cache.get(&key("a"), epoch).unwrap().body[..], b"x");
    cache.apply(clock(1), Changed::Everything); // unchanged: same epoch
    assert!(
        cache
            .get(&key("a"), cache.epoch(Utc::now()).unwrap())
            .is_some()
    );
    cache.apply(clock(2), Changed::Everything);
    let new_epoch = cache.epoch(Utc::now()).unwrap();
    assert_ne!(new_epoch, epoch);
    assert!(cache.get(&key("a"), new_epoch).is_none());
    assert_eq!(cache.bytes(), 0);
    // A response begun in the old epoch is not kept.
    cache.put(
        key("b"),
        epoch,
        Arc::new(CachedBody::new(Bytes::from("y"), Vec::new())),
    );
    assert!(cache.get(&key("b"), epoch).is_none());
}

fn tagged(body: &str, tags: &[&str]) -> Arc<CachedBody> {
    let tags = tags.iter().map(|t| (*t).to_owned()).collect();
    Arc::new(CachedBody::new(Bytes::from(body.to_owned()), tags))
}

fn keys(keys: &[&str]) -> Changed {
    let mut c = Changed::none();
    keys.iter().for_each(|k| c.add(*k));
    c
}

#[test]
fn a_change_drops_only_the_entries_tagged_with_its_keys() {
    let cache = ResponseCache::new(1 << 20);
    cache.apply(clock(1), Changed::Everything);
    let epoch = cache.epoch(Utc::now()).unwrap();
    cache.put(key("post"), epoch, tagged("p", &["post:1", "tag:1"]));
    cache.put(key("tag2"), epoch, tagged("t", &["posts:tag:2", "post:2"]));
    cache.put(key("unknown"), epoch, tagged("u", &[]));
    cache.apply(clock(2), keys(&["post:1", "posts:tag:1"]));
    let now = cache.epoch(Utc::now()).unwrap();
    assert!(cache.get(&key("post"), now).is_none());
    assert!(
        cache.get(&key("tag2"), now).is_some(),
        "another tag's page stays"
    );
    assert!(
        cache.get(&key("unknown"), now).is_none(),
        "untagged is `all`"
    );
    // An answer begun before the change is kept only if the change missed it.
    cache.put(key("late-post"), epoch, tagged("p", &["post:1"]));
    cache.put(key("late-tag"), epoch, tagged("t", &["posts:tag:2"]));
    assert!(cache.get(&key("late-post"), now).is_none());
    assert!(cache.get(&key("late-tag"), now).is_some());
    // A change forgotten since the answer began: not kept.
    for g in 3..(4 + REMEMBERED_CHANGES as i64) {
        cache.apply(clock(g), keys(&["post:9"]));
    }
    cache.put(key("old"), now, tagged("o", &["posts:tag:2"]));
    assert!(cache.get(&key("old"), now).is_none());
}

#[test]
fn a_scheduled_change_makes_the_clock_stale_when_it_comes() {
    let cache = ResponseCache::new(1 << 20);
    let soon = Utc::now() + chrono::TimeDelta::seconds(90);
    cache.apply(
        ContentClock {
            generation: 1,
            next_change: Some(soon),
        },
        Changed::Everything,
    );
    assert!(cache.epoch(Utc::now()).is_some());
    assert!(cache.epoch(soon).is_none());
    let secs = cache.seconds_until_change(Utc::now()).unwrap();
    assert!((88..=90).contains(&secs), "{secs}");
}

#[test]
fn memory_stays_within_the_budget() {
    let cache = ResponseCache::new(64 * 1024);
    cache.apply(clock(1), Changed::Everything);
    let epoch = cache.epoch(Utc::now()).unwrap();
    for i in 0..100 {
        let body = Bytes::from(vec![b'x'; 2000]);
        cache.put(
            key(&i.to_string()),
            epoch,
            Arc::new(CachedBody::new(body, Vec::new())),
        );
    }
    assert!(cache.bytes() <= 64 * 1024, "{}", cache.bytes());
    assert!(cache.get(&key("99"), epoch).is_some(), "newest kept");
    assert!(cache.get(&key("0"), epoch).is_none(), "oldest dropped");
    // Too big for the cache: not kept at all.
    cache.put(
        key("big"),
        epoch,
        Arc::new(CachedBody::new(Bytes::from(vec![b'x'; 20_000]), Vec::new())),
    );
    assert!(cache.get(&key("big"), epoch).is_none());
}

/// A migrated SQLite database in a file of its own, removed when the test ends.
struct TempDb {
    db: DatabaseConnection,
    path: std::path::PathBuf,
}

impl TempDb {
    async fn new() -> Self {
        let path = std::env::temp_dir().join(format!("quire-cache-{}.db", uuid::Uuid::new_v4()));
        let db = crate::db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
            .await
            .unwrap();
        crate::db::migrate(&db).await.unwrap();
        Self { db, path }
    }

    /// A content write, as any server or command would make it (the triggers bump the
    /// generation).
    async fn write(&self) {
        use sea_orm::ConnectionTrait;
        self.db
            .execute_unprepared(
                "INSERT INTO tags (name, slug, created_at, updated_at) \
             VALUES ('새 태그', '새-태그', '2026-12-06T00:00:00Z', '2026-12-06T00:00:00Z')",
            )
            .await
            .unwrap();
    }
}

impl Drop for TempDb {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", self.path.display()));
        }
    }
}

fn reads(cache: &ResponseCache) -> u64 {
    cache.clock.refreshes.load(Ordering::Acquire)
}

/// Starts `n` refreshes while another refresh holds the clock, lets them all reach the
/// wait, then lets the clock go: what each of them answered.
async fn refreshes_queued_behind_another(
    cache: &Arc<ResponseCache>,
    db: &DatabaseConnection,
    n: usize,
) -> Vec<bool> {
    let holding = cache.clock.refreshing.lock().await;
    let tasks: Vec<_> = (0..n)
        .map(|_| {
            let (cache, db) = (cache.clone(), db.clone());
            tokio::spawn(async move { cache.refresh(&db).await })
        })
        .collect();
    // The runtime has one thread: every task runs up to its wait before the timer fires.
    tokio::time::sleep(Duration::from_millis(50)).await;
    // The holder's refresh: the clock was read while they waited.
    cache.clock.refreshes.fetch_add(1, Ordering::AcqRel);
    drop(holding);
    let mut answers = Vec::with_capacity(n);
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

#[tokio::test]
async fn refreshes_that_waited_for_another_take_its_result() {
    let temp = TempDb::new().await;
    let cache = Arc::new(ResponseCache::new(1 << 20));
    assert!(cache.refresh(&temp.db).await);
    assert_eq!(reads(&cache), 1);
    let epoch = cache.epoch(Utc::now()).unwrap();

    let answers = refreshes_queued_behind_another(&cache, &temp.db, 32).await;
    assert_eq!(answers, vec![true; 32]);
    // None of the 32 read the clock again: the read they waited for is theirs.
    assert_eq!(reads(&cache), 2);
    assert_eq!(cache.epoch(Utc::now()), Some(epoch));

    // A refresh that begins after a write reads it.
    temp.write().await;
    assert!(cache.refresh(&temp.db).await);
    assert_eq!(reads(&cache), 3);
    assert_ne!(
        cache.epoch(Utc::now()).unwrap(),
        epoch,
        "the write ended the epoch"
    );
}

#[tokio::test]
async fn a_refresh_after_a_write_always_reads_the_clock_itself() {
    let temp = TempDb::new().await;
    let cache = ResponseCache::new(1 << 20);
    assert!(cache.refresh(&temp.db).await);
    let before = cache.epoch(Utc::now()).unwrap();
    cache.put(
        key("a"),
        before,
        Arc::new(CachedBody::new(Bytes::from("x"), Vec::new())),
    );

    // Each of this server's writes reads the clock after it, even while other refreshes
    // are waiting: a refresh begun before the write could not have seen it.
    temp.write().await;
    let answers =
        futures_util::future::join_all((0..4).map(|_| cache.refresh_after_write(&temp.db))).await;
    assert_eq!(answers, vec![true; 4]);
    assert_eq!(reads(&cache), 5);
    let after = cache.epoch(Utc::now()).unwrap();
    assert_ne!(after, before);
    assert!(
        cache.get(&key("a"), after).is_none(),
        "the old answer is gone"
    );
    assert_eq!(cache.bytes(), 0);
}

#[tokio::test]
async fn a_failed_read_makes_the_clock_stale_and_waiting_refreshes_share_it() {
    let temp = TempDb::new().await;
    let cache = Arc::new(ResponseCache::new(1 << 20));
    assert!(cache.refresh(&temp.db).await);
    assert!(cache.epoch(Utc::now()).is_some());
    temp.db.clone().close().await.unwrap();
    assert!(!cache.refresh(&temp.db).await);
    assert_eq!(reads(&cache), 2);
    assert!(
        cache.epoch(Utc::now()).is_none(),
        "nothing is current until a read succeeds"
    );

    // Requests that waited while the failing read ran answer its failure, without
    // each waiting for a connection in turn.
    cache.clock.last_read.store(false, Ordering::Release);
    let answers = refreshes_queued_behind_another(&cache, &temp.db, 8).await;
    assert_eq!(answers, vec![false; 8]);
    assert_eq!(reads(&cache), 3, "only the holder's read");
}
