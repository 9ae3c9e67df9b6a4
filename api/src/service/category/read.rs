//! Reading categories: the whole tree in one statement (a category tree is small: a
//! request that needs any category reads all of them once), counts of public posts,
//! and the SQL condition "in this category or below it".

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{category, post};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{
        Alias, BinOper, CommonTableExpression, Expr, ExprTrait, JoinType, Query, UnionType,
        WithClause,
    },
};

use crate::{error::AppResult, service::post::visibility::publicly_visible};

/// Every category, with each one's children in order (position, then name, then id).
#[derive(Debug, Clone, Default)]
pub struct Tree {
    by_id: HashMap<i64, category::Model>,
    /// Children of each parent (`None`: the top level), in order.
    children: HashMap<Option<i64>, Vec<i64>>,
}

impl Tree {
    pub fn new(mut all: Vec<category::Model>) -> Self {
        all.sort_by(|a, b| (a.position, &a.name, a.id).cmp(&(b.position, &b.name, b.id)));
        let mut children: HashMap<Option<i64>, Vec<i64>> = HashMap::new();
        for c in &all {
            children.entry(c.parent_id).or_default().push(c.id);
        }
        Self {
            by_id: all.into_iter().map(|c| (c.id, c)).collect(),
            children,
        }
    }

    pub fn get(&self, id: i64) -> Option<&category::Model> {
        self.by_id.get(&id)
    }

    pub fn by_slug(&self, slug: &str) -> Option<&category::Model> {
        self.by_id.values().find(|c| c.slug == slug)
    }

    /// The children of `parent` (`None`: the top-level categories), in order.
    pub fn children(&self, parent: Option<i64>) -> Vec<&category::Model> {
        self.children
            .get(&parent)
            .map(|ids| ids.iter().filter_map(|id| self.by_id.get(id)).collect())
            .unwrap_or_default()
    }

    /// The categories from the top down to `id`, itself included (empty when unknown).
    pub fn path(&self, id: i64) -> Vec<&category::Model> {
        let mut out = Vec::new();
        let mut at = self.by_id.get(&id);
        while let Some(c) = at {
            // A stored cycle cannot happen (writes refuse one); stop anyway.
            if out.len() > self.by_id.len() {
                break;
            }
            out.push(c);
            at = c.parent_id.and_then(|p| self.by_id.get(&p));
        }
        out.reverse();
        out
    }

    /// `id` and every category below it.
    pub fn subtree(&self, id: i64) -> Vec<i64> {
        let mut out = vec![id];
        let mut i = 0;
        while let Some(&at) = out.get(i) {
            if let Some(kids) = self.children.get(&Some(at)) {
                for k in kids {
                    if !out.contains(k) {
                        out.push(*k);
                    }
                }
            }
            i += 1;
        }
        out
    }

    /// How many levels `id` and the categories below it span (1 for a leaf).
    pub fn height(&self, id: i64) -> usize {
        self.children(Some(id))
            .iter()
            .map(|c| self.height(c.id))
            .max()
            .unwrap_or(0)
            + 1
    }
}

/// The whole tree, in one statement.
pub async fn tree<C: ConnectionTrait>(db: &C) -> AppResult<Tree> {
    Ok(Tree::new(
        category::Entity::find()
            .order_by_asc(category::Column::Id)
            .all(db)
            .await?,
    ))
}

/// Publicly visible posts filed directly under each category (not counting the
/// categories below; categories without any are absent), in one statement.
pub async fn public_post_counts<C: ConnectionTrait>(
    db: &C,
    now: DateTime<Utc>,
) -> AppResult<HashMap<i64, i64>> {
    let rows: Vec<(i64, i64)> = post::Entity::find()
        .select_only()
        .column(post::Column::CategoryId)
        .column_as(post::Column::Id.count(), "n")
        .filter(publicly_visible(now))
        .filter(post::Column::CategoryId.is_not_null())
        .group_by(post::Column::CategoryId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}

/// Posts filed under the category with this slug or any category below it: a
/// condition on `posts` (a recursive query over `categories`, so it holds whatever the
/// depth of the tree).
pub fn in_subtree(slug: &str) -> Expr {
    let sub = Alias::new("category_subtree");
    let id = Alias::new("id");
    let mut top = Query::select()
        .column((category::Entity, category::Column::Id))
        .from(category::Entity)
        .and_where(Expr::col((category::Entity, category::Column::Slug)).eq(slug))
        .to_owned();
    let below = Query::select()
        .column((category::Entity, category::Column::Id))
        .from(category::Entity)
        .join(
            JoinType::InnerJoin,
            sub.clone(),
            Expr::col((sub.clone(), id.clone()))
                .equals((category::Entity, category::Column::ParentId)),
        )
        .to_owned();
    let cte = CommonTableExpression::new()
        .query(top.union(UnionType::All, below).to_owned())
        .column(id.clone())
        .table_name(sub.clone())
        .to_owned();
    let select = Query::select().column(id).from(sub).to_owned();
    let with = select.with(WithClause::new().recursive(true).cte(cte).to_owned());
    Expr::col((post::Entity, post::Column::CategoryId))
        .binary(BinOper::In, Expr::SubQuery(None, Box::new(with.into())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat(id: i64, name: &str, parent: Option<i64>, position: i32) -> category::Model {
        let now = chrono::Utc::now();
        category::Model {
            id,
            slug: crate::slug::slugify(name),
            name: name.into(),
            description: None,
            parent_id: parent,
            position,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn paths_children_and_subtrees() {
        let t = Tree::new(vec![
            cat(1, "글", None, 0),
            cat(2, "회고", Some(1), 1),
            cat(3, "소개", Some(1), 0),
            cat(4, "2024", Some(2), 0),
        ]);
        let names = |v: Vec<&category::Model>| v.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(t.path(4)), ["글", "회고", "2024"]);
        assert_eq!(names(t.children(Some(1))), ["소개", "회고"]);
        assert_eq!(names(t.children(None)), ["글"]);
        assert_eq!(t.subtree(1), [1, 3, 2, 4]);
        assert_eq!(t.height(1), 3);
        assert_eq!(t.by_slug("회고").map(|c| c.id), Some(2));
    }
}
