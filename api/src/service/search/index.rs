//! Writing a post's tokens to the index: `search_documents` on both databases, plus
//! `search_fts` on SQLite or the tsvector columns and `search_postings` (per-token
//! counts) on PostgreSQL (whose corpus totals a trigger keeps).

use std::collections::BTreeMap;

use entity::post;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect, Statement, Value,
    sea_query::{Alias, Query},
};

use crate::{
    error::{AppError, AppResult},
    render,
    search::{normalize, tokenize::write_token_texts},
};

/// What the index stores for a post, made from its title, subtitle and Markdown alone,
/// so a bulk import can build it on another thread ahead of the write. Tokens are kept
/// joined by single spaces (they are letters and digits only), as SQLite's FTS columns
/// take them, with their counts.
#[derive(Debug, Clone)]
pub struct SearchDocument {
    title_tokens: String,
    title_len: i32,
    body_tokens: String,
    body_len: i32,
    body_text: String,
}

impl SearchDocument {
    pub fn new(title: &str, subtitle: Option<&str>, markdown: &str) -> Self {
        let title = normalize(title);
        let mut body = subtitle.unwrap_or_default().to_owned();
        body.push(' ');
        body.push_str(&render::plain_text(markdown));
        let normalized = normalize(&body);
        let mut body_text = String::with_capacity(normalized.len());
        for word in normalized.split_whitespace() {
            if !body_text.is_empty() {
                body_text.push(' ');
            }
            body_text.push_str(word);
        }
        let mut title_tokens = String::with_capacity(title.len() * 2);
        let title_len = write_token_texts(&title, &mut title_tokens);
        // CJK text gives about two tokens a character.
        let mut body_tokens = String::with_capacity(body_text.len() * 2);
        let body_len = write_token_texts(&body_text, &mut body_tokens);
        Self {
            title_tokens,
            title_len: count(title_len),
            body_tokens,
            body_len: count(body_len),
            body_text,
        }
    }

    /// The document of a post as stored.
    pub fn of(post: &post::Model) -> Self {
        Self::new(&post.title, post.subtitle.as_deref(), &post.markdown)
    }

    /// The columns of `search_documents` both databases store after `post_id`:
    /// `title_len`, `body_len`, `body_text`.
    pub(crate) fn document_columns(&self) -> [Value; 3] {
        [
            self.title_len.into(),
            self.body_len.into(),
            self.body_text.clone().into(),
        ]
    }

    /// What SQLite's FTS table takes: the title's and the body's tokens.
    pub(crate) fn sqlite_fts(&self) -> [Value; 2] {
        [
            self.title_tokens.clone().into(),
            self.body_tokens.clone().into(),
        ]
    }

    /// What PostgreSQL stores besides [`Self::document_columns`]: the title's and the
    /// whole document's tsvector literals, and each token's count as a JSON object (the
    /// rows of `search_postings`).
    pub(crate) fn postgres_columns(&self) -> AppResult<[Value; 3]> {
        let freqs = serde_json::to_string(&self.term_counts())
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let [title_tsv, all_tsv] = self.postgres_tsvectors();
        Ok([title_tsv.into(), all_tsv.into(), freqs.into()])
    }

    /// The title's and the whole document's tsvector literals.
    pub(crate) fn postgres_tsvectors(&self) -> [String; 2] {
        [
            tsvector(self.title_tokens()),
            tsvector(self.title_tokens().chain(self.body_tokens())),
        ]
    }

    /// Each token of the title and the body with its count: a post's `search_postings`.
    pub(crate) fn term_counts(&self) -> BTreeMap<&str, u32> {
        let mut freqs: BTreeMap<&str, u32> = BTreeMap::new();
        for t in self.title_tokens().chain(self.body_tokens()) {
            *freqs.entry(t).or_default() += 1;
        }
        freqs
    }

