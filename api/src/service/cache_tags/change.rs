//! Which cache keys a change touches: the one home of that rule. The outbox calls it
//! for every write of a post, page, series, tag, category or the site (inside the
//! write's transaction), and the response cache for a scheduled post whose time came.
//!
//! A post or page names itself; when it was or is public, also every listing it could
//! enter or leave: `posts` (or `pages`) and the posts of each tag, category (with the
//! categories above it), series and author it had before or has after. A draft's edit
//! names only itself (no public answer shows it). A tag, series or category names
//! itself, its family's lists and its posts; a category also the posts of those above
//! it (its posts enter their listings when it moves there).

use chrono::{DateTime, Utc};
use entity::post;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::{Changed, Entity, SITE};
use crate::{
    error::AppResult,
    service::{post::visibility, webhook::payload::PostState},
};

/// The entity a post row is: a post or a page.
pub fn kind(k: post::Kind) -> Entity {
    match k {
        post::Kind::Post => Entity::Post,
        post::Kind::Page => Entity::Page,
    }
}

/// The keys of a post or page going from `before` to `after` (`None`: did not exist,
/// or was purged), as the public sees it at `at`.
pub fn of_post(
    before: Option<&PostState>,
    after: Option<&PostState>,
    at: DateTime<Utc>,
) -> Changed {
    let mut keys = Changed::none();
    let states = || before.into_iter().chain(after);
    let public = states().any(|s| visibility::is_public(&s.post, at));
    for s in states() {
        let entity = kind(s.post.kind);
        keys.add(entity.key(s.post.id));
        if public {
            listings_of(&mut keys, s);
        }
    }
    keys
}

/// The listings `s` belongs to.
fn listings_of(keys: &mut Changed, s: &PostState) {
    keys.add(kind(s.post.kind).listing());
    for t in &s.tags {
        keys.add(Entity::Tag.posts_key(t.id));
    }
    for c in &s.categories {
        keys.add(Entity::Category.posts_key(c.id));
    }
    if let Some(series) = &s.series {
        keys.add(Entity::Series.posts_key(series.id));
    }
    for a in &s.authors {
        keys.add(Entity::Author.posts_key(a.id));
    }
}

/// The keys of a tag, series or category that was created, changed or deleted (`also`:
/// the posts listings of other entries the change moved posts into, such as a merge's
/// target, or a category's parents).
pub fn of_named(entity: Entity, id: i64, also: &[i64]) -> Changed {
    let mut keys = Changed::none();
    keys.add(entity.key(id));
    keys.add(entity.listing());
    keys.add(entity.posts_key(id));
    for other in also {
        keys.add(entity.key(*other));
        keys.add(entity.posts_key(*other));
    }
    keys
}

/// The keys of a change of the site's settings.
pub fn of_site() -> Changed {
    let mut keys = Changed::none();
    keys.add(SITE);
    keys
}

/// More posts going live at once than this drop everything (reading each one's
/// relations would cost more than refilling the cache).
const MANY_WENT_LIVE: usize = 50;

/// The keys of the posts and pages whose scheduled time came in `[from, until]`: the
/// listings they entered.
pub async fn went_live<C: ConnectionTrait>(
    db: &C,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> AppResult<Changed> {
    let posts = post::Entity::find()
        .filter(post::Column::PublishedAt.gte(from))
        .filter(post::Column::PublishedAt.lte(until))
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::Status.is_in(visibility::LISTED_STATUSES))
        .all(db)
        .await?;
    if posts.len() > MANY_WENT_LIVE {
        return Ok(Changed::Everything);
    }
    let mut keys = Changed::none();
    for p in posts {
        let state = PostState::read(db, p).await?;
        keys.merge(of_post(None, Some(&state), until));
    }
    Ok(keys)
}
