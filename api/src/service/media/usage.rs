//! What uses a media file: a post's or page's cover image or body, an author's avatar,
//! the site's logo, icon, cover or sharing image. A reference is the file's URL, which
//! holds its hash (`/media/{sha256}/…`, with or without a CDN in front), so one `LIKE`
//! per table finds them all, for any number of files at once.

use std::collections::HashMap;

use entity::{post, site, user};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::links::PREFIX;
use crate::error::AppResult;

/// What kind of thing uses a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsageKind {
    Post,
    Page,
    Author,
    Site,
}

/// One use of a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Usage {
    pub kind: UsageKind,
    /// The post's, page's or author's ID; `None` for the site.
    pub id: Option<i64>,
    /// The post's title, the author's name, the site's title.
    pub title: String,
    /// Where: `coverImage`, `body`, `avatarUrl`, `logo`, `icon`, `ogImage`.
    pub field: &'static str,
}

impl std::fmt::Display for Usage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kind = match self.kind {
            UsageKind::Post => "post",
            UsageKind::Page => "page",
            UsageKind::Author => "author",
            UsageKind::Site => "the site",
        };
        match self.id {
            Some(id) => write!(f, "{kind} {id} «{}» ({})", self.title, self.field),
            None => write!(f, "{kind} ({})", self.field),
        }
    }
}

fn marker(sha256: &str) -> String {
    format!("{PREFIX}{sha256}/")
}

fn like(sha256: &str) -> String {
    format!("%{}%", marker(sha256))
}

/// The uses of each of the files whose hashes are `hashes` (every hash is a key).
pub async fn used_by<C: ConnectionTrait>(
    db: &C,
    hashes: &[String],
) -> AppResult<HashMap<String, Vec<Usage>>> {
    let mut found: HashMap<String, Vec<Usage>> =
        hashes.iter().map(|h| (h.clone(), Vec::new())).collect();
    if hashes.is_empty() {
        return Ok(found);
    }
    let mut in_posts = Condition::any();
    let mut in_users = Condition::any();
    for h in hashes {
        in_posts = in_posts
            .add(post::Column::CoverImage.like(like(h)))
            .add(post::Column::Markdown.like(like(h)));
        in_users = in_users.add(user::Column::AvatarUrl.like(like(h)));
    }
    let posts: Vec<(i64, String, post::Kind, Option<String>, String)> = post::Entity::find()
        .select_only()
        .columns([
            post::Column::Id,
            post::Column::Title,
            post::Column::Kind,
            post::Column::CoverImage,
            post::Column::Markdown,
        ])
        .filter(in_posts)
        .into_tuple()
        .all(db)
        .await?;
    let users: Vec<(i64, String, Option<String>)> = user::Entity::find()
        .select_only()
        .columns([
            user::Column::Id,
            user::Column::DisplayName,
            user::Column::AvatarUrl,
        ])
        .filter(in_users)
        .into_tuple()
        .all(db)
        .await?;
    let site = site::Entity::find_by_id(1).one(db).await?;
    for h in hashes {
        let m = marker(h);
        let uses = found.entry(h.clone()).or_default();
        let has = |v: &Option<String>| v.as_deref().is_some_and(|v| v.contains(&m));
        for (id, title, kind, cover, markdown) in &posts {
            let kind = match kind {
                post::Kind::Page => UsageKind::Page,
                post::Kind::Post => UsageKind::Post,
            };
            let mut add = |field| {
                uses.push(Usage {
                    kind,
                    id: Some(*id),
                    title: title.clone(),
                    field,
                });
            };
            if has(cover) {
                add("coverImage");
            }
            if markdown.contains(&m) {
                add("body");
            }
        }
        for (id, name, avatar) in &users {
            if has(avatar) {
                uses.push(Usage {
                    kind: UsageKind::Author,
                    id: Some(*id),
                    title: name.clone(),
                    field: "avatarUrl",
                });
            }
        }
        if let Some(s) = &site {
            for (field, value) in [
                ("logo", &s.logo),
                ("icon", &s.icon),
                ("coverImage", &s.cover_image),
                ("ogImage", &s.og_image),
            ] {
                if has(value) {
                    uses.push(Usage {
                        kind: UsageKind::Site,
                        id: None,
                        title: s.title.clone(),
                        field,
                    });
                }
            }
        }
    }
    Ok(found)
}
