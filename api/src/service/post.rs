//! Posts: who may see which, and every query and write on the `posts` table.

use chrono::{DateTime, Utc};
use entity::{post, post_tag, series, tag, user};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, IdenStatic, Iterable, Order,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait, Select,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};

use super::keyset::{self, Slice, SortKey, Window};
use crate::error::AppResult;

/// The rule of the public read API: published (or scheduled and due), not in the trash.
/// A scheduled post therefore appears on time without any job running.
pub fn publicly_visible(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(post::Column::DeletedAt.is_null())
        .add(post::Column::Status.is_in([post::Status::Published, post::Status::Scheduled]))
        .add(post::Column::PublishedAt.lte(now))
}

/// When the next scheduled post goes live (the earliest future `publishedAt` of a post
/// that will then be public), if any: public reads change at that instant without a write.
pub async fn next_publication(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> AppResult<Option<DateTime<Utc>>> {
    let next = post::Entity::find()
        .select_only()
        .column_as(post::Column::PublishedAt.min(), "next")
        .filter(post::Column::DeletedAt.is_null())
        .filter(post::Column::Status.is_in([post::Status::Published, post::Status::Scheduled]))
        .filter(post::Column::PublishedAt.gt(now))
        .into_tuple::<Option<DateTime<Utc>>>()
        .one(db)
        .await?;
    Ok(next.flatten())
}

/// Which posts a listing may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// What the public read API shows at this instant.
    Public(DateTime<Utc>),
    /// Every status, but not the trash (for a writer's own listing).
    Everything,
}

impl Scope {
    fn condition(self) -> Condition {
        match self {
            Self::Public(now) => publicly_visible(now),
            Self::Everything => Condition::all().add(post::Column::DeletedAt.is_null()),
        }
    }
}

/// The status a reader is told: a scheduled post whose time has come is published.
pub fn effective_status(p: &post::Model, now: DateTime<Utc>) -> post::Status {
    match (p.status, p.published_at) {
        (post::Status::Scheduled, Some(at)) if at <= now => post::Status::Published,
        (s, _) => s,
    }
}

