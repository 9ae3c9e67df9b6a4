//! Pages: standalone content (About, Now, Uses) stored as `posts` rows of kind PAGE, so
//! they share the posts' Markdown rendering, revisions, previews, lifecycle, slug
//! history and one slug namespace, but stay out of post listings, series and tags
//! ([`crate::service::post::kind`]). What is a page's own lives here: the rules of its
//! fields ([`rules`]), its place in the tree (parent, children, ancestors: [`tree`])
//! and the page listings ([`listing`]).

pub mod listing;
pub mod rules;
pub mod tree;
pub mod write;

use chrono::{DateTime, Utc};
use entity::post;
use sea_orm::ConnectionTrait;

use crate::{
    auth::{Principal, Secret},
    error::{AppError, AppResult},
    service::post::{
        WithParents,
        read::{PostRef, find_readable_row, find_row_by_preview, may_read},
        write::load,
    },
};

pub use listing::list;
pub use rules::check_kind_fields;
pub use tree::{ancestors_of, children_of};

/// The page with `slug` (current or former) if the caller may read it.
pub async fn find_readable_page<C: ConnectionTrait>(
    db: &C,
    who: Option<&Principal>,
    now: DateTime<Utc>,
    by: PostRef<'_>,
) -> AppResult<Option<WithParents>> {
    Ok(find_readable_row(db, who, now, by)
        .await?
        .filter(|f| f.post.kind == post::Kind::Page))
}

/// The page a preview token opens (any status, not the trash).
pub async fn find_page_by_preview<C: ConnectionTrait>(
    db: &C,
    secret: &Secret,
    preview: &str,
) -> AppResult<Option<WithParents>> {
    Ok(find_row_by_preview(db, secret, preview)
        .await?
        .filter(|f| f.post.kind == post::Kind::Page))
}

/// Page `id`, which must exist and be a page (NOT_FOUND otherwise): the check of every
/// page mutation before it takes the post's path.
pub async fn load_page<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<post::Model> {
    let p = load(db, id).await?;
    if p.kind != post::Kind::Page {
        return Err(AppError::NotFound("page".into()));
    }
    Ok(p)
}

/// Whether `who` may see page `p` at `now` (the public: published pages; editors and the
/// page's author: also drafts), for the pages reached through another page.
pub fn visible(who: Option<&Principal>, now: DateTime<Utc>, p: &post::Model) -> bool {
    p.kind == post::Kind::Page && may_read(who, now, p)
}
