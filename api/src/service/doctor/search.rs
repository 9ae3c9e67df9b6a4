//! Every post's search document and index rows are what [`crate::service::search`]
//! would write for its title, subtitle and Markdown now, and nothing is indexed for a
//! post that is gone. The expected values come from [`SearchDocument`] itself, so the
//! tokenizer is never restated here.
//!
//! On SQLite the contentless FTS table keeps no text; its rows are compared through
//! `fts5vocab` by each column's token count and total token length. On PostgreSQL the
//! tsvectors and the postings are compared whole.

use std::collections::HashMap;

use entity::post;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

use super::{Check, Problem, exec, post_name, rows};
use crate::{
    error::AppResult,
    service::search::{Expected, SearchDocument, index_post, remove_post},
};

const BATCH: u64 = 500;

/// (tokens, characters) of the title and of the body, per FTS row.
type FtsStats = HashMap<i64, ((i64, i64), (i64, i64))>;

pub(super) async fn check(db: &DatabaseConnection) -> AppResult<Vec<Problem>> {
    let txn = db.begin().await?;
    let sqlite = txn.get_database_backend() == DbBackend::Sqlite;
    let mut fts = if sqlite {
        fts_stats(&txn).await?
    } else {
        FtsStats::new()
    };
    let mut problems = Vec::new();
    let mut after = 0_i64;
    loop {
        let batch = post::Entity::find()
            .filter(post::Column::Id.gt(after))
            .order_by_asc(post::Column::Id)
            .limit(BATCH)
            .all(&txn)
            .await?;
        let Some(last) = batch.last() else { break };
        after = last.id;
        for p in &batch {
            let doc = SearchDocument::of(p);
            let expected = doc.expected();
            let found = if sqlite {
                sqlite_mismatch(&txn, p.id, &expected, fts.remove(&p.id)).await?
            } else {
                postgres_mismatch(&txn, p.id, &doc).await?
            };
            if let Some(what) = found {
                problems.push(Problem::new(
                    Check::Search,
                    Some(p.id),
                    format!("{}: {what}", post_name(&p.slug, p.id)),
                ));
            }
        }
    }
    let gone = rows(
        &txn,
        "SELECT post_id FROM search_documents WHERE post_id NOT IN (SELECT id FROM posts)",
        vec![],
    )
    .await?;
    let mut gone: Vec<i64> = gone
        .iter()
        .map(|r| r.try_get::<i64>("", "post_id"))
        .collect::<Result<_, _>>()?;
    // FTS rows left for no post (what remains of `fts` had no post).
    gone.extend(fts.into_keys());
    gone.sort_unstable();
    gone.dedup();
    for id in gone {
        problems.push(Problem::new(
            Check::Search,
            Some(id),
            format!("post ID {id} is gone but is still in the search index"),
        ));
    }
    txn.rollback().await?;
    Ok(problems)
}

/// Each FTS row's token counts and lengths, in one pass over the index.
async fn fts_stats<C: ConnectionTrait>(db: &C) -> AppResult<FtsStats> {
    exec(
        db,
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.doctor_fts_vocab \
         USING fts5vocab(main, search_fts, instance)",
        vec![],
    )
    .await?;
    let found = rows(
        db,
        "SELECT doc, col, COUNT(*) AS n, SUM(LENGTH(term)) AS chars \
         FROM temp.doctor_fts_vocab GROUP BY doc, col",
        vec![],
    )
    .await?;
    let mut stats = FtsStats::new();
    for r in found {
        let doc: i64 = r.try_get("", "doc")?;
        let col: String = r.try_get("", "col")?;
        let counted = (r.try_get::<i64>("", "n")?, r.try_get::<i64>("", "chars")?);
        let e = stats.entry(doc).or_default();
        if col == "title" {
            e.0 = counted;
        } else {
            e.1 = counted;
        }
    }
    // A row with no token at all does not show in the vocabulary.
    for r in rows(db, "SELECT rowid AS doc FROM search_fts", vec![]).await? {
        stats.entry(r.try_get("", "doc")?).or_default();
    }
    exec(db, "DROP TABLE temp.doctor_fts_vocab", vec![]).await?;
    Ok(stats)
}

async fn sqlite_mismatch<C: ConnectionTrait>(
    db: &C,
    id: i64,
    expected: &Expected<'_>,
    fts: Option<((i64, i64), (i64, i64))>,
) -> AppResult<Option<&'static str>> {
    let Some(row) = document(db, id).await? else {
        return Ok(Some("no search document"));
    };
    if row
        != (
            expected.title_len,
            expected.body_len,
            expected.body_text.to_owned(),
        )
    {
        return Ok(Some("the search document does not match its text"));
    }
    Ok(match fts {
        None => Some("no full-text (FTS) row"),
        Some(f) if f != (expected.title_tokens, expected.body_tokens) => {
            Some("the full-text (FTS) row does not match its text")
        }
        Some(_) => None,
    })
}

async fn postgres_mismatch<C: ConnectionTrait>(
    db: &C,
    id: i64,
    doc: &SearchDocument,
) -> AppResult<Option<&'static str>> {
    let expected = doc.expected();
    let Some(row) = document(db, id).await? else {
        return Ok(Some("no search document"));
    };
    if row
        != (
            expected.title_len,
            expected.body_len,
            expected.body_text.to_owned(),
        )
    {
        return Ok(Some("the search document does not match its text"));
    }
    let [title_tsv, all_tsv, freqs] = doc.postgres_columns()?;
    let found = rows(
        db,
        "SELECT d.title_tsv = CAST(? AS tsvector) AND d.all_tsv = CAST(? AS tsvector) AS vectors, \
         COALESCE((SELECT jsonb_object_agg(token, tf) FROM search_postings WHERE post_id = d.post_id), \
         CAST('{}' AS jsonb)) = CAST(? AS jsonb) AS postings \
         FROM search_documents d WHERE d.post_id = ?",
        vec![title_tsv, all_tsv, freqs, id.into()],
    )
    .await?;
    let Some(r) = found.first() else {
        return Ok(Some("no search document"));
    };
    Ok(if !r.try_get::<bool>("", "vectors")? {
        Some("the search vectors do not match its text")
    } else if !r.try_get::<bool>("", "postings")? {
        Some("the search postings do not match its text")
    } else {
        None
    })
}

/// A post's stored `title_len`, `body_len`, `body_text`.
async fn document<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<Option<(i32, i32, String)>> {
    let found = rows(
        db,
        "SELECT title_len, body_len, body_text FROM search_documents WHERE post_id = ?",
        vec![id.into()],
    )
    .await?;
    found
        .first()
        .map(|r| {
            Ok((
                r.try_get("", "title_len")?,
                r.try_get("", "body_len")?,
                r.try_get("", "body_text")?,
            ))
        })
        .transpose()
}

/// Indexes each post again, and takes posts that are gone out of the index.
pub(super) async fn repair(db: &DatabaseConnection, problems: &[Problem]) -> AppResult<u64> {
    let txn = crate::db::begin_write(db).await?;
    let mut done = 0;
    for id in problems.iter().filter_map(|p| p.id) {
        match post::Entity::find_by_id(id).one(&txn).await? {
            Some(p) => index_post(&txn, &p).await?,
            None => remove_post(&txn, id).await?,
        }
        done += 1;
    }
    txn.commit().await?;
    Ok(done)
}
