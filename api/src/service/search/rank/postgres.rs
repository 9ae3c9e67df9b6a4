//! The ranking on PostgreSQL: tsvector `@@` finds the posts, and BM25 is computed with
//! FTS5's arithmetic over token counts stored beside each document, so both databases
//! return the same hits in the same order.

use std::collections::HashMap;

use sea_orm::{
    Condition, ConnectionTrait, Value,
    sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement},
};

use super::{Tier, base, docs, sum_over_terms};
use crate::{
    error::{AppError, AppResult},
    search::{SearchQuery, query as q},
};

/// BM25 parameters, as FTS5 fixes them.
const K1: f64 = 1.2;
const B: f64 = 0.75;

/// A custom expression whose `?` placeholders become PostgreSQL's `$1`, `$2`, … (sea-query
/// reads `?` only on SQLite and MySQL); search SQL uses `?` for nothing else.
pub(super) fn pg(sql: &str, values: impl IntoIterator<Item = Value>) -> Expr {
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

/// Corpus figures FTS5 keeps itself: rows, tokens, and rows holding each token.
pub(super) struct Corpus {
    rows: i64,
    tokens: i64,
    df: HashMap<String, i64>,
}

pub(super) async fn postgres_corpus<C: ConnectionTrait>(
    db: &C,
    query: &SearchQuery,
) -> AppResult<Corpus> {
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

pub(super) fn postgres_select(
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
