//! The ranking on SQLite: FTS5 `MATCH` finds the posts, `bm25()` scores them.

use entity::post;
use sea_orm::{
    Condition,
    sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement},
};

use super::{Tier, sum_over_terms};
use crate::search::{SearchQuery, query as q};

pub(super) fn sqlite_select(query: &SearchQuery, scope: Condition, tier: Tier) -> SelectStatement {
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
