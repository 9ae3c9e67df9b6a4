//! The subscriptions (`postPublished`, `postUpdated(id:)`, `contentChanged`), served
//! over WebSocket by the HTTP layer. Each one listens to the server's
//! [`Hub`](crate::service::live::hub::Hub) and keeps the events its caller may see;
//! every event is resolved with a request state of its own ([`session`]), so loaders
//! never serve one event's reads to the next and visibility is judged at that instant.

pub mod session;

use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Json, SimpleObject, Subscription};
use futures_util::{Stream, StreamExt, stream};
use tokio::sync::broadcast::{Receiver, error::RecvError};

pub use session::{LiveSession, PerEventState};

use super::{node, post::PostNode};
use crate::{
    auth::Principal,
    error::{ApiResult, AppError},
    service::{
        cache_tags,
        live::hub::{Delivered, Hub},
        post::{
            authors,
            read::{PostRef, find_readable},
            visibility,
        },
        webhook::payload,
    },
};

/// What a write changed that the public sees: what a frontend's cache must drop (the
/// same facts a webhook event carries).
#[derive(SimpleObject)]
pub struct ContentChange {
    /// The event type, as webhooks name it: `post.published`, `post.updated`,
    /// `post.unpublished`, `post.deleted`, the same four for `page`, `tag.created`,
    /// `tag.updated`, `tag.deleted` and the same for `series` and `category`, and
    /// `site.updated`.
    #[graphql(name = "type")]
    pub event_type: String,
    /// What changed.
    pub kind: ChangedKind,
    /// Its global ID (null for the site settings).
    pub id: Option<ID>,
    /// Its slug (null for the site settings).
    pub slug: Option<String>,
    /// The slug it had, when this change gave it a new one.
    pub former_slug: Option<String>,
    /// Its absolute URL, when the site has a base URL.
    pub url: Option<String>,
    /// Every path of the public site whose page may now be different (the entity's,
    /// its former one, `/` for posts, and the pages of its tags, categories, series and
    /// authors before and after).
    pub paths: Vec<String>,
    /// The cache tags the change touched, as the `Surrogate-Key` header names them on
    /// cached answers (`post:42`, `posts:tag:3`, `site`…; `all` for everything): drop
    /// exactly the answers tagged with one of them (see docs/delivery.md, Cache tags).
    pub cache_keys: Vec<String>,
    /// The `data` of the webhook event of the same change, whole (see docs/webhooks.md).
    pub data: Json<serde_json::Value>,
}

/// The kind of thing a [`ContentChange`] is about.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ChangedKind {
    /// A blog post.
    Post,
    /// A page.
    Page,
    /// A tag.
    Tag,
    /// A series.
    Series,
    /// A category.
    Category,
    /// The site settings (title, menus…): every page may show them.
    Site,
}

impl ContentChange {
    fn from_event(event_type: &str, data: &serde_json::Value) -> Option<Self> {
        let s = payload::subject(event_type, data);
        let kind = match s.family.as_str() {
            "post" => ChangedKind::Post,
            "page" => ChangedKind::Page,
            "tag" => ChangedKind::Tag,
            "series" => ChangedKind::Series,
            "category" => ChangedKind::Category,
            "site" => ChangedKind::Site,
            _ => return None,
        };
        Some(Self {
            event_type: event_type.to_owned(),
            kind,
            id: s.id.map(ID),
            slug: s.slug,
            former_slug: s.former_slug,
            url: s.url,
            paths: s.paths,
            cache_keys: cache_tags::event_keys(&serde_json::json!({ "data": data })),
            data: Json(data.clone()),
        })
    }
}

/// Every event from the hub, for as long as the subscriber listens (one that falls
/// more than the hub's backlog behind misses the oldest).
fn events(rx: Receiver<Arc<Delivered>>) -> impl Stream<Item = Arc<Delivered>> {
    stream::unfold(rx, |mut rx| async move {
        loop {
            match rx.recv().await {
                Ok(d) => return Some((d, rx)),
                Err(RecvError::Lagged(n)) => {
                    tracing::warn!(missed = n, "a subscriber fell behind");
                }
                Err(RecvError::Closed) => return None,
            }
        }
    })
}

