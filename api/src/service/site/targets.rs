//! Reading menus back: the targets their references point at, read in one statement,
//! and the items as a reader (or an editor) sees them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use entity::{category, post, series, tag};
use sea_orm::{
    ConnectionTrait, EntityTrait,
    sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement, UnionType},
};

use super::menu::{MenuItem, MenuItemInput, StoredRef, TargetKind, TargetRef};
use crate::{error::AppResult, service::post::visibility::publicly_visible};

/// A referenced target as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: TargetKind,
    pub slug: String,
    /// A post's, page's or series' title, a tag's or category's name.
    pub title: String,
}

/// The targets of some menus, by reference.
pub type Targets = HashMap<StoredRef, Target>;

/// Who the targets are read for.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    /// The public at this instant: posts only while publicly visible.
    Public(DateTime<Utc>),
    /// The site's managers: every target that exists.
    Managers,
}

fn stored_refs(items: &[MenuItem], out: &mut HashSet<StoredRef>) {
    for i in items {
        out.extend(i.target);
        stored_refs(&i.children, out);
    }
}

/// One part of the union in [`targets`]: `kind, id, slug, title` of the rows of `E`.
fn part<E: EntityTrait>(
    kind: TargetKind,
    id: E::Column,
    slug: E::Column,
    title: E::Column,
    ids: Vec<i64>,
) -> SelectStatement {
    Query::select()
        .expr_as(Expr::val(kind.name()), Alias::new("kind"))
        .expr_as(Expr::col((E::default(), id)), Alias::new("id"))
        .expr_as(Expr::col((E::default(), slug)), Alias::new("slug"))
        .expr_as(Expr::col((E::default(), title)), Alias::new("title"))
        .from(E::default())
        .and_where(Expr::col((E::default(), id)).is_in(ids))
        .to_owned()
}

/// The targets the menus refer to, in one statement whatever their number (none when
/// no item has a target).
pub async fn targets<C: ConnectionTrait>(
    db: &C,
    menus: &[&[MenuItem]],
    audience: Audience,
) -> AppResult<Targets> {
    let mut wanted = HashSet::new();
    for m in menus {
        stored_refs(m, &mut wanted);
    }
    let ids = |kind| -> Vec<i64> {
        wanted
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.id)
            .collect()
    };
    let mut parts = Vec::new();
    for kind in [TargetKind::Post, TargetKind::Page] {
        let posts = ids(kind);
        if posts.is_empty() {
            continue;
        }
        let mut p = part::<post::Entity>(
            kind,
            post::Column::Id,
            post::Column::Slug,
            post::Column::Title,
            posts,
        );
        if let Audience::Public(now) = audience {
            p.cond_where(publicly_visible(now));
        }
        parts.push(p);
    }
    let tags = ids(TargetKind::Tag);
    if !tags.is_empty() {
        parts.push(part::<tag::Entity>(
            TargetKind::Tag,
            tag::Column::Id,
            tag::Column::Slug,
            tag::Column::Name,
            tags,
        ));
    }
    let series = ids(TargetKind::Series);
    if !series.is_empty() {
        parts.push(part::<series::Entity>(
            TargetKind::Series,
            series::Column::Id,
            series::Column::Slug,
            series::Column::Title,
            series,
        ));
    }
    let categories = ids(TargetKind::Category);
    if !categories.is_empty() {
        parts.push(part::<category::Entity>(
            TargetKind::Category,
            category::Column::Id,
            category::Column::Slug,
            category::Column::Name,
            categories,
        ));
    }
    let mut parts = parts.into_iter();
    let Some(mut query) = parts.next() else {
        return Ok(Targets::new());
    };
    for p in parts {
        query.union(UnionType::All, p);
    }
    let rows = db
        .query_all_raw(db.get_database_backend().build(&query))
        .await?;
    let mut found = Targets::new();
    for r in rows {
        let kind_name: String = r.try_get("", "kind")?;
        let Some(kind) = TargetKind::ALL.into_iter().find(|k| k.name() == kind_name) else {
            continue;
        };
        let id: i64 = r.try_get("", "id")?;
        found.insert(
            StoredRef { kind, id },
            Target {
                kind,
                slug: r.try_get("", "slug")?,
                title: r.try_get("", "title")?,
            },
        );
    }
    Ok(found)
}

/// A menu item as a reader sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedItem {
    pub label: String,
    /// The URL as written, or the target's path.
    pub url: String,
    pub target: Option<Target>,
    pub children: Vec<ResolvedItem>,
}

/// The menu with its references read from `targets`; an item whose target is not
/// there is left out with its children.
pub fn resolve(items: &[MenuItem], targets: &Targets) -> Vec<ResolvedItem> {
    items
        .iter()
        .filter_map(|item| {
            let (url, target) = match (&item.target, &item.url) {
                (Some(r), _) => {
                    let t = targets.get(r)?;
                    (t.kind.path(&t.slug), Some(t.clone()))
                }
                (None, Some(u)) => (u.clone(), None),
                (None, None) => return None,
            };
            Some(ResolvedItem {
                label: item.label.clone(),
                url,
                target,
                children: resolve(&item.children, targets),
            })
        })
        .collect()
}

/// The menu as it would be written again (references as slugs), for editing; items
/// whose target is gone are left out and their places returned.
pub fn as_input(
    field: &str,
    items: &[MenuItem],
    targets: &Targets,
    gone: &mut Vec<String>,
) -> Vec<MenuItemInput> {
    let mut out = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let target = match &item.target {
            Some(r) => match targets.get(r) {
                Some(t) => Some(TargetRef {
                    kind: t.kind,
                    slug: t.slug.clone(),
                }),
                None => {
                    gone.push(format!("{at}: its {} no longer exists", r.kind.noun()));
                    continue;
                }
            },
            None => None,
        };
        out.push(MenuItemInput {
            label: item.label.clone(),
            url: item.url.clone(),
            target,
            children: as_input(&format!("{at}.children"), &item.children, targets, gone),
        });
    }
    out
}
