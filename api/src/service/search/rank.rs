//! The ranked query on each database. Both order by (terms matched, terms matched in
//! the title, BM25, publication time, id); BM25 is FTS5's `bm25()` on SQLite and the
//! same arithmetic, in the same order, over stored token counts on PostgreSQL, so both
//! return the same hits in the same order.

use std::collections::HashMap;

use entity::post;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, EntityTrait, Order, QueryFilter, Value,
    sea_query::{Alias, Expr, ExprTrait, Func, JoinType, Query, SelectStatement},
};

use crate::{
    error::{AppError, AppResult},
    search::{SearchQuery, query as q},
};

/// BM25 parameters, as FTS5 fixes them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A ranked row before its snippet is cut.
pub struct Ranked {
    pub post: post::Model,
    pub score: f64,
    pub matched_terms: u32,
    pub body_text: String,
}

/// A custom expression whose `?` placeholders become PostgreSQL's `$1`, `$2`, … (sea-query
/// reads `?` only on SQLite and MySQL); search SQL uses `?` for nothing else.
fn pg(sql: &str, values: impl IntoIterator<Item = Value>) -> Expr {
    let mut n = 0;
    let numbered: String = sql
        .split('?')
        .enumerate()
        .map(|(i, part)| {
            if i == 0 {
                part.to_owned()
            } else {
                n += 1;
                format!("${n}{part}")
            }
        })
        .collect();
    Expr::cust_with_values(numbered, values)
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

fn sqlite_select(query: &SearchQuery, scope: Condition, tier: Tier) -> SelectStatement {
    let in_fts = "(m.post_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?))";
    // `bm25()` sums over the MATCH expression's phrases, in order, whatever joins them:
    // every token of every term, as in `"a" OR "b" OR "c"`. Within the narrow tiers the
    // scan is `("a") AND ("b" AND "c")` instead: the same phrases in the same order, so
    // the same scores, but FTS5 steps through the doclists' intersection (skipping ahead)
    // rather than their union, which for common tokens is most of the corpus.
    let scan = match tier {
        Tier::AllInTitle | Tier::AllTermsOneInTitle | Tier::AllTerms => {
            q::fts5_all_terms(query, None)
        }
        Tier::Any => q::fts5_any_token(query),
    };
    let mut matches = Query::select();
    matches
        .expr_as(Expr::cust("rowid"), Alias::new("post_id"))
        .expr_as(Expr::cust("bm25(search_fts)"), Alias::new("bm"))
        .from(Alias::new("search_fts"))
        .and_where(Expr::cust_with_values("search_fts MATCH ?", [scan]))
        // A LIMIT keeps SQLite from flattening this into the outer query, where the
        // planner would re-run the MATCH once per candidate row (by rowid).
        .limit(i64::MAX.unsigned_abs());
    let title_filter = match tier {
        Tier::AllInTitle => Some(q::fts5_all_terms(query, Some("title"))),
        Tier::AllTermsOneInTitle => Some(q::fts5_any_term_in(query, "title")),
        Tier::AllTerms | Tier::Any => None,
    };
    if let Some(expr) = title_filter {
        // The posts with the title terms, read once into a set; `bm25()` (whose phrases
        // must not be limited to the title) then runs for the tier's members only. The
        // `+` keeps SQLite from handing the rowid to FTS5 as a lookup key, which would
        // re-run the MATCH once per member.
        matches.and_where(Expr::cust_with_values(
            "+rowid IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)",
            [expr],
        ));
    }
    let (fixed_matched, fixed_title) = tier.fixed(query);
    // The FTS5 scan is the outer loop (`CROSS JOIN` fixes SQLite's join order); posts
    // are then looked up by id.
    let mut s = Query::select();
    s.from_subquery(matches.to_owned(), Alias::new("m"))
        // sea-query writes no ON for a CROSS JOIN: the join condition goes to WHERE.
        .join(JoinType::CrossJoin, post::Entity, Condition::all())
        .and_where(
            Expr::col((post::Entity, post::Column::Id))
                .equals((Alias::new("m"), Alias::new("post_id"))),
        )
        .expr_as(Expr::cust("-1.0 * m.bm"), Alias::new("score"))
        .expr_as(
            match fixed_matched {
                Some(n) => Expr::val(n),
                None => sum_over_terms(query, false, |t| {
                    (in_fts.to_owned(), q::fts5_term(t, None).into())
                }),
            },
            Alias::new("matched_terms"),
        )
        .expr_as(
            match fixed_title {
                Some(n) => Expr::val(n),
                None => sum_over_terms(query, false, |t| {
                    (in_fts.to_owned(), q::fts5_term(t, Some("title")).into())
                }),
            },
            Alias::new("title_terms"),
        )
        .cond_where(scope);
    if tier == Tier::Any {
        s.and_where(Expr::cust_with_values(
            "m.post_id IN (SELECT rowid FROM search_fts WHERE search_fts MATCH ?)",
            [q::fts5_any_term(query)],
        ));
    }
    s
}

/// Corpus figures FTS5 keeps itself: rows, tokens, and rows holding each token.
struct Corpus {
    rows: i64,
    tokens: i64,
    df: HashMap<String, i64>,
}

async fn postgres_corpus<C: ConnectionTrait>(db: &C, query: &SearchQuery) -> AppResult<Corpus> {
    let distinct: Vec<&str> = query.token_set().into_iter().collect();
    let mut s = Query::select();
    // Totals are kept by a trigger on `search_documents`; document frequencies are
    // counted from the postings' (token, post_id) index.
    s.expr_as(
        Expr::cust("(SELECT documents FROM search_totals WHERE id = 1)"),
        Alias::new("n"),
    )
    .expr_as(
        Expr::cust("(SELECT tokens FROM search_totals WHERE id = 1)"),
        Alias::new("total"),
    );
    for (i, t) in distinct.iter().enumerate() {
        s.expr_as(
            pg(
                "(SELECT COUNT(*) FROM search_postings WHERE token = ?)",
                [(*t).into()],
            ),
            Alias::new(format!("df{i}")),
        );
    }
    let row = db
        .query_one(&s)
        .await?
        .ok_or_else(|| AppError::Internal("search corpus statistics returned no row".into()))?;
    let mut df = HashMap::new();
    for (i, t) in distinct.iter().enumerate() {
        df.insert((*t).to_owned(), row.try_get::<i64>("", &format!("df{i}"))?);
    }
    Ok(Corpus {
        rows: row.try_get("", "n")?,
        tokens: row.try_get("", "total")?,
        df,
    })
}

/// FTS5's idf: `ln((N - n + 0.5) / (n + 0.5))`, at least 1e-6.
fn idf(rows: i64, hits: i64) -> f64 {
    let idf = (((rows - hits) as f64 + 0.5) / (hits as f64 + 0.5)).ln();
    if idf <= 0.0 { 1e-6 } else { idf }
}

fn postgres_select(
    query: &SearchQuery,
    scope: Condition,
    tier: Tier,
    corpus: &Corpus,
) -> AppResult<SelectStatement> {
    let avgdl = corpus.tokens as f64 / corpus.rows as f64;
    // FTS5: score += idf * (f * (k1 + 1)) / (f + k1 * (1 - b + b * D / avgdl)), per phrase.
    let distinct: Vec<&str> = query.token_set().into_iter().collect();
    let tfs = match tier {
        // Every match: each query token's postings read in one scan and aggregated
        // into one row per post (cheaper than a lookup per match and token).
        Tier::Any => {
            let mut postings = Query::select();
            postings
                .column(Alias::new("post_id"))
                .from(Alias::new("search_postings"))
                .and_where(Expr::col(Alias::new("token")).is_in(distinct.iter().copied()))
                .group_by_col(Alias::new("post_id"));
            for (i, t) in distinct.iter().enumerate() {
                postings.expr_as(
                    pg(
                        "CAST(COALESCE(SUM(tf) FILTER (WHERE token = ?), 0) AS float8)",
                        [(*t).into()],
                    ),
                    Alias::new(format!("tf{i}")),
                );
            }
            postings
        }
        // A tier's members only: one primary-key lookup per member and token.
        Tier::AllInTitle | Tier::AllTermsOneInTitle | Tier::AllTerms => {
            let mut lookups = Query::select();
            for (i, t) in distinct.iter().enumerate() {
                lookups.expr_as(
                    pg(
                        "CAST(COALESCE((SELECT p.tf FROM search_postings p WHERE p.token = ? \
                         AND p.post_id = search_documents.post_id), 0) AS float8)",
                        [(*t).into()],
                    ),
                    Alias::new(format!("tf{i}")),
                );
            }
            lookups
        }
    };
    let dl = "CAST(search_documents.title_len + search_documents.body_len AS float8)";
    let mut sql = String::from("(CAST(0 AS float8)");
    let mut values: Vec<Value> = Vec::new();
    for token in query.phrases() {
        let i = distinct
            .iter()
            .position(|t| *t == token)
            .ok_or_else(|| AppError::Internal(format!("search token {token} not in query")))?;
        let tf = format!("COALESCE(pt.tf{i}, CAST(0 AS float8))");
        sql.push_str(&format!(" + CAST(? AS float8) * (({tf} * CAST(? AS float8)) / ({tf} + CAST(? AS float8) * (CAST(? AS float8) + CAST(? AS float8) * {dl} / CAST(? AS float8))))"));
        let df = corpus.df.get(token).copied().unwrap_or(0);
        values.extend([
            idf(corpus.rows, df).into(),
            (K1 + 1.0).into(),
            K1.into(),
            (1.0 - B).into(),
            B.into(),
            avgdl.into(),
        ]);
    }
    sql.push(')');
    let term = |col: &str, t: &[String]| {
        (
            format!(
                "CAST(CAST(search_documents.{col} @@ CAST(? AS tsquery) AS integer) AS bigint)"
            ),
            q::tsquery_term(t).into(),
        )
    };
    let mut s = base(scope);
    match tier {
        Tier::Any => s.join_subquery(
            JoinType::LeftJoin,
            tfs,
            Alias::new("pt"),
            Expr::col((Alias::new("pt"), Alias::new("post_id")))
                .equals((docs(), Alias::new("post_id"))),
        ),
        Tier::AllInTitle | Tier::AllTermsOneInTitle | Tier::AllTerms => s.join_lateral(
            JoinType::LeftJoin,
            tfs,
            Alias::new("pt"),
            Expr::cust("TRUE"),
        ),
    };
    let (fixed_matched, fixed_title) = tier.fixed(query);
    let (column, tsquery) = match tier {
        Tier::AllInTitle => ("title_tsv", q::tsquery_all_terms(query)),
        Tier::AllTermsOneInTitle => {
            s.and_where(pg(
                "search_documents.title_tsv @@ CAST(? AS tsquery)",
                [q::tsquery_any_term(query).into()],
            ));
            ("all_tsv", q::tsquery_all_terms(query))
        }
        Tier::AllTerms => ("all_tsv", q::tsquery_all_terms(query)),
        Tier::Any => ("all_tsv", q::tsquery_any_term(query)),
    };
    s.expr_as(pg(&sql, values), Alias::new("score"))
        .expr_as(
            match fixed_matched {
                Some(n) => Expr::val(n),
                None => sum_over_terms(query, true, |t| term("all_tsv", t)),
            },
            Alias::new("matched_terms"),
        )
        .expr_as(
            match fixed_title {
                Some(n) => Expr::val(n),
                None => sum_over_terms(query, true, |t| term("title_tsv", t)),
            },
            Alias::new("title_terms"),
        )
        .and_where(pg(
            &format!("search_documents.{column} @@ CAST(? AS tsquery)"),
            [tsquery.into()],
        ));
    Ok(s)
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