/// Narrowing of a post listing; every part must hold.
#[derive(Debug, Clone, Default)]
pub struct PostFilter {
    /// Posts carrying any of these tags (by slug).
    pub tags: Vec<String>,
    pub series: Option<String>,
    pub author: Option<String>,
    pub author_id: Option<i64>,
    pub published_after: Option<DateTime<Utc>>,
    pub published_before: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostSort {
    PublishedAt,
    UpdatedAt,
    Title,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PostOrder {
    pub sort: PostSort,
    pub descending: bool,
}

impl Default for PostOrder {
    fn default() -> Self {
        Self {
            sort: PostSort::PublishedAt,
            descending: true,
        }
    }
}

impl PostSort {
    fn column(self) -> post::Column {
        match self {
            Self::PublishedAt => post::Column::PublishedAt,
            Self::UpdatedAt => post::Column::UpdatedAt,
            Self::Title => post::Column::Title,
        }
    }

    /// The cursor key of `p` under this sort.
    pub fn key_of(self, p: &post::Model) -> SortKey {
        match self {
            Self::PublishedAt => SortKey::Time(p.published_at.unwrap_or(p.created_at)),
            Self::UpdatedAt => SortKey::Time(p.updated_at),
            Self::Title => SortKey::Text(p.title.clone()),
        }
    }
}

fn filter_condition(scope: Scope, f: &PostFilter) -> Condition {
    scope.condition().add(narrowing(f))
}

/// What `f` asks for, without any visibility rule (search adds its own scope).
pub fn narrowing(f: &PostFilter) -> Condition {
    let mut c = Condition::all();
    if !f.tags.is_empty() {
        c = c.add(
            post::Column::Id.in_subquery(
                Query::select()
                    .column(post_tag::Column::PostId)
                    .from(post_tag::Entity)
                    .inner_join(
                        tag::Entity,
                        sea_orm::sea_query::Expr::col((tag::Entity, tag::Column::Id))
                            .equals((post_tag::Entity, post_tag::Column::TagId)),
                    )
                    .and_where(tag::Column::Slug.is_in(f.tags.clone()))
                    .to_owned(),
            ),
        );
    }
    if let Some(s) = &f.series {
        c = c.add(
            post::Column::SeriesId.in_subquery(
                series::Entity::find()
                    .select_only()
                    .column(series::Column::Id)
                    .filter(series::Column::Slug.eq(s.as_str()))
                    .into_query(),
            ),
        );
    }
    if let Some(a) = &f.author {
        c = c.add(
            post::Column::AuthorId.in_subquery(
                user::Entity::find()
                    .select_only()
                    .column(user::Column::Id)
                    .filter(user::Column::Slug.eq(a.as_str()))
                    .into_query(),
            ),
        );
    }
    if let Some(id) = f.author_id {
        c = c.add(post::Column::AuthorId.eq(id));
    }
    if let Some(t) = f.published_after {
        c = c.add(post::Column::PublishedAt.gt(t));
    }
    if let Some(t) = f.published_before {
        c = c.add(post::Column::PublishedAt.lt(t));
    }
    c
}

/// One page of a listing.
/// Whether a listing reads the posts' bodies (Markdown, HTML, table of contents and
/// front matter): most of a post's bytes, and of a listing's cost, yet unused by
/// listings that show titles and excerpts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bodies {
    Read,
    /// Left empty (`""`, `[]`, `{}`) in the models returned.
    Skip,
}

/// The fields of the GraphQL `Post` type that read the body columns: a selection
/// without any of them can take posts loaded with [`Bodies::Skip`].
pub const BODY_FIELDS: [&str; 4] = ["markdown", "html", "toc", "frontMatter"];

/// The body columns [`Bodies::Skip`] leaves out.
const BODY_COLUMNS: [post::Column; 4] = [
    post::Column::Markdown,
    post::Column::Html,
    post::Column::Toc,
    post::Column::FrontMatter,
];

/// `q` reading every column but the bodies, which come back empty.
fn without_bodies(q: Select<post::Entity>, backend: DbBackend) -> Select<post::Entity> {
    let (empty_list, empty_object) = match backend {
        DbBackend::Postgres => ("'[]'::jsonb", "'{}'::jsonb"),
        _ => ("'[]'", "'{}'"),
    };
    let kept =
        post::Column::iter().filter(|c| !BODY_COLUMNS.iter().any(|b| b.as_str() == c.as_str()));
    q.select_only()
        .columns(kept)
        .column_as(Expr::val(""), "markdown")
        .column_as(Expr::val(""), "html")
        .column_as(Expr::cust(empty_list), "toc")
        .column_as(Expr::cust(empty_object), "front_matter")
}

/// A page of posts and, when asked for, their authors (read in the same statement).
pub struct Listing {
    pub page: Slice<post::Model>,
    pub authors: Vec<user::Model>,
}

/// The rows `q` finds, with each post's author when `with_authors` (a LEFT JOIN).
async fn rows_of<C: ConnectionTrait>(
    db: &C,
    q: Select<post::Entity>,
    with_authors: bool,
) -> AppResult<Vec<(post::Model, Option<user::Model>)>> {
    Ok(if with_authors {
        q.find_also_related(user::Entity).all(db).await?
    } else {
        q.all(db).await?.into_iter().map(|p| (p, None)).collect()
    })
}

pub async fn list<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    filter: &PostFilter,
    order: PostOrder,
    window: Window,
    bodies: Bodies,
    with_authors: bool,
) -> AppResult<Listing> {
    let key_col = order.sort.column();
    let mut base = match tag_page_ids(scope, filter, order, &window) {
        Some(ids) => post::Entity::find()
            .filter(scope.condition())
            .filter(post::Column::Id.in_subquery(ids)),
        None => post::Entity::find().filter(filter_condition(scope, filter)),
    };
    if bodies == Bodies::Skip {
        base = without_bodies(base, db.get_database_backend());
    }
    let ordered = |q: sea_orm::Select<post::Entity>, descending: bool| {
        let dir = if descending { Order::Desc } else { Order::Asc };
        q.order_by(key_col, dir.clone())
            .order_by(post::Column::Id, dir)
    };
    let (q, limit, reverse) = match window {
        Window::Forward { after, limit } => {
            let mut q = ordered(base, order.descending);
            if let Some(c) = after {
                q = q.filter(keyset::beyond(
                    key_col,
                    post::Column::Id,
                    c,
                    order.descending,
                ));
            }
            (q, limit, false)
        }
        Window::Backward { before, limit } => {
            let mut q = ordered(base, !order.descending);
            if let Some(c) = before {
                q = q.filter(keyset::beyond(
                    key_col,
                    post::Column::Id,
                    c,
                    !order.descending,
                ));
            }
            (q, limit, true)
        }
        Window::Offset { offset, limit } => {
            (ordered(base, order.descending).offset(offset), limit, false)
        }
    };
    let rows = rows_of(db, q.limit(limit + 1), with_authors).await?;
    let slice = keyset::into_slice(rows, limit, reverse);
    let mut authors = Vec::new();
    let mut posts = Vec::with_capacity(slice.items.len());
    for (p, a) in slice.items {
        posts.push(p);
        authors.extend(a);
    }
    Ok(Listing {
        page: Slice {
            items: posts,
            has_more: slice.has_more,
        },
        authors,
    })
}

