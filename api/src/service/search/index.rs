//! Writing a post's tokens to the index: `search_documents` on both databases, plus
//! `search_fts` on SQLite or the tsvector and token-count columns and `search_postings`
//! on PostgreSQL (whose corpus totals a trigger keeps).

use std::collections::BTreeMap;

use entity::post;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement, TransactionTrait, Value,
    sea_query::{Alias, Query},
};

use crate::{
    error::{AppError, AppResult},
    render,
    search::{normalize, tokens},
};

/// A post as the index sees it.
struct Document {
    title_tokens: Vec<String>,
    body_tokens: Vec<String>,
    body_text: String,
}

fn document(post: &post::Model) -> Document {
    let title = normalize(&post.title);
    let mut body = post.subtitle.clone().unwrap_or_default();
    body.push(' ');
    body.push_str(&render::plain_text(&post.markdown));
    let body_text = normalize(&body)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Document {
        title_tokens: tokens(&title).into_iter().map(|t| t.text).collect(),
        body_tokens: tokens(&body_text).into_iter().map(|t| t.text).collect(),
        body_text,
    }
}

fn len(tokens: &[String]) -> i32 {
    i32::try_from(tokens.len()).unwrap_or(i32::MAX)
}

/// `'a' 'b'`: distinct tokens as a tsvector literal (tokens are letters and digits only).
fn tsvector<'a>(tokens: impl Iterator<Item = &'a String>) -> String {
    let distinct: std::collections::BTreeSet<&String> = tokens.collect();
    distinct
        .into_iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(" ")
}

const SQLITE_UPSERT: &str = "INSERT INTO search_documents (post_id, title_len, body_len, body_text) \
     VALUES (?, ?, ?, ?) ON CONFLICT (post_id) DO UPDATE SET title_len = excluded.title_len, \
     body_len = excluded.body_len, body_text = excluded.body_text";

const POSTGRES_UPSERT: &str = "INSERT INTO search_documents \
     (post_id, title_len, body_len, body_text, title_tsv, all_tsv, term_freqs) \
     VALUES ($1, $2, $3, $4, CAST($5 AS tsvector), CAST($6 AS tsvector), CAST($7 AS jsonb)) \
     ON CONFLICT (post_id) DO UPDATE SET title_len = excluded.title_len, \
     body_len = excluded.body_len, body_text = excluded.body_text, title_tsv = excluded.title_tsv, \
     all_tsv = excluded.all_tsv, term_freqs = excluded.term_freqs";

const POSTGRES_POSTINGS: &str = "INSERT INTO search_postings (token, post_id, tf) \
     SELECT j.key, $1, CAST(j.value AS integer) FROM jsonb_each_text(CAST($2 AS jsonb)) j";

async fn run<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<Value>) -> AppResult<()> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        values,
    ))
    .await?;
    Ok(())
}

/// Adds or replaces `post` in the index. Call it in the transaction that wrote the post.
pub async fn index_post<C: ConnectionTrait>(db: &C, post: &post::Model) -> AppResult<()> {
    let doc = document(post);
    let common: Vec<Value> = vec![
        post.id.into(),
        len(&doc.title_tokens).into(),
        len(&doc.body_tokens).into(),
        doc.body_text.clone().into(),
    ];
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            run(
                db,
                "DELETE FROM search_fts WHERE rowid = ?",
                vec![post.id.into()],
            )
            .await?;
            run(
                db,
                "INSERT INTO search_fts (rowid, title, body) VALUES (?, ?, ?)",
                vec![
                    post.id.into(),
                    doc.title_tokens.join(" ").into(),
                    doc.body_tokens.join(" ").into(),
                ],
            )
            .await?;
            run(db, SQLITE_UPSERT, common).await
        }
        DbBackend::Postgres => {
            let mut freqs: BTreeMap<&str, u32> = BTreeMap::new();
            for t in doc.title_tokens.iter().chain(&doc.body_tokens) {
                *freqs.entry(t.as_str()).or_default() += 1;
            }
            let mut values = common;
            values.push(tsvector(doc.title_tokens.iter()).into());
            values.push(tsvector(doc.title_tokens.iter().chain(&doc.body_tokens)).into());
            let freqs =
                serde_json::to_string(&freqs).map_err(|e| AppError::Internal(e.to_string()))?;
            values.push(freqs.clone().into());
            run(db, POSTGRES_UPSERT, values).await?;
            // The postings a query reads (one row per token); a purge cascades to them.
            run(
                db,
                "DELETE FROM search_postings WHERE post_id = $1",
                vec![post.id.into()],
            )
            .await?;
            run(db, POSTGRES_POSTINGS, vec![post.id.into(), freqs.into()]).await
        }
        other => Err(AppError::Internal(format!(
            "search: unsupported database {other:?}"
        ))),
    }
}

/// Takes a post out of the index (when it is purged; soft deletion needs no call).
pub async fn remove_post<C: ConnectionTrait>(db: &C, post_id: i64) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Sqlite {
        run(
            db,
            "DELETE FROM search_fts WHERE rowid = ?",
            vec![post_id.into()],
        )
        .await?;
    }
    let sql = match db.get_database_backend() {
        DbBackend::Postgres => "DELETE FROM search_documents WHERE post_id = $1",
        _ => "DELETE FROM search_documents WHERE post_id = ?",
    };
    run(db, sql, vec![post_id.into()]).await
}

/// Indexes every post the index lacks (posts written before search existed), in
/// batches, each in its own transaction; returns how many were indexed.
pub async fn index_missing(db: &DatabaseConnection) -> AppResult<u64> {
    let mut done = 0;
    loop {
        let batch = post::Entity::find()
            .filter(
                post::Column::Id.not_in_subquery(
                    Query::select()
                        .column(Alias::new("post_id"))
                        .from(Alias::new("search_documents"))
                        .to_owned(),
                ),
            )
            .order_by_asc(post::Column::Id)
            .limit(200)
            .all(db)
            .await?;
        if batch.is_empty() {
            return Ok(done);
        }
        let txn = db.begin().await?;
        for p in &batch {
            index_post(&txn, p).await?;
        }
        txn.commit().await?;
        done += batch.len() as u64;
    }
}
