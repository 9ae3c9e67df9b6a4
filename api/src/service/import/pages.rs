//! Linking imported pages to their parents once every file is written: a page's
//! `parent:` names a page by slug or title, which may come later in the same import.
//! A name that finds no page, or would make a page its own ancestor, leaves the page
//! where it is (at the top).

use std::collections::HashMap;

use entity::post;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionSession, TransactionTrait,
};

use crate::{error::AppResult, import::PageFields, slug::slugify};

/// Sets the parent of every imported page whose front matter names one; returns how
/// many pages changed. One transaction.
pub async fn link_parents<C: ConnectionTrait + TransactionTrait>(db: &C) -> AppResult<usize> {
    let txn = crate::db::begin_write(db).await?;
    let pages = post::Entity::find()
        .filter(post::Column::Kind.eq(post::Kind::Page))
        .order_by_asc(post::Column::Id)
        .all(&txn)
        .await?;
    let by_slug: HashMap<&str, i64> = pages.iter().map(|p| (p.slug.as_str(), p.id)).collect();
    let mut by_title: HashMap<&str, i64> = HashMap::new();
    for p in &pages {
        by_title.entry(p.title.as_str()).or_insert(p.id);
    }
    let mut parent: HashMap<i64, Option<i64>> = pages.iter().map(|p| (p.id, p.parent_id)).collect();
    let mut changed = Vec::new();
    for p in pages.iter().filter(|p| p.source_path.is_some()) {
        let Some(map) = p.front_matter.as_object() else {
            continue;
        };
        let Some(name) = PageFields::read(map).parent else {
            continue;
        };
        let wanted = by_slug
            .get(name.as_str())
            .or_else(|| by_slug.get(slugify(&name).as_str()))
            .or_else(|| by_title.get(name.as_str()))
            .copied();
        let Some(wanted) = wanted.filter(|w| !is_below(&parent, *w, p.id)) else {
            continue;
        };
        if p.parent_id != Some(wanted) {
            parent.insert(p.id, Some(wanted));
            changed.push((p.clone(), wanted));
        }
    }
    let n = changed.len();
    for (p, wanted) in changed {
        let mut a: post::ActiveModel = p.into();
        a.parent_id = Set(Some(wanted));
        a.update(&txn).await?;
    }
    txn.commit().await?;
    Ok(n)
}

/// Whether `node` is `top` or lies below it in the tree `parent`.
fn is_below(parent: &HashMap<i64, Option<i64>>, node: i64, top: i64) -> bool {
    let mut at = Some(node);
    for _ in 0..=parent.len() {
        match at {
            Some(id) if id == top => return true,
            Some(id) => at = parent.get(&id).copied().flatten(),
            None => return false,
        }
    }
    true
}