/// The links of a public listing by tags alone (no other narrowing), read instead of the
/// posts: triggers copy each post's visibility and date into its links (see
/// [`super::tag::publicly_listed`]), so a tag page costs its page, not its tag's size.
fn tag_links(scope: Scope, f: &PostFilter) -> Option<(SelectStatement, bool)> {
    let Scope::Public(now) = scope else {
        return None;
    };
    let only_tags = f.series.is_none()
        && f.author.is_none()
        && f.author_id.is_none()
        && f.published_after.is_none()
        && f.published_before.is_none();
    if f.tags.is_empty() || !only_tags {
        return None;
    }
    let tag_ids = Query::select()
        .column(tag::Column::Id)
        .from(tag::Entity)
        .and_where(tag::Column::Slug.is_in(f.tags.clone()))
        .to_owned();
    // One tag: an equality, so the index walks that tag's links in date order.
    let single = f.tags.len() == 1;
    let of_tags = if single {
        Expr::col(post_tag::Column::TagId).eq(Expr::SubQuery(
            None,
            Box::new(sea_orm::sea_query::QueryStatementBuilder::into_sub_query_statement(tag_ids)),
        ))
    } else {
        post_tag::Column::TagId.in_subquery(tag_ids)
    };
    let links = Query::select()
        .from(post_tag::Entity)
        .cond_where(super::tag::publicly_listed(now))
        .and_where(of_tags)
        .to_owned();
    Some((links, single))
}

/// The ids of the page `window` of a public listing by tags alone, from the links (see
/// [`tag_links`]); `None` for any other listing.
fn tag_page_ids(
    scope: Scope,
    f: &PostFilter,
    order: PostOrder,
    window: &Window,
) -> Option<SelectStatement> {
    if order.sort != PostSort::PublishedAt {
        return None;
    }
    let (mut q, single) = tag_links(scope, f)?;
    // The rows the listing's own query then pages through (it skips `offset` itself).
    let (descending, cursor, rows) = match window {
        Window::Forward { after, limit } => (order.descending, after.as_ref(), *limit + 1),
        Window::Backward { before, limit } => (!order.descending, before.as_ref(), *limit + 1),
        Window::Offset { offset, limit } => (order.descending, None, offset + limit + 1),
    };
    let dir = if descending { Order::Desc } else { Order::Asc };
    q.column(post_tag::Column::PostId);
    if !single {
        // A post with several of the tags has a link for each.
        q.group_by_columns([post_tag::Column::PostId, post_tag::Column::PublishedAt]);
    }
    if let Some(c) = cursor {
        q.cond_where(keyset::beyond(
            post_tag::Column::PublishedAt,
            post_tag::Column::PostId,
            c.clone(),
            descending,
        ));
    }
    q.order_by(post_tag::Column::PublishedAt, dir.clone())
        .order_by(post_tag::Column::PostId, dir)
        .limit(rows);
    Some(q)
}

