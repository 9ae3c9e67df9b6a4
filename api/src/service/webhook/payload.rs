//! What an event says: the body every endpoint receives, shaped so a frontend knows what
//! to refresh without a second query. Each body is
//! `{"type", "timestamp", "data"}` (the Standard Webhooks recommendation); `data` names
//! the entity that changed (with its slug, former slug, path and absolute URL) and, for
//! a post or page, every tag, category (with its parents), series and author it had
//! before or has after the change, and `paths`: every path on the site whose page may
//! now be different. Absolute URLs need the site's base URL (null without it);
//! Hangul in paths is percent-encoded in URLs.

use chrono::{DateTime, SecondsFormat, Utc};
use entity::{category, post, series, tag, user};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::{
    error::AppResult,
    service::{
        category as categories,
        post::{authors, visibility},
        series as serieses, site,
        site::TargetKind,
        tag as tags,
    },
};

/// The global ID GraphQL gives an object of `type_name` (`base64("Post:42")`).
pub fn global_id(type_name: &str, id: i64) -> String {
    use base64::{Engine, engine::general_purpose::STANDARD};
    STANDARD.encode(format!("{type_name}:{id}"))
}

/// Where links point: the site's base URL, if it has one.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub base_url: Option<String>,
}

impl Site {
    pub async fn read<C: ConnectionTrait>(db: &C) -> AppResult<Self> {
        Ok(Self {
            base_url: site::read(db).await?.base_url,
        })
    }

    fn url(&self, path: &str) -> Value {
        match site::check::absolute(self.base_url.as_deref(), path) {
            Some(u) if self.base_url.is_some() => Value::String(u),
            _ => Value::Null,
        }
    }

    /// `{slug, name, path, url}` of a taxonomy entry or author.
    fn link(&self, slug: &str, name: &str, path: String) -> Value {
        json!({ "slug": slug, "name": name, "url": self.url(&path), "path": path })
    }
}

/// The whole body of an event.
pub fn body(event_type: &str, at: DateTime<Utc>, data: Value) -> String {
    json!({
        "type": event_type,
        "timestamp": at.to_rfc3339_opts(SecondsFormat::Micros, true),
        "data": data,
    })
    .to_string()
}

/// A post or page with everything its pages show that has a page of its own.
#[derive(Debug, Clone)]
pub struct PostState {
    pub post: post::Model,
    pub(crate) tags: Vec<tag::Model>,
    pub(crate) series: Option<series::Model>,
    /// The category and its parents, the top first.
    pub(crate) categories: Vec<category::Model>,
    pub(crate) authors: Vec<user::Model>,
}

impl PostState {
    /// Reads the relations of `post` (four statements, fewer without series or category).
    pub async fn read<C: ConnectionTrait>(db: &C, post: post::Model) -> AppResult<Self> {
        let tags = tags::by_posts(db, &[post.id])
            .await?
            .remove(&post.id)
            .unwrap_or_default();
        let series = match post.series_id {
            Some(id) => serieses::find_by_id(db, id).await?,
            None => None,
        };
        let categories = match post.category_id {
            Some(id) => categories::tree(db)
                .await?
                .path(id)
                .into_iter()
                .cloned()
                .collect(),
            None => Vec::new(),
        };
        let authors = authors::by_posts(db, &[post.id])
            .await?
            .remove(&post.id)
            .unwrap_or_default();
        Ok(Self {
            post,
            tags,
            series,
            categories,
            authors,
        })
    }
}

fn push_unique(v: &mut Vec<Value>, item: Value) {
    if !v.contains(&item) {
        v.push(item);
    }
}

fn kind_path(kind: post::Kind) -> TargetKind {
    match kind {
        post::Kind::Post => TargetKind::Post,
        post::Kind::Page => TargetKind::Page,
    }
}

/// The stored status, or PUBLISHED for a scheduled post whose time has come at `at`.
fn status_at(p: &post::Model, at: DateTime<Utc>) -> &'static str {
    if visibility::is_public(p, at) {
        return "PUBLISHED";
    }
    match p.status {
        post::Status::Draft => "DRAFT",
        post::Status::Scheduled => "SCHEDULED",
        post::Status::Published => "PUBLISHED",
        post::Status::Archived => "ARCHIVED",
    }
}

/// `data` of a post or page event: `after` as it is at `at` (or `before`, for a
/// deletion), its former slug when the change gave it a new one, and the union of the
/// relations of both states.
pub fn post_data(
    site: &Site,
    before: Option<&PostState>,
    after: &PostState,
    at: DateTime<Utc>,
) -> Value {
    let p = &after.post;
    let kind = kind_path(p.kind);
    let path = kind.path(&p.slug);
    let former = before
        .map(|b| &b.post.slug)
        .filter(|s| **s != p.slug)
        .cloned();
    let former_path = former.as_deref().map(|s| kind.path(s));
    let mut paths = vec![Value::String(path.clone())];
    if let Some(fp) = &former_path {
        paths.push(Value::String(fp.clone()));
    }
    if p.kind == post::Kind::Post {
        paths.push(Value::String("/".to_owned()));
    }
    let (mut tags, mut cats, mut series, mut authors) = (vec![], vec![], vec![], vec![]);
    for state in before.into_iter().chain(std::iter::once(after)) {
        for t in &state.tags {
            push_unique(
                &mut tags,
                site.link(&t.slug, &t.name, TargetKind::Tag.path(&t.slug)),
            );
        }
        for c in &state.categories {
            push_unique(
                &mut cats,
                site.link(&c.slug, &c.name, TargetKind::Category.path(&c.slug)),
            );
        }
        if let Some(s) = &state.series {
            push_unique(
                &mut series,
                site.link(&s.slug, &s.title, TargetKind::Series.path(&s.slug)),
            );
        }
        for a in &state.authors {
            push_unique(
                &mut authors,
                site.link(&a.slug, &a.display_name, site::author_path(&a.slug)),
            );
        }
    }
    for link in tags.iter().chain(&cats).chain(&series).chain(&authors) {
        push_unique(&mut paths, link["path"].clone());
    }
    let type_name = match p.kind {
        post::Kind::Post => "Post",
        post::Kind::Page => "Page",
    };
    json!({
        "post": {
            "id": global_id(type_name, p.id),
            "kind": type_name.to_uppercase(),
            "slug": p.slug,
            "formerSlug": former,
            "status": status_at(p, at),
            "title": p.title,
            "publishedAt": p.published_at,
            "updatedAt": p.updated_at,
            "deleted": p.deleted_at.is_some(),
            "url": site.url(&path),
            "path": path,
            "formerUrl": former_path.as_deref().map(|fp| site.url(fp)),
            "formerPath": former_path,
        },
        "tags": tags,
        "categories": cats,
        "series": series,
        "authors": authors,
        "paths": paths,
    })
}

