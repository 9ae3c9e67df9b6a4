//! What every resolver of one request shares: the database, the request's clock and
//! the DataLoaders (created per request, so one request's cache never serves another).

use std::{
    collections::{BTreeSet, HashMap},
    sync::Arc,
};

use async_graphql::{
    Context,
    dataloader::{DataLoader, HashMapCache, Loader},
};
use chrono::{DateTime, Utc};
use sea_orm::DatabaseConnection;
use tokio::sync::OnceCell;

use super::{
    author::loader::{AuthorLoader, AuthorPostCountLoader, PostAuthorsLoader},
    media::loader::{MediaByHashLoader, MediaUsageLoader},
    page::loader::{PageAncestorsLoader, PageChildrenLoader},
    post::loader::PostLoader,
    series::loader::{SeriesEntriesLoader, SeriesLoader, SeriesPlaceLoader, SeriesPostsLoader},
    tag::loader::{PostTagsLoader, TagPostCountLoader},
};
use crate::{
    auth::{Principal, Secret},
    error::{ApiResult, AppError, AppResult},
    service::{self, post::Bodies},
};

/// A per-request, caching DataLoader: one request's cache never serves another.
pub type CachedLoader<T> = DataLoader<T, HashMapCache>;

/// A new per-request DataLoader over `loader`, with an empty cache.
fn cached<T: Loader<i64>>(loader: T) -> CachedLoader<T> {
    DataLoader::with_cache(loader, tokio::spawn, HashMapCache::default())
}

pub struct RequestState {
    pub db: DatabaseConnection,
    /// The server's signing secret.
    pub secret: Secret,
    /// The bearer token sent with the request, if any; checked only when needed, so a
    /// stale token never breaks public reads or `refreshToken`.
    pub bearer: Option<String>,
    /// The client address, for rate limits.
    pub client: String,
    /// Webhook endpoints may point at non-public addresses (`QUIRE_WEBHOOK_ALLOW_PRIVATE`).
    pub webhook_allow_private: bool,
    principal: OnceCell<Option<Principal>>,
    /// Set when the answer depends on more than the query (a preview token opened a
    /// draft): such an answer must not be cached or shared.
    personal: std::sync::atomic::AtomicBool,
    /// One instant per request, so every visibility check in it agrees.
    pub now: DateTime<Utc>,
    /// The cache keys of the answer (see [`super::cache_tags`]).
    pub tags: super::cache_tags::TagCollector,
    pub authors: CachedLoader<AuthorLoader>,
    /// A post's authors, in byline order.
    pub post_authors: CachedLoader<PostAuthorsLoader>,
    /// Public posts per author (any place in the byline).
    pub author_counts: CachedLoader<AuthorPostCountLoader>,
    pub post_tags: CachedLoader<PostTagsLoader>,
    pub tag_counts: CachedLoader<TagPostCountLoader>,
    /// Every category, read once when the request first needs one (see
    /// [`Self::category_tree`]).
    category_tree: tokio::sync::Mutex<Option<Arc<service::category::Tree>>>,
    /// Publicly visible posts filed directly under each category (see
    /// [`Self::category_counts`]).
    category_counts: OnceCell<Arc<HashMap<i64, i64>>>,
    pub series: CachedLoader<SeriesLoader>,
    pub series_posts: CachedLoader<SeriesPostsLoader>,
    /// The IDs alone, for previous/next and positions.
    pub series_entries: CachedLoader<SeriesEntriesLoader>,
    pub series_places: CachedLoader<SeriesPlaceLoader>,
    /// Posts by ID (series neighbours).
    pub posts: CachedLoader<PostLoader>,
    /// The same without their bodies, for selections that ask for none of them.
    pub posts_without_bodies: CachedLoader<PostLoader>,
    /// A page's children, in menu order.
    pub page_children: CachedLoader<PageChildrenLoader>,
    /// A page's ancestors, the root first.
    pub page_ancestors: CachedLoader<PageAncestorsLoader>,
    /// What uses each media file, by its SHA-256.
    pub media_usage: DataLoader<MediaUsageLoader, HashMapCache>,
    /// Media files by SHA-256.
    pub media_by_hash: DataLoader<MediaByHashLoader, HashMapCache>,
}