/// How many posts a listing with `filter` holds.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    filter: &PostFilter,
) -> AppResult<u64> {
    if let Some((mut q, _)) = tag_links(scope, filter) {
        q.expr_as(
            Expr::col(post_tag::Column::PostId).count_distinct(),
            sea_orm::sea_query::Alias::new("n"),
        );
        let backend = db.get_database_backend();
        let n = match db.query_one_raw(backend.build(&q)).await? {
            Some(row) => row.try_get::<i64>("", "n")?,
            None => 0,
        };
        return Ok(u64::try_from(n).unwrap_or(0));
    }
    Ok(post::Entity::find()
        .filter(filter_condition(scope, filter))
        .count(db)
        .await?)
}

/// The order of the posts within a series: position, then date, then ID.
const SERIES_ORDER: [post::Column; 3] = [
    post::Column::SeriesPosition,
    post::Column::PublishedAt,
    post::Column::Id,
];

/// `q` ordered by series, then in [`SERIES_ORDER`].
fn in_series_order(q: Select<post::Entity>) -> Select<post::Entity> {
    SERIES_ORDER
        .iter()
        .fold(q.order_by_asc(post::Column::SeriesId), |q, c| {
            q.order_by_asc(*c)
        })
}

/// Publicly visible posts of each series, in series order.
pub async fn public_by_series<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    series_ids: &[i64],
) -> AppResult<Vec<post::Model>> {
    Ok(in_series_order(
        post::Entity::find()
            .filter(publicly_visible(now))
            .filter(post::Column::SeriesId.is_in(series_ids.iter().copied())),
    )
    .all(db)
    .await?)
}

/// IDs of the publicly visible posts of each series, in series order, as
/// `(series_id, post_id)`: what previous/next and positions need, without reading the
/// posts' bodies (a covering index answers it).
pub async fn public_ids_by_series<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    series_ids: &[i64],
) -> AppResult<Vec<(i64, i64)>> {
    let rows: Vec<(Option<i64>, i64)> = in_series_order(
        post::Entity::find()
            .select_only()
            .column(post::Column::SeriesId)
            .column(post::Column::Id)
            .filter(publicly_visible(now))
            .filter(post::Column::SeriesId.is_in(series_ids.iter().copied())),
    )
    .into_tuple()
    .all(db)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(series, id)| Some((series?, id)))
        .collect())
}

/// Where a post stands in its series among the publicly visible posts: its 1-based
/// position and the posts just before and after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeriesPlace {
    pub position: i64,
    pub previous: Option<i64>,
    pub next: Option<i64>,
}

