//! Navigation menus as written and stored: items with a label and either a URL or a reference to a post, tag,
//! series or category, nested one level. A reference is written with the target's slug, checked
//! and stored by ID, and read back with the target's current slug and title, so a
//! renamed target keeps its place in the menu. The public sees an item only while its
//! target exists and is public.

use std::collections::{HashMap, HashSet};

use entity::{category, post, series, tag};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use serde::{Deserialize, Serialize};

use super::check;
use crate::{
    error::{AppError, AppResult},
    service::url::{SitePage, Taxonomy},
};

/// Items in one menu, children included.
pub const MAX_ITEMS: usize = 50;
const MAX_LABEL: usize = 100;

/// What a menu item may point at. Stored references carry the kind's name, so adding a
/// kind changes no row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TargetKind {
    Post,
    Page,
    Tag,
    Series,
    Category,
}

impl TargetKind {
    pub(super) const ALL: [Self; 5] = [
        Self::Post,
        Self::Page,
        Self::Tag,
        Self::Series,
        Self::Category,
    ];

    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Post => "POST",
            Self::Page => "PAGE",
            Self::Tag => "TAG",
            Self::Series => "SERIES",
            Self::Category => "CATEGORY",
        }
    }

    pub(super) fn noun(self) -> &'static str {
        match self {
            Self::Post => "post",
            Self::Page => "page",
            Self::Tag => "tag",
            Self::Series => "series",
            Self::Category => "category",
        }
    }

    /// The target's path on the site (made by [`SitePage::path`]).
    pub fn path(self, slug: &str) -> String {
        match self {
            Self::Post => SitePage::Post(slug),
            Self::Page => SitePage::Page(slug),
            Self::Tag => SitePage::Listing(Taxonomy::Tag, slug),
            Self::Series => SitePage::Listing(Taxonomy::Series, slug),
            Self::Category => SitePage::Listing(Taxonomy::Category, slug),
        }
        .path()
    }
}

/// An author's page on the site (not a menu target; webhooks name it).
pub fn author_path(slug: &str) -> String {
    format!("/authors/{slug}")
}

/// A reference as written: the target's kind and slug.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetRef {
    pub kind: TargetKind,
    pub slug: String,
}

/// A menu item as written (by `updateSite`, or in a `quire site set` file).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MenuItemInput {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<TargetRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<MenuItemInput>,
}

/// A stored reference: the target's kind and ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct StoredRef {
    pub kind: TargetKind,
    pub id: i64,
}

/// A menu item as stored (the JSON of a menu column).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MenuItem {
    pub label: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default, rename = "ref", skip_serializing_if = "Option::is_none")]
    pub target: Option<StoredRef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<MenuItem>,
}

/// A menu's items with their links checked and references still as slugs.
struct Checked {
    label: String,
    url: Option<String>,
    target: Option<TargetRef>,
    children: Vec<Checked>,
}

/// Checks a menu's shape (labels, one of URL or target, one level of children, size)
/// without the database.
fn check_items(field: &str, items: &[MenuItemInput], depth: usize) -> AppResult<Vec<Checked>> {
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("{field}[{i}]");
            let label = check::required_text(&format!("{at}.label"), &item.label, MAX_LABEL)?;
            let url = match (&item.url, &item.target) {
                (Some(u), None) => Some(check::link(&format!("{at}.url"), u)?),
                (None, Some(_)) => None,
                _ => {
                    return Err(AppError::bad_input(
                        at,
                        "needs exactly one of url and target",
                    ));
                }
            };
            if depth > 0 && !item.children.is_empty() {
                return Err(AppError::bad_input(
                    format!("{at}.children"),
                    "menus nest one level only: a child item has no children",
                ));
            }
            Ok(Checked {
                label,
                url,
                target: item.target.clone(),
                children: check_items(&format!("{at}.children"), &item.children, depth + 1)?,
            })
        })
        .collect()
}

fn count(items: &[Checked]) -> usize {
    items.iter().map(|i| 1 + count(&i.children)).sum()
}

