//! A feed of the newest public posts of the blog, or of one tag, category (with the
//! categories below it), series or author, as the neutral model of
//! [`crate::syndication`]: absolute URLs, the sanitised HTML with its relative links made
//! absolute (or only the excerpt, as the site setting says), a permanent id per post.
//! Five statements: the scope, the posts, their authors, their tags (the settings are
//! read by the caller).

use chrono::{DateTime, Utc};
use entity::post;
use sea_orm::ConnectionTrait;

use super::{FeedPaths, FeedScope, base_url};
use crate::{
    error::{AppError, AppResult},
    render,
    service::{
        author,
        cache_tags::{Entity, SITE},
        category,
        keyset::Window,
        post::{self as posts, Bodies, PostFilter, PostOrder, Scope, authors},
        series,
        site::{FeedContent, SiteSettings},
        tag,
        url::{self, SitePage, Taxonomy},
    },
    syndication::{Entry, Feed, Format, Person},
};

/// What a scoped feed is about: its name and description.
pub(super) struct About {
    pub name: String,
    description: Option<String>,
    updated_at: Option<DateTime<Utc>>,
    /// Its cache key and its posts' (a category's: and those below it).
    keys: Vec<String>,
}

/// The tag, category, series or author a feed follows; NOT_FOUND when there is none.
pub(super) async fn about<C: ConnectionTrait>(db: &C, t: Taxonomy, slug: &str) -> AppResult<About> {
    let entity = Entity::of_taxonomy(t);
    let mut below = Vec::new();
    let found = match t {
        Taxonomy::Tag => tag::find_by_slug(db, slug)
            .await?
            .map(|x| (x.id, x.name, x.description, x.updated_at)),
        Taxonomy::Category => {
            let tree = category::tree(db).await?;
            let found = tree.by_slug(slug);
            if let Some(c) = found {
                below = tree.subtree(c.id);
            }
            found.map(|x| (x.id, x.name.clone(), x.description.clone(), x.updated_at))
        }
        Taxonomy::Series => series::find_by_slug(db, slug)
            .await?
            .map(|x| (x.id, x.title, x.description, x.updated_at)),
        Taxonomy::Author => author::find_by_slug(db, slug)
            .await?
            .filter(|u| u.deleted_at.is_none())
            .map(|u| (u.id, u.display_name, u.bio, u.updated_at)),
    };
    let (id, name, description, updated_at) =
        found.ok_or_else(|| AppError::NotFound(format!("{} '{slug}'", t.noun())))?;
    let mut keys = vec![entity.key(id), entity.posts_key(id)];
    keys.extend(below.into_iter().map(|c| entity.posts_key(c)));
    Ok(About {
        name,
        description,
        updated_at: Some(updated_at),
        keys,
    })
}

fn filter(scope: &FeedScope) -> PostFilter {
    let mut f = PostFilter::default();
    if let FeedScope::Of(t, slug) = scope {
        let slug = Some(slug.clone());
        match t {
            Taxonomy::Tag => f.tags = slug.into_iter().collect(),
            Taxonomy::Category => f.category = slug,
            Taxonomy::Series => f.series = slug,
            Taxonomy::Author => f.author = slug,
        }
    }
    f
}