/// The [`SeriesPlace`] of each of `post_ids` that is publicly visible and in a series,
/// in the order of [`public_ids_by_series`]. Each neighbour is one step along
/// `idx_posts_series_order` from the post (a keyset lookup, the same for a series of 10
/// posts or of 1,000); the position counts the visible posts up to the post in that
/// index, without reading them. Posts of a series always have a `series_position`
/// (every write that sets a series numbers it).
pub async fn series_places<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
    post_ids: &[i64],
) -> AppResult<Vec<(i64, SeriesPlace)>> {
    use post::Column::{Id, PublishedAt, SeriesId, SeriesPosition};
    use sea_orm::sea_query::{Alias, QueryStatementBuilder};

    let p = Alias::new("p");
    let outer = |c: post::Column| Expr::col((p.clone(), c));
    let inner = |c: post::Column| Expr::col((post::Entity, c));
    // The posts after `p` in series order ([`SERIES_ORDER`]), or before it (`backwards`),
    // with `p` itself too when `or_same`.
    let beyond = |backwards: bool, or_same: bool| {
        let cmp = |c: post::Column| {
            if backwards {
                inner(c).lt(outer(c))
            } else {
                inner(c).gt(outer(c))
            }
        };
        let last = match (backwards, or_same) {
            (true, true) => inner(Id).lte(outer(Id)),
            (false, true) => inner(Id).gte(outer(Id)),
            _ => cmp(Id),
        };
        let tie = |c: post::Column| inner(c).eq(outer(c));
        Condition::any().add(cmp(SeriesPosition)).add(
            Condition::all().add(tie(SeriesPosition)).add(
                Condition::any()
                    .add(cmp(PublishedAt))
                    .add(Condition::all().add(tie(PublishedAt)).add(last)),
            ),
        )
    };
    let in_series_of_p = |side: Condition| {
        Condition::all()
            .add(inner(SeriesId).eq(outer(SeriesId)))
            .add(publicly_visible(now))
            .add(side)
    };
    let neighbour = |side: Condition, dir: Order| {
        let mut q = Query::select();
        q.expr(inner(Id))
            .from(post::Entity)
            .cond_where(in_series_of_p(side));
        for c in SERIES_ORDER {
            q.order_by((post::Entity, c), dir.clone());
        }
        Expr::SubQuery(
            None,
            Box::new(q.limit(1).to_owned().into_sub_query_statement()),
        )
    };
    let position = Query::select()
        .expr(inner(Id).count())
        .from(post::Entity)
        .cond_where(in_series_of_p(beyond(true, true)))
        .to_owned();
    let asked = post::Entity::find()
        .select_only()
        .column(Id)
        .filter(Id.is_in(post_ids.iter().copied()))
        .filter(SeriesId.is_not_null())
        .filter(publicly_visible(now))
        .into_query();
    let mut query = Query::select()
        .expr_as(outer(Id), Alias::new("id"))
        .expr_as(
            Expr::SubQuery(None, Box::new(position.into_sub_query_statement())),
            Alias::new("position"),
        )
        .expr_as(
            neighbour(beyond(true, false), Order::Desc),
            Alias::new("previous"),
        )
        .expr_as(
            neighbour(beyond(false, false), Order::Asc),
            Alias::new("next"),
        )
        .from_as(post::Entity, p.clone())
        .and_where(outer(Id).in_subquery(asked))
        .order_by((p.clone(), SeriesId), Order::Asc)
        .to_owned();
    for c in SERIES_ORDER {
        query.order_by((p.clone(), c), Order::Asc);
    }
    let backend = db.get_database_backend();
    let rows = db.query_all_raw(backend.build(&query)).await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get::<i64>("", "id")?,
                SeriesPlace {
                    position: r.try_get::<i64>("", "position")?,
                    previous: r.try_get::<Option<i64>>("", "previous")?,
                    next: r.try_get::<Option<i64>>("", "next")?,
                },
            ))
        })
        .collect()
}

/// The posts with these IDs, with their bodies or without (see [`Bodies`]).
pub async fn find_by_ids<C: ConnectionTrait>(
    db: &C,
    ids: &[i64],
    bodies: Bodies,
) -> AppResult<Vec<post::Model>> {
    let mut q = post::Entity::find().filter(post::Column::Id.is_in(ids.iter().copied()));
    if bodies == Bodies::Skip {
        q = without_bodies(q, db.get_database_backend());
    }
    Ok(q.all(db).await?)
}

pub async fn count_all<C: ConnectionTrait>(db: &C) -> AppResult<u64> {
    Ok(post::Entity::find().count(db).await?)
}

/// Sets the Markdown of a post and everything rendered from it, so no write can store
/// a body without its html, toc, excerpt and reading time.
pub fn set_content(active: &mut post::ActiveModel, markdown: &str, custom_excerpt: Option<&str>) {
    set_rendered(
        active,
        markdown,
        &crate::render::render(markdown),
        custom_excerpt,
    );
}

