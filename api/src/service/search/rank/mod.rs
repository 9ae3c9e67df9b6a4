//! The ranked query on each database. Both order by (terms matched, terms matched in
//! the title, BM25, publication time, id); BM25 is FTS5's `bm25()` on SQLite and the
//! same arithmetic, in the same order, over stored token counts on PostgreSQL, so both
//! return the same hits in the same order.

mod postgres;
mod sqlite;

use std::collections::HashMap;

use entity::post;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, Order, QueryFilter, Value,
    sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement},
};

use self::{
    postgres::{pg, postgres_corpus, postgres_select},
    sqlite::sqlite_select,
};
use crate::{
    error::{AppError, AppResult},
    search::{SearchQuery, query as q},
};

/// A ranked row before its snippet is cut.
pub struct Ranked {
    pub post: post::Model,
    pub score: f64,
    pub matched_terms: u32,
    pub body_text: String,
}

fn docs() -> Alias {
    Alias::new("search_documents")
}

/// `posts` joined with their search documents, narrowed by `scope`.
fn base(scope: Condition) -> SelectStatement {
    Query::select()
        .from(post::Entity)
        .join(
            JoinType::InnerJoin,
            docs(),
            Expr::col((docs(), Alias::new("post_id"))).equals((post::Entity, post::Column::Id)),
        )
        .cond_where(scope)
        .to_owned()
}

/// `sum(expr_i)` over terms as `(e1 + e2 + …)`, each term's SQL from `one`.
fn sum_over_terms(
    query: &SearchQuery,
    postgres: bool,
    one: impl Fn(&[String]) -> (String, Value),
) -> Expr {
    let (parts, values): (Vec<String>, Vec<Value>) = query.terms.iter().map(|t| one(t)).unzip();
    let sql = format!("({})", parts.join(" + "));
    if postgres {
        pg(&sql, values)
    } else {
        Expr::cust_with_values(sql, values)
    }
}

/// Which matches one ranking pass considers. The ranking's first keys (terms matched,
/// then terms matched in the title) order its tiers; each set below is a top of the
/// ranking (no post outside it ranks above a post inside it), so when it holds the
/// wanted rows in scope, they are exactly the rows of the full ranking, found by scoring
/// only its members. A common token is in a fifth of all posts; every term in the
/// title, or every term at all, is in far fewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    /// Posts with every term in the title: the top tier.
    AllInTitle,
    /// Posts with every term, one of them at least in the title.
    AllTermsOneInTitle,
    /// Posts with every term, anywhere.
    AllTerms,
    /// Posts with any term: every match.
    Any,
}

impl Tier {
    /// The passes for `query`, narrowest first; the last holds every match.
    fn passes(query: &SearchQuery) -> &'static [Tier] {
        if query.terms.len() == 1 {
            // One term: having every term is matching at all.
            &[Self::AllInTitle, Self::AllTerms]
        } else {
            &[
                Self::AllInTitle,
                Self::AllTermsOneInTitle,
                Self::AllTerms,
                Self::Any,
            ]
        }
    }

    /// `(matched_terms, title_terms)` when the tier fixes them for all its members.
    fn fixed(self, query: &SearchQuery) -> (Option<i64>, Option<i64>) {
        let terms = i64::try_from(query.terms.len()).unwrap_or(i64::MAX);
        match self {
            Self::AllInTitle => (Some(terms), Some(terms)),
            Self::AllTermsOneInTitle | Self::AllTerms => (Some(terms), None),
            Self::Any => (None, None),
        }
    }
}

/// One place in the ranking.
struct Place {
    id: i64,
    score: f64,
    matched_terms: u32,
}

