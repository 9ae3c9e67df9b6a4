//! The open-model load on one server: a request leaves on schedule whether or not the
//! earlier ones have been answered (so a slow server shows as latency and requests in
//! flight, not as a lower rate), and its latency runs from the moment it was due.
//!
//! Of every `rate / writes_per_sec` requests one is an editor's write: of ten writes, one
//! `createPost` (a draft), one `publishPost` of a draft created earlier, and eight
//! `updatePost`s of published posts taken in turn (so no two writes race on a post).

use std::{
    collections::VecDeque,
    sync::{
        Arc, Mutex,
        atomic::{AtomicU64, Ordering},
    },
    time::Duration,
};

use serde_json::json;
use tokio::time::{Instant, MissedTickBehavior};

use super::{
    api::{ApiKey, gql, int_at, str_at},
    mix::{self, Read, Targets},
    seed::{Editable, Seeded},
    stats::{Interval, Kind},
};
use crate::{
    corpus::text::{self, Rng},
    run::check,
    shapes::Request,
};

/// How long a request may take before it counts as an error (a timeout).
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// Errors printed in full per server; the rest are only counted.
const ERRORS_SHOWN: u64 = 10;

/// One server under load and what the load has learnt about it.
pub struct Load {
    pub name: &'static str,
    base: String,
    client: reqwest::Client,
    targets: Targets,
    key: ApiKey,
    /// Post slugs to read: the corpus's and those published during the run.
    slugs: Mutex<Vec<String>>,
    published: Mutex<VecDeque<Editable>>,
    drafts: Mutex<VecDeque<Editable>>,
    stats: Mutex<Interval>,
    in_flight: AtomicU64,
    errors: AtomicU64,
}

impl Load {
    pub fn new(name: &'static str, base: String, seeded: Seeded) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder().timeout(TIMEOUT).build()?;
        Ok(Self {
            name,
            base,
            client,
            slugs: Mutex::new(seeded.targets.post_slugs.clone()),
            targets: seeded.targets,
            key: seeded.key,
            published: Mutex::new(seeded.published.into()),
            drafts: Mutex::new(VecDeque::new()),
            stats: Mutex::new(Interval::default()),
            in_flight: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        })
    }

    /// The counts since the last call, and the requests still in flight.
    pub fn take_interval(&self) -> (Interval, u64) {
        let i = self
            .stats
            .lock()
            .map(|mut s| std::mem::take(&mut *s))
            .unwrap_or_default();
        (i, self.in_flight.load(Ordering::SeqCst))
    }