/// `data` of a tag, series or category event: `{<kind>: {id, slug, formerSlug, name,
/// path, url, formerPath, formerUrl}, paths}`, `<kind>` being `tag`, `series` or
/// `category`.
pub fn named_data(
    site: &Site,
    kind: TargetKind,
    type_name: &str,
    id: i64,
    slug: &str,
    former_slug: Option<&str>,
    name: &str,
) -> Value {
    let path = kind.path(slug);
    let former_path = former_slug.filter(|f| *f != slug).map(|f| kind.path(f));
    let mut paths = vec![json!(path)];
    if let Some(fp) = &former_path {
        paths.push(json!(fp));
    }
    let mut data = serde_json::Map::new();
    data.insert(
        type_name.to_lowercase(),
        json!({
            "id": global_id(type_name, id),
            "slug": slug,
            "formerSlug": former_slug.filter(|f| *f != slug),
            "name": name,
            "url": site.url(&path),
            "path": path,
            "formerUrl": former_path.as_deref().map(|fp| site.url(fp)),
            "formerPath": former_path,
        }),
    );
    data.insert("paths".to_owned(), Value::Array(paths));
    Value::Object(data)
}

/// What an event's `data` is about, read back from the shapes above (for the
/// `contentChanged` subscription): the family of the event type (`post`, `page`, `tag`,
/// `series`, `category`, `site`), the entity's global ID, slug, former slug and URL, and
/// `paths`.
#[derive(Debug, Clone, PartialEq)]
pub struct Subject {
    pub family: String,
    pub id: Option<String>,
    pub slug: Option<String>,
    pub former_slug: Option<String>,
    pub url: Option<String>,
    pub paths: Vec<String>,
}

/// The [`Subject`] of an event of `event_type` with `data`.
pub fn subject(event_type: &str, data: &Value) -> Subject {
    let family = event_type.split('.').next().unwrap_or(event_type);
    // Posts and pages are both under `post` (see `post_data`).
    let key = if family == "page" { "post" } else { family };
    let entity = &data[key];
    let text = |v: &Value| v.as_str().map(str::to_owned);
    Subject {
        family: family.to_owned(),
        id: text(&entity["id"]),
        slug: text(&entity["slug"]),
        former_slug: text(&entity["formerSlug"]),
        url: text(&entity["url"]),
        paths: data["paths"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|p| p.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `data` of a `media.*` event: `{media: {id, sha256, filename, mimeType, kind, bytes,
/// width, height, alt, caption, path, url}, usedBy: [{kind, id, title, field}], paths}`:
/// `usedBy` what links the file (posts, pages, authors, the site), `paths` the pages of
/// the posts and pages among them (the site's pages when the site or an author does).
pub fn media_data(
    site: &Site,
    m: &entity::media::Model,
    used: &[crate::service::media::usage::Usage],
    slugs: &std::collections::HashMap<i64, (post::Kind, String)>,
) -> Value {
    use crate::service::{media::usage::UsageKind, url::SitePage};
    let path = crate::service::media::reference::path(m);
    let mut paths: Vec<Value> = Vec::new();
    let mut used_by = Vec::with_capacity(used.len());
    for u in used {
        let (kind, type_name) = match u.kind {
            UsageKind::Post => ("post", "Post"),
            UsageKind::Page => ("page", "Page"),
            UsageKind::Author => ("author", "Author"),
            UsageKind::Site => ("site", ""),
        };
        let page = match (u.kind, u.id.and_then(|id| slugs.get(&id))) {
            (UsageKind::Post | UsageKind::Page, Some((post::Kind::Post, slug))) => {
                Some(SitePage::Post(slug).path())
            }
            (UsageKind::Post | UsageKind::Page, Some((post::Kind::Page, slug))) => {
                Some(SitePage::Page(slug).path())
            }
            (UsageKind::Site, _) => Some("/".to_owned()),
            _ => None,
        };
        if let Some(p) = page {
            push_unique(&mut paths, json!(p));
        }
        used_by.push(json!({
            "kind": kind,
            "id": u.id.map(|id| global_id(type_name, id)),
            "title": u.title,
            "field": u.field,
        }));
    }
    json!({
        "media": {
            "id": global_id("Media", m.id),
            "sha256": m.sha256,
            "filename": m.filename,
            "mimeType": m.mime_type,
            "kind": format!("{:?}", m.kind).to_uppercase(),
            "bytes": m.bytes,
            "width": m.width,
            "height": m.height,
            "alt": m.alt,
            "caption": m.caption,
            "url": site.url(&path),
            "path": path,
        },
        "usedBy": used_by,
        "paths": paths,
    })
}