/// The feed of `scope` in `format`, as the public sees it at `now`, and its cache keys
/// (see [`crate::service::cache_tags`]).
pub async fn feed<C: ConnectionTrait>(
    db: &C,
    paths: &FeedPaths,
    settings: &SiteSettings,
    scope: &FeedScope,
    format: Format,
    now: DateTime<Utc>,
) -> AppResult<(Feed, Vec<String>)> {
    let base = base_url(settings)?;
    let about = match scope {
        FeedScope::Site => None,
        FeedScope::Of(t, slug) => Some(about(db, *t, slug).await?),
    };
    let full = settings.feed_content == FeedContent::Full;
    let bodies = if full { Bodies::Read } else { Bodies::Skip };
    let window = Window::Forward {
        after: None,
        limit: paths.items,
    };
    let listing = posts::list(
        db,
        Scope::Public(now),
        &filter(scope),
        PostOrder::default(),
        window,
        bodies,
        false,
    )
    .await?;
    let rows = listing.page.items;
    let ids: Vec<i64> = rows.iter().map(|p| p.id).collect();
    let mut bylines = authors::by_posts(db, &ids).await?;
    let mut tags = tag::by_posts(db, &ids).await?;
    let mut keys = vec![SITE.to_owned()];
    match &about {
        None => keys.push(Entity::Post.listing().to_owned()),
        Some(a) => keys.extend(a.keys.iter().cloned()),
    }
    keys.extend(ids.iter().map(|id| Entity::Post.key(*id)));
    for t in tags.values().flatten() {
        keys.push(Entity::Tag.key(t.id));
    }
    for u in bylines.values().flatten() {
        keys.push(Entity::Author.key(u.id));
    }
    let abs = |path: &str| {
        url::absolute(base, path)
            .ok_or_else(|| AppError::Internal(format!("base URL {base} cannot hold {path}")))
    };
    let mut entries = Vec::with_capacity(rows.len());
    for p in rows {
        let people = bylines.remove(&p.id).unwrap_or_default();
        let tag_names = tags
            .remove(&p.id)
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.name)
            .collect();
        let post_url = abs(&SitePage::Post(&p.slug).path())?;
        entries.push(Entry {
            id: permanent_id(base, &p),
            content_html: full.then(|| absolute_html(&p.html, base, &post_url)),
            title: p.title,
            summary: p.excerpt,
            published: p.published_at.unwrap_or(p.created_at),
            updated: p.updated_at,
            authors: people
                .into_iter()
                .map(|u| Person {
                    url: url::absolute(base, &SitePage::Listing(Taxonomy::Author, &u.slug).path()),
                    name: u.display_name,
                })
                .collect(),
            tags: tag_names,
            image: p.cover_image.as_deref().and_then(|c| settings.absolute(c)),
            url: post_url,
        });
    }
    let updated = entries
        .iter()
        .map(|e| e.updated)
        .chain(settings.updated_at)
        .chain(about.as_ref().and_then(|a| a.updated_at))
        .max()
        .unwrap_or(DateTime::UNIX_EPOCH);
    let (title, description) = match about {
        None => (settings.title.clone(), settings.description.clone()),
        Some(a) => (
            scoped_title(&a.name, &settings.title),
            a.description.or_else(|| settings.description.clone()),
        ),
    };
    let feed = Feed {
        title,
        description,
        home_url: abs(&scope.page().path())?,
        feed_url: abs(&paths.feed(scope, format))?,
        language: settings.language.clone(),
        updated,
        icon: settings.icon.as_deref().and_then(|i| settings.absolute(i)),
        entries,
    };
    keys.sort();
    keys.dedup();
    Ok((feed, keys))
}

/// The title of a tag's (category's, series', author's) feed: `회고 – 하늘의 노트`.
pub(super) fn scoped_title(name: &str, site: &str) -> String {
    format!("{name} – {site}")
}

/// A post's id in feeds (RFC 4151 `tag:` URI): the site's host, the day the post was
/// created and its number, so renaming a post does not make it new to readers.
fn permanent_id(base: &str, p: &post::Model) -> String {
    let host = ::url::Url::parse(base)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default();
    format!(
        "tag:{host},{}:post-{}",
        p.created_at.format("%Y-%m-%d"),
        p.id
    )
}

/// The post's stored (sanitised) HTML with relative links made absolute: `#note`
/// against the post's URL, a path on the site (`/media/a.png`) under the base URL, and
/// anything else against the post's URL.
fn absolute_html(html: &str, base: &str, post_url: &str) -> String {
    let base = base.to_owned();
    let post = ::url::Url::parse(post_url).ok();
    render::clean_resolving(html, move |link| {
        if url::is_site_path(link) {
            return url::absolute(&base, link);
        }
        post.as_ref()?.join(link).ok().map(String::from)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_in_a_post_become_absolute() {
        let html = r##"<p><a href="/tags/회고">t</a> <a href="#fn-1">1</a> <img src="a.png"></p>"##;
        let out = absolute_html(
            html,
            "https://example.com/blog/",
            "https://example.com/blog/posts/%ED%9A%8C%EA%B3%A0",
        );
        assert!(
            out.contains(r#"href="https://example.com/blog/tags/%ED%9A%8C%EA%B3%A0""#),
            "{out}"
        );
        assert!(
            out.contains(r#"href="https://example.com/blog/posts/%ED%9A%8C%EA%B3%A0#fn-1""#),
            "{out}"
        );
        assert!(
            out.contains(r#"src="https://example.com/blog/posts/a.png""#),
            "{out}"
        );
    }
}