    pub fn in_flight(&self) -> u64 {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// Sends `rate` requests a second until `end`, `writes_per_sec` of them writes.
    pub async fn run(self: Arc<Self>, rate: f64, writes_per_sec: f64, end: Instant, seed: u64) {
        let mut rng = Rng(seed | 1);
        let write_every = if writes_per_sec > 0.0 {
            (rate / writes_per_sec).round().max(1.0) as u64
        } else {
            u64::MAX
        };
        let mut ticker = tokio::time::interval(Duration::from_secs_f64(1.0 / rate));
        // Late ticks are sent at once, so the rate holds on average (open model).
        ticker.set_missed_tick_behavior(MissedTickBehavior::Burst);
        let mut n: u64 = 0;
        let mut writes: u64 = 0;
        loop {
            let due = ticker.tick().await;
            if due >= end {
                return;
            }
            n += 1;
            if let Ok(mut s) = self.stats.lock() {
                s.sent += 1;
            }
            self.in_flight.fetch_add(1, Ordering::SeqCst);
            let me = self.clone();
            if n.is_multiple_of(write_every) {
                writes += 1;
                let k = writes;
                tokio::spawn(async move {
                    let outcome = me.write(k).await;
                    me.finish(Kind::Write, due, outcome);
                });
            } else {
                let read = Read::pick(&mut rng);
                let slug = self.post_slug(&mut rng);
                let body = mix::request(read, &mut rng, &self.targets, &slug);
                tokio::spawn(async move {
                    let outcome = check(&me.client, &me.base, &Request::Post(body))
                        .await
                        .map(|_| ())
                        .map_err(|e| format!("{read:?}: {e}"));
                    me.finish(Kind::Read, due, outcome);
                });
            }
        }
    }

    fn post_slug(&self, rng: &mut Rng) -> String {
        self.slugs
            .lock()
            .ok()
            .and_then(|s| s.get(rng.below(s.len())).cloned())
            .unwrap_or_default()
    }

    fn finish(&self, kind: Kind, due: Instant, outcome: Result<(), String>) {
        let latency = due.elapsed();
        if let Err(e) = &outcome {
            let n = self.errors.fetch_add(1, Ordering::SeqCst) + 1;
            if n <= ERRORS_SHOWN {
                eprintln!("  {} error {n}: {e}", self.name);
            }
        }
        if let Ok(mut s) = self.stats.lock() {
            s.record(kind, latency, outcome.is_ok());
        }
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
    }

    /// The `k`-th write of the run.
    async fn write(&self, k: u64) -> Result<(), String> {
        let token = self.key.token()?;
        match k % 10 {
            1 => self.create(&token, k).await,
            6 => match pop(&self.drafts) {
                Some(draft) => self.publish(&token, draft).await,
                None => self.update(&token, k).await,
            },
            _ => self.update(&token, k).await,
        }
        .map_err(|e| format!("write {k}: {e}"))
    }

    async fn create(&self, token: &str, k: u64) -> Result<(), String> {
        let i = usize::try_from(k).unwrap_or(0);
        let mut rng = Rng(k.wrapping_mul(0x9e37_79b9) | 1);
        let tags: Vec<&str> = (0..3)
            .filter_map(|_| {
                let t = &self.targets.tag_slugs;
                t.get(rng.below(t.len())).map(String::as_str)
            })
            .collect();
        let input = json!({
            "title": format!("{}번째 소크 글: {} 정리", k, text::TOPICS[i % text::TOPICS.len()]),
            "markdown": text::body(&mut rng, 2 * i, 3, 600),
            "tags": tags,
            "category": self.targets.category_slugs.get(i % 3),
        });
        let d = gql(
            &self.client,
            &self.base,
            Some(token),
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id version } } }",
            json!({ "i": input }),
        )
        .await?;
        let draft = Editable {
            id: str_at(&d, "createPost.post.id")?,
            version: int_at(&d, "createPost.post.version")?,
        };
        push(&self.drafts, draft);
        Ok(())
    }

    async fn publish(&self, token: &str, draft: Editable) -> Result<(), String> {
        let d = gql(
            &self.client,
            &self.base,
            Some(token),
            "mutation($id: ID!, $v: Int!) { publishPost(input: { id: $id, expectedVersion: $v }) \
             { post { slug version } } }",
            json!({ "id": draft.id, "v": draft.version }),
        )
        .await?;
        let slug = str_at(&d, "publishPost.post.slug")?;
        let version = int_at(&d, "publishPost.post.version")?;
        if let Ok(mut s) = self.slugs.lock() {
            s.push(slug);
        }
        push(
            &self.published,
            Editable {
                id: draft.id,
                version,
            },
        );
        Ok(())
    }

    /// Rewrites the body of the published post whose turn it is.
    async fn update(&self, token: &str, k: u64) -> Result<(), String> {
        let Some(mut post) = pop(&self.published) else {
            return Err("no published post to update".to_owned());
        };
        let mut rng = Rng(k.wrapping_mul(0x85eb_ca6b) | 1);
        let i = usize::try_from(k).unwrap_or(0);
        let result = gql(
            &self.client,
            &self.base,
            Some(token),
            "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version } } }",
            json!({ "i": { "id": post.id, "expectedVersion": post.version,
                           "markdown": text::body(&mut rng, i, 4, 900) } }),
        )
        .await
        .and_then(|d| int_at(&d, "updatePost.post.version"));
        // Back in the queue either way; after a failure with the version it had.
        if let Ok(v) = &result {
            post.version = *v;
        }
        push(&self.published, post);
        result.map(|_| ())
    }
}

fn pop(q: &Mutex<VecDeque<Editable>>) -> Option<Editable> {
    q.lock().ok().and_then(|mut q| q.pop_front())
}

fn push(q: &Mutex<VecDeque<Editable>>, e: Editable) {
    if let Ok(mut q) = q.lock() {
        q.push_back(e);
    }
}