/// [`set_content`] with `r = render(markdown)` done by the caller (bulk imports render
/// on other threads).
pub fn set_rendered(
    active: &mut post::ActiveModel,
    markdown: &str,
    r: &crate::render::Rendered,
    custom_excerpt: Option<&str>,
) {
    use sea_orm::Set;
    active.markdown = Set(markdown.to_owned());
    active.html = Set(r.html.clone());
    active.toc = Set(serde_json::to_value(&r.toc).unwrap_or_default());
    active.custom_excerpt = Set(custom_excerpt.map(str::to_owned));
    active.excerpt = Set(custom_excerpt.map_or_else(|| r.excerpt.clone(), str::to_owned));
    active.reading_time_minutes = Set(r.reading_time_minutes);
    active.word_count = Set(r.word_count);
}

/// A slug not used by any post but `except`: `base`, `base-2`, `base-3`…
pub async fn unique_slug<C: ConnectionTrait>(
    db: &C,
    base: &str,
    except: Option<i64>,
) -> AppResult<String> {
    let taken: Vec<(i64, String)> = post::Entity::find()
        .select_only()
        .column(post::Column::Id)
        .column(post::Column::Slug)
        .filter(
            Condition::any()
                .add(post::Column::Slug.eq(base))
                .add(post::Column::Slug.starts_with(format!("{base}-"))),
        )
        .into_tuple()
        .all(db)
        .await?;
    let used: std::collections::HashSet<&str> = taken
        .iter()
        .filter(|(id, _)| Some(*id) != except)
        .map(|(_, s)| s.as_str())
        .collect();
    if !used.contains(base) {
        return Ok(base.to_owned());
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base}-{n}");
        if !used.contains(candidate.as_str()) {
            return Ok(candidate);
        }
        n += 1;
    }
}

pub async fn find_by_source_path<C: ConnectionTrait>(
    db: &C,
    path: &str,
) -> AppResult<Option<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::SourcePath.eq(path))
        .one(db)
        .await?)
}

/// The posts whose source path is `path` or whose slug is `slug` (at most two).
pub async fn find_by_source_path_or_slug<C: ConnectionTrait>(
    db: &C,
    path: &str,
    slug: &str,
) -> AppResult<Vec<post::Model>> {
    Ok(post::Entity::find()
        .filter(
            Condition::any()
                .add(post::Column::SourcePath.eq(path))
                .add(post::Column::Slug.eq(slug)),
        )
        .all(db)
        .await?)
}

pub async fn find_by_slug<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> AppResult<Option<post::Model>> {
    Ok(post::Entity::find()
        .filter(post::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// A post with its author and its series (when it has one), read in one statement: a
/// post page shows all three, and each would otherwise be a statement of its own.
pub struct WithParents {
    pub post: post::Model,
    pub author: Option<user::Model>,
    pub series: Option<series::Model>,
}

/// The post `q` finds, with its parents (LEFT JOINs on the author and the series).
pub async fn one_with_parents<C: ConnectionTrait>(
    db: &C,
    q: Select<post::Entity>,
) -> AppResult<Option<WithParents>> {
    let row = q
        .find_also_related(user::Entity)
        .find_also_related(series::Entity)
        .one(db)
        .await?;
    Ok(row.map(|(post, author, series)| WithParents {
        post,
        author,
        series,
    }))
}

/// The post with `slug`, or the post that had it before a rename, with its parents.
pub async fn find_by_slug_or_alias<C: ConnectionTrait>(
    db: &C,
    slug: &str,
) -> AppResult<Option<WithParents>> {
    let by_slug = post::Entity::find().filter(post::Column::Slug.eq(slug));
    if let Some(p) = one_with_parents(db, by_slug).await? {
        return Ok(Some(p));
    }
    let alias = entity::slug_alias::Entity::find_by_id(slug.to_owned())
        .one(db)
        .await?;
    match alias {
        Some(a) => one_with_parents(db, post::Entity::find_by_id(a.post_id)).await,
        None => Ok(None),
    }
}

/// Whether the public may see `p` at `now` (the rule of [`publicly_visible`], in Rust).
pub fn is_public(p: &post::Model, now: DateTime<Utc>) -> bool {
    p.deleted_at.is_none()
        && matches!(p.status, post::Status::Published | post::Status::Scheduled)
        && p.published_at.is_some_and(|at| at <= now)
}