fn hub<'a>(ctx: &Context<'a>) -> ApiResult<&'a Hub> {
    ctx.data::<Hub>()
        .map_err(|_| AppError::Internal("live hub missing".into()).into())
}

/// The subscriptions' streams, as [`SubscriptionRoot`] returns them.
fn published(ctx: &Context<'_>) -> ApiResult<impl Stream<Item = PostNode> + use<>> {
    let rx = hub(ctx)?.subscribe();
    Ok(events(rx).filter_map(|d| async move {
        let p = d.post.as_ref()?;
        (d.event.published && visibility::is_public(p, d.at))
            .then(|| PostNode::new(p.clone(), d.at))
    }))
}

async fn updated(ctx: &Context<'_>, id: ID) -> ApiResult<impl Stream<Item = PostNode> + use<>> {
    let n = node::decode_as(&id, node::Kind::Post, "id")?;
    let state = session::of(ctx)?.request_state();
    let who: Option<Principal> = state.principal().await?.cloned();
    if find_readable(&state.db, who.as_ref(), state.now, PostRef::Id(n))
        .await?
        .is_none()
    {
        return Err(AppError::NotFound(format!("post {}", id.as_str())).into());
    }
    let rx = hub(ctx)?.subscribe();
    let db = state.db.clone();
    let mine = events(rx).filter(move |d| std::future::ready(d.event.post_id == Some(n)));
    // Purged: nothing more will come.
    let alive = mine.take_while(|d| std::future::ready(d.post.is_some()));
    Ok(alive.filter_map(move |d| {
        let (db, who) = (db.clone(), who.clone());
        async move {
            let p = d.post.as_ref()?;
            let may = visibility::is_public(p, d.at)
                || match &who {
                    Some(w) => authors::may_read_draft(&db, w, p).await.unwrap_or(false),
                    None => false,
                };
            may.then(|| PostNode::new(p.clone(), d.at))
        }
    }))
}

fn changed(ctx: &Context<'_>) -> ApiResult<impl Stream<Item = ContentChange> + use<>> {
    let rx = hub(ctx)?.subscribe();
    Ok(events(rx).filter_map(|d| async move {
        let c = d.event.change.as_ref()?;
        ContentChange::from_event(&c.event_type, &c.data)
    }))
}

/// The root of the subscriptions, served over WebSocket on `/graphql`
/// (`graphql-transport-ws`).
#[derive(Default)]
pub struct SubscriptionRoot;

/// Subscriptions, over WebSocket on `/graphql` (`graphql-transport-ws`, the `graphql-ws`
/// client); see docs/subscriptions.md.
#[Subscription]
impl SubscriptionRoot {
    /// A post each time one becomes public: published now, or a scheduled post at its
    /// instant. Anyone may subscribe.
    async fn post_published(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = PostNode>> {
        published(ctx).map_err(Into::into)
    }

    /// The post after each write of it (an editor's live preview). The public may follow
    /// a published post; a draft needs a token in `connection_init` (`{"authorization":
    /// "Bearer …"}`) of someone who may read it (EDITOR, ADMIN, its authors), else
    /// NOT_FOUND, as `post(id:)` answers; a bad token is UNAUTHENTICATED. The stream ends
    /// when the post is deleted for good; while the caller may not see the post
    /// (unpublished, for the public) its writes are not sent.
    async fn post_updated(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post's global ID (a `Post` ID; another kind is BAD_USER_INPUT).")]
        id: ID,
    ) -> async_graphql::Result<impl Stream<Item = PostNode>> {
        updated(ctx, id).await.map_err(Into::into)
    }

    /// Each change the public can see (posts, pages, tags, series, categories, the site
    /// settings), with what a frontend cache must drop. Anyone may subscribe; edits of
    /// drafts send nothing.
    async fn content_changed(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<impl Stream<Item = ContentChange>> {
        changed(ctx).map_err(Into::into)
    }
}