impl RequestState {
    /// Marks the answer as not shareable (see `personal`).
    pub fn mark_personal(&self) {
        self.personal
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether the answer may be cached for everyone.
    pub fn is_personal(&self) -> bool {
        self.personal.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Lets webhook endpoints point at non-public addresses.
    pub fn webhook_allow_private(mut self, allow: bool) -> Self {
        self.webhook_allow_private = allow;
        self
    }

    pub fn new(
        db: DatabaseConnection,
        now: DateTime<Utc>,
        secret: Secret,
        bearer: Option<String>,
        client: String,
    ) -> Self {
        Self {
            secret,
            bearer,
            client,
            webhook_allow_private: false,
            principal: OnceCell::new(),
            personal: std::sync::atomic::AtomicBool::new(false),
            tags: super::cache_tags::TagCollector::default(),
            authors: cached(AuthorLoader::new(db.clone())),
            post_authors: cached(PostAuthorsLoader::new(db.clone())),
            author_counts: cached(AuthorPostCountLoader::new(db.clone(), now)),
            post_tags: cached(PostTagsLoader::new(db.clone())),
            tag_counts: cached(TagPostCountLoader::new(db.clone(), now)),
            category_tree: tokio::sync::Mutex::new(None),
            category_counts: OnceCell::new(),
            series: cached(SeriesLoader::new(db.clone())),
            series_posts: cached(SeriesPostsLoader::new(db.clone(), now)),
            series_entries: cached(SeriesEntriesLoader::new(db.clone(), now)),
            series_places: cached(SeriesPlaceLoader::new(db.clone(), now)),
            posts: cached(PostLoader::new(db.clone(), Bodies::Read)),
            posts_without_bodies: cached(PostLoader::new(db.clone(), Bodies::Skip)),
            page_children: cached(PageChildrenLoader::new(db.clone())),
            page_ancestors: cached(PageAncestorsLoader::new(db.clone())),
            media_usage: DataLoader::with_cache(
                MediaUsageLoader::new(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            media_by_hash: DataLoader::with_cache(
                MediaByHashLoader::new(db.clone()),
                tokio::spawn,
                HashMapCache::default(),
            ),
            db,
            now,
        }
    }
}

impl RequestState {
    /// The caller, if the request carries a token; an invalid, expired or revoked token,
    /// or one of a disabled user, is UNAUTHENTICATED.
    pub async fn principal(&self) -> AppResult<Option<&Principal>> {
        let p = self
            .principal
            .get_or_try_init(|| async {
                match &self.bearer {
                    None => Ok(None),
                    Some(t) => service::auth::authenticate(&self.db, &self.secret, t)
                        .await
                        .map(Some),
                }
            })
            .await?;
        Ok(p.as_ref())
    }

    /// The whole category tree, read in one statement the first time a request needs
    /// any category (its parents, children, paths and posts' categories all come from
    /// it: a category tree is small), and again after [`Self::forget_category_tree`].
    pub async fn category_tree(&self) -> AppResult<Arc<service::category::Tree>> {
        let mut held = self.category_tree.lock().await;
        if let Some(t) = held.as_ref() {
            return Ok(t.clone());
        }
        let t = Arc::new(service::category::tree(&self.db).await?);
        *held = Some(t.clone());
        Ok(t)
    }

    /// Publicly visible posts filed directly under each category (categories without
    /// any are absent), read in one statement the first time a request needs a count.
    pub async fn category_counts(&self) -> AppResult<Arc<HashMap<i64, i64>>> {
        let counts = self
            .category_counts
            .get_or_try_init(|| async {
                service::category::public_post_counts(&self.db, self.now)
                    .await
                    .map(Arc::new)
            })
            .await?;
        Ok(counts.clone())
    }

    /// Drops the tree read so far (a mutation changed it).
    pub async fn forget_category_tree(&self) {
        *self.category_tree.lock().await = None;
    }

    /// The caller, who must be authenticated.
    pub async fn require_principal(&self) -> AppResult<&Principal> {
        self.principal().await?.ok_or(AppError::Unauthenticated)
    }
}

/// The request state, or INTERNAL when the HTTP layer did not attach it (as an
/// `Arc<RequestState>`, which it keeps to read [`RequestState::is_personal`] after).
pub fn state<'a>(ctx: &Context<'a>) -> ApiResult<&'a RequestState> {
    ctx.data::<std::sync::Arc<RequestState>>()
        .map(AsRef::as_ref)
        .map_err(|_| AppError::Internal("request state missing".into()).into())
}

/// What `loader` holds for `keys`: the values already cached, and the others loaded
/// straight from its [`Loader`] in one statement and fed to its cache. Unlike
/// `load_many`, there is no batching delay to wait out: every key is known here.
pub async fn fill<T>(
    loader: &CachedLoader<T>,
    keys: impl IntoIterator<Item = i64>,
) -> Result<HashMap<i64, T::Value>, T::Error>
where
    T: Loader<i64>,
{
    let wanted: BTreeSet<i64> = keys.into_iter().collect();
    let mut known = loader.get_cached_values::<i64>();
    known.retain(|k, _| wanted.contains(k));
    let missing: Vec<i64> = wanted
        .iter()
        .filter(|k| !known.contains_key(k))
        .copied()
        .collect();
    if !missing.is_empty() {
        let loaded = loader.loader().load(&missing).await?;
        loader.feed_many(loaded.clone()).await;
        known.extend(loaded);
    }
    Ok(known)
}

/// DataLoader errors must be `Clone`; a service error becomes a shared `DbErr`.
pub fn loader_error(e: AppError) -> std::sync::Arc<sea_orm::DbErr> {
    std::sync::Arc::new(match e {
        AppError::Database(e) => e,
        other => sea_orm::DbErr::Custom(other.to_string()),
    })
}