/// Rows `offset..offset + limit` of the ranking. The ranking itself is computed over
/// narrow rows (ids and scores), tier by tier (see [`Tier`]) until one holds the rows
/// wanted; whole posts are read for the page only.
pub async fn ranked<C: ConnectionTrait>(
    db: &C,
    query: &SearchQuery,
    scope: Condition,
    offset: u64,
    limit: u64,
) -> AppResult<Vec<Ranked>> {
    let backend = db.get_database_backend();
    let corpus = match backend {
        DbBackend::Sqlite => None,
        DbBackend::Postgres => Some(postgres_corpus(db, query).await?),
        other => {
            return Err(AppError::Internal(format!(
                "search: unsupported database {other:?}"
            )));
        }
    };
    let passes = Tier::passes(query);
    let mut places = Vec::new();
    for (i, tier) in passes.iter().enumerate() {
        let mut s = match &corpus {
            None => sqlite_select(query, scope.clone(), *tier),
            Some(corpus) => postgres_select(query, scope.clone(), *tier, corpus)?,
        };
        s.expr_as(
            Expr::col((post::Entity, post::Column::Id)),
            Alias::new("hit_id"),
        )
        .order_by(Alias::new("matched_terms"), Order::Desc)
        .order_by(Alias::new("title_terms"), Order::Desc)
        .order_by(Alias::new("score"), Order::Desc)
        .order_by_expr(
            Func::coalesce([
                Expr::col((post::Entity, post::Column::PublishedAt)),
                Expr::col((post::Entity, post::Column::CreatedAt)),
            ])
            .into(),
            Order::Desc,
        )
        .order_by((post::Entity, post::Column::Id), Order::Desc)
        .limit(limit)
        .offset(offset);
        places = db
            .query_all(&s)
            .await?
            .into_iter()
            .map(|row| {
                Ok(Place {
                    id: row.try_get("", "hit_id")?,
                    score: row.try_get("", "score")?,
                    matched_terms: u32::try_from(row.try_get::<i64>("", "matched_terms")?)
                        .unwrap_or(0),
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        // A full page from a top of the ranking is the page of the whole ranking.
        if places.len() as u64 == limit || i + 1 == passes.len() {
            break;
        }
    }
    page(db, places).await
}

/// The posts and snippet sources of `places`, in their order.
async fn page<C: ConnectionTrait>(db: &C, places: Vec<Place>) -> AppResult<Vec<Ranked>> {
    if places.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = places.iter().map(|p| p.id).collect();
    let mut posts: HashMap<i64, post::Model> = post::Entity::find()
        .filter(post::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    let texts = Query::select()
        .column(Alias::new("post_id"))
        .column(Alias::new("body_text"))
        .from(docs())
        .and_where(Expr::col(Alias::new("post_id")).is_in(ids))
        .to_owned();
    let mut bodies: HashMap<i64, String> = HashMap::new();
    for row in db.query_all(&texts).await? {
        bodies.insert(row.try_get("", "post_id")?, row.try_get("", "body_text")?);
    }
    places
        .into_iter()
        .map(|p| {
            let post = posts
                .remove(&p.id)
                .ok_or_else(|| AppError::Internal(format!("search hit {} vanished", p.id)))?;
            let body_text = bodies.remove(&p.id).unwrap_or_default();
            Ok(Ranked {
                post,
                score: p.score,
                matched_terms: p.matched_terms,
                body_text,
            })
        })
        .collect()
}

/// How many posts in `scope` match any term.
pub async fn count<C: ConnectionTrait>(
    db: &C,
    query: &SearchQuery,
    scope: Condition,
) -> AppResult<u64> {
    let matching = match db.get_database_backend() {
        DbBackend::Sqlite => Expr::cust_with_values(
            "search_documents.post_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)",
            [q::fts5_any_term(query)],
        ),
        _ => pg(
            "search_documents.all_tsv @@ CAST(? AS tsquery)",
            [q::tsquery_any_term(query).into()],
        ),
    };
    let mut s = base(scope);
    s.expr_as(Expr::cust("COUNT(*)"), Alias::new("n"))
        .and_where(matching);
    let n: i64 = match db.query_one(&s).await? {
        Some(row) => row.try_get("", "n")?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}