fn refs<'a>(items: &'a [Checked], out: &mut Vec<&'a TargetRef>) {
    for i in items {
        out.extend(&i.target);
        refs(&i.children, out);
    }
}

/// Checks the menus named `fields` and turns their references into IDs, one statement
/// per kind of target referenced; a reference to nothing is refused.
pub async fn store<C: ConnectionTrait>(
    db: &C,
    menus: &[(&str, &[MenuItemInput])],
) -> AppResult<Vec<Vec<MenuItem>>> {
    let mut checked = Vec::new();
    for (field, items) in menus {
        let c = check_items(field, items, 0)?;
        if count(&c) > MAX_ITEMS {
            return Err(AppError::bad_input(
                *field,
                format!("may hold at most {MAX_ITEMS} items, children included"),
            ));
        }
        checked.push((*field, c));
    }
    let mut wanted = Vec::new();
    for (_, c) in &checked {
        refs(c, &mut wanted);
    }
    let ids = ids_by_slug(db, &wanted).await?;
    checked
        .into_iter()
        .map(|(field, c)| to_stored(field, c, &ids))
        .collect()
}

fn to_stored(
    field: &str,
    items: Vec<Checked>,
    ids: &HashMap<(TargetKind, String), i64>,
) -> AppResult<Vec<MenuItem>> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let at = format!("{field}[{i}]");
            let target = match item.target {
                None => None,
                Some(t) => {
                    let id = ids.get(&(t.kind, t.slug.clone())).ok_or_else(|| {
                        AppError::bad_input(
                            format!("{at}.target"),
                            format!("no {} has the slug {:?}", t.kind.noun(), t.slug),
                        )
                    })?;
                    Some(StoredRef {
                        kind: t.kind,
                        id: *id,
                    })
                }
            };
            Ok(MenuItem {
                label: item.label,
                url: item.url,
                target,
                children: to_stored(&format!("{at}.children"), item.children, ids)?,
            })
        })
        .collect()
}

/// The IDs of the referenced targets that exist (posts not in the trash).
async fn ids_by_slug<C: ConnectionTrait>(
    db: &C,
    wanted: &[&TargetRef],
) -> AppResult<HashMap<(TargetKind, String), i64>> {
    let mut found = HashMap::new();
    for kind in TargetKind::ALL {
        let slugs: HashSet<&str> = wanted
            .iter()
            .filter(|r| r.kind == kind)
            .map(|r| r.slug.as_str())
            .collect();
        if slugs.is_empty() {
            continue;
        }
        let rows: Vec<(i64, String)> = match kind {
            TargetKind::Post | TargetKind::Page => {
                let kind = if kind == TargetKind::Page {
                    post::Kind::Page
                } else {
                    post::Kind::Post
                };
                post::Entity::find()
                    .select_only()
                    .columns([post::Column::Id, post::Column::Slug])
                    .filter(post::Column::Slug.is_in(slugs))
                    .filter(post::Column::Kind.eq(kind))
                    .filter(post::Column::DeletedAt.is_null())
                    .into_tuple()
                    .all(db)
                    .await?
            }
            TargetKind::Tag => {
                tag::Entity::find()
                    .select_only()
                    .columns([tag::Column::Id, tag::Column::Slug])
                    .filter(tag::Column::Slug.is_in(slugs))
                    .into_tuple()
                    .all(db)
                    .await?
            }
            TargetKind::Series => {
                series::Entity::find()
                    .select_only()
                    .columns([series::Column::Id, series::Column::Slug])
                    .filter(series::Column::Slug.is_in(slugs))
                    .into_tuple()
                    .all(db)
                    .await?
            }
            TargetKind::Category => {
                category::Entity::find()
                    .select_only()
                    .columns([category::Column::Id, category::Column::Slug])
                    .filter(category::Column::Slug.is_in(slugs))
                    .into_tuple()
                    .all(db)
                    .await?
            }
        };
        found.extend(rows.into_iter().map(|(id, slug)| ((kind, slug), id)));
    }
    Ok(found)
}