    /// What `quire doctor` compares with the stored index: the document columns
    /// ([`Self::document_columns`]) and, for the title and the body, how many tokens and
    /// how many characters in all (as SQLite's `fts5vocab` counts them).
    pub(crate) fn expected(&self) -> Expected<'_> {
        let stats = |tokens: &mut dyn Iterator<Item = &str>| {
            tokens.fold((0_i64, 0_i64), |(n, c), t| {
                (
                    n + 1,
                    c + i64::try_from(t.chars().count()).unwrap_or(i64::MAX),
                )
            })
        };
        Expected {
            title_len: self.title_len,
            body_len: self.body_len,
            body_text: &self.body_text,
            title_tokens: stats(&mut self.title_tokens()),
            body_tokens: stats(&mut self.body_tokens()),
        }
    }

    fn title_tokens(&self) -> impl Iterator<Item = &str> {
        self.title_tokens.split(' ').filter(|t| !t.is_empty())
    }

    fn body_tokens(&self) -> impl Iterator<Item = &str> {
        self.body_tokens.split(' ').filter(|t| !t.is_empty())
    }
}

/// See [`SearchDocument::expected`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expected<'a> {
    pub title_len: i32,
    pub body_len: i32,
    pub body_text: &'a str,
    /// (tokens, characters) of the title.
    pub title_tokens: (i64, i64),
    /// (tokens, characters) of the body.
    pub body_tokens: (i64, i64),
}

fn count(tokens: usize) -> i32 {
    i32::try_from(tokens).unwrap_or(i32::MAX)
}

/// `'a' 'b'`: distinct tokens as a tsvector literal (tokens are letters and digits only).
fn tsvector<'a>(tokens: impl Iterator<Item = &'a str>) -> String {
    let distinct: std::collections::BTreeSet<&str> = tokens.collect();
    distinct
        .into_iter()
        .map(|t| format!("'{t}'"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The FTS row and the document in one round trip to SQLite's worker thread (the
/// statements run in order; `?1` is the post id in each).
const SQLITE_INDEX: &str = "DELETE FROM search_fts WHERE rowid = ?1; \
     INSERT INTO search_fts (rowid, title, body) VALUES (?1, ?2, ?3); \
     INSERT INTO search_documents (post_id, title_len, body_len, body_text) \
     VALUES (?1, ?4, ?5, ?6) ON CONFLICT (post_id) DO UPDATE SET title_len = excluded.title_len, \
     body_len = excluded.body_len, body_text = excluded.body_text";

const POSTGRES_UPSERT: &str = "INSERT INTO search_documents \
     (post_id, title_len, body_len, body_text, title_tsv, all_tsv) \
     VALUES ($1, $2, $3, $4, CAST($5 AS tsvector), CAST($6 AS tsvector)) \
     ON CONFLICT (post_id) DO UPDATE SET title_len = excluded.title_len, \
     body_len = excluded.body_len, body_text = excluded.body_text, title_tsv = excluded.title_tsv, \
     all_tsv = excluded.all_tsv";

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
    index_document(db, post.id, &SearchDocument::of(post)).await
}

/// [`index_post`] with the document already made (it must be `SearchDocument::of` the
/// post as written). Call it in the transaction that wrote the post.
pub async fn index_document<C: ConnectionTrait>(
    db: &C,
    post_id: i64,
    doc: &SearchDocument,
) -> AppResult<()> {
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            let mut values = vec![post_id.into()];
            values.extend(doc.sqlite_fts());
            values.extend(doc.document_columns());
            run(db, SQLITE_INDEX, values).await
        }
        DbBackend::Postgres => {
            let [title_tsv, all_tsv, freqs] = doc.postgres_columns()?;
            let mut values = vec![post_id.into()];
            values.extend(doc.document_columns());
            values.extend([title_tsv, all_tsv]);
            run(db, POSTGRES_UPSERT, values).await?;
            // The postings a query reads (one row per token); a purge cascades to them.
            run(
                db,
                "DELETE FROM search_postings WHERE post_id = $1",
                vec![post_id.into()],
            )
            .await?;
            run(db, POSTGRES_POSTINGS, vec![post_id.into(), freqs]).await
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
        let txn = crate::db::begin_write(db).await?;
        for p in &batch {
            index_post(&txn, p).await?;
        }
        txn.commit().await?;
        done += batch.len() as u64;
    }
}
