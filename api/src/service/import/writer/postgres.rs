//! The group writer on PostgreSQL: a group (see [`super`]) is one transaction on a
//! connection of the pool, with `synchronous_commit` off (see
//! [`ImportCache`](super::super::ImportCache)), written with `COPY … FROM STDIN`: the
//! group's post ids are taken from the sequence first, then each table the group writes
//! (`posts`, `post_authors`, `post_tags`, `search_documents`, `search_postings`) is one
//! `COPY`, then the series the group added to are renumbered and the posts read back.
//! `COPY` is parsed and planned once per table, not once per row, and its rows are sent
//! as data: per post, most of PostgreSQL's work that was not the rows themselves
//! (parsing, planning, one subtransaction per file) is gone. Row triggers run as for an
//! `INSERT` (`post_tags`' listing copy, the corpus totals), statement triggers once a table.
//!
//! The group is all or nothing: should any part of it fail (a file the database
//! refuses) or the commit not happen, nothing of it is written and its files take the
//! one-file path, which writes those it can and reports the others. A failing file
//! costs its group's speed, never another file's data.
//!
//! The postings (about a hundred rows a post, most of the rows written) go in token
//! order: neighbouring rows land on the same index pages.
//!
//! Two groups may be written at once, on two connections (see
//! [`Writer::groups_in_flight`](super::Writer::groups_in_flight)). What would make one
//! wait for the other is kept to the end: the transaction sets `quire.hot_rows_last`, so
//! the triggers that would lock the content generation and the corpus totals at the
//! first statement do nothing (migration `m20261208_050100`), and the writer updates the
//! two rows itself just before its commit, in the order the one-file path does; and
//! series are renumbered under their rows' lock (`FOR NO KEY UPDATE`), taken in id order.

use std::{collections::BTreeSet, fmt::Write};

use entity::post;
use sea_orm::{
    ActiveModelTrait, DatabaseConnection, Iden, Iterable, Value,
    sqlx::{self, PgConnection, Row},
};

use super::Written;
use crate::{
    error::{AppError, AppResult},
    service::{search::SearchDocument, series},
};

/// One post of the group, its values written as `COPY` text fields.
struct Member {
    /// The `posts` row without its id, in [`Batch::columns`] order.
    post: String,
    slug: String,
    author_ids: Vec<i64>,
    tag_ids: Vec<i64>,
    /// `title_len`, `body_len`, `body_text`, `title_tsv`, `all_tsv`.
    document: String,
    /// Each token's count in the post.
    postings: Vec<(String, u32)>,
    /// The document's length in tokens, for the corpus totals.
    tokens: i64,
}

/// A group's rows so far.
#[derive(Default)]
pub(super) struct Batch {
    /// The `posts` columns every member sets (the first member decides; a post that sets
    /// others is not batched).
    columns: Option<Vec<post::Column>>,
    members: Vec<Member>,
}

impl Batch {
    /// Adds a new post: its row, authors, tags, search document and postings. Fails (the
    /// file then takes the one-file path) for a post whose values `COPY` cannot carry.
    pub(super) fn add(
        &mut self,
        active: &post::ActiveModel,
        slug: &str,
        tag_ids: &[i64],
        author_ids: &[i64],
        search: &SearchDocument,
    ) -> AppResult<()> {
        let set: Vec<post::Column> = post::Column::iter()
            .filter(|c| !matches!(c, post::Column::Id) && active.get(*c).is_set())
            .collect();
        let columns = self.columns.get_or_insert_with(|| set.clone());
        let names = |cs: &[post::Column]| cs.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        if names(columns) != names(&set) {
            return Err(unbatchable("its columns differ from the group's"));
        }
        let mut row = String::with_capacity(16 * 1024);
        for column in columns.iter() {
            row.push('\t');
            let value = active.get(*column).into_value();
            field(&mut row, value.as_ref())?;
        }
        let [title_tsv, all_tsv] = search.postgres_tsvectors();
        let [title_len, body_len, body_text] = search.document_columns();
        let tokens = [&title_len, &body_len]
            .iter()
            .map(|v| match v {
                Value::Int(Some(n)) => i64::from(*n),
                _ => 0,
            })
            .sum();
        let mut document = String::with_capacity(body_text_len(&body_text) * 3);
        for value in [
            title_len,
            body_len,
            body_text,
            title_tsv.into(),
            all_tsv.into(),
        ] {
            document.push('\t');
            field(&mut document, Some(&value))?;
        }
        let postings = search
            .term_counts()
            .into_iter()
            .map(|(token, n)| {
                let mut text = String::with_capacity(token.len());
                escape(&mut text, token)?;
                Ok((text, n))
            })
            .collect::<AppResult<_>>()?;
        self.members.push(Member {
            post: row,
            slug: slug.to_owned(),
            author_ids: author_ids.to_vec(),
            tag_ids: tag_ids.to_vec(),
            document,
            postings,
            tokens,
        });
        Ok(())
    }
}

fn body_text_len(value: &Value) -> usize {
    match value {
        Value::String(Some(s)) => s.len(),
        _ => 0,
    }
}

fn unbatchable(why: &str) -> AppError {
    AppError::Internal(format!("not batched: {why}"))
}

/// Appends `value` as a `COPY` text field (`\N` for NULL).
fn field(out: &mut String, value: Option<&Value>) -> AppResult<()> {
    let Some(value) = value else {
        return Err(unbatchable("a value is missing"));
    };
    match value {
        Value::Bool(Some(b)) => out.push(if *b { 't' } else { 'f' }),
        Value::SmallInt(Some(n)) => push(out, n),
        Value::Int(Some(n)) => push(out, n),
        Value::BigInt(Some(n)) => push(out, n),
        Value::Double(Some(n)) if n.is_finite() => push(out, n),
        Value::String(Some(s)) => escape(out, s)?,
        Value::Json(Some(j)) => escape(out, &j.to_string())?,
        Value::ChronoDateTimeUtc(Some(d)) => push(out, d.to_rfc3339()),
        Value::ChronoDateTimeWithTimeZone(Some(d)) => push(out, d.to_rfc3339()),
        Value::Bool(None)
        | Value::SmallInt(None)
        | Value::Int(None)
        | Value::BigInt(None)
        | Value::Double(None)
        | Value::String(None)
        | Value::Json(None)
        | Value::ChronoDateTimeUtc(None)
        | Value::ChronoDateTimeWithTimeZone(None) => out.push_str("\\N"),
        other => return Err(unbatchable(&format!("a value of type {other:?}"))),
    }
    Ok(())
}

fn push(out: &mut String, value: impl std::fmt::Display) {
    let _ = write!(out, "{value}");
}

/// Appends `text` escaped for `COPY`'s text format. A NUL cannot be stored in text: the
/// file takes the one-file path, which reports it.
fn escape(out: &mut String, text: &str) -> AppResult<()> {
    for c in text.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\0' => return Err(unbatchable("a NUL character")),
            c => out.push(c),
        }
    }
    Ok(())
}

/// Writes a group (see the module docs) and returns the posts it committed; none when
/// any part of it failed.
pub(super) async fn execute(
    db: &DatabaseConnection,
    batch: Batch,
    series_ids: &BTreeSet<i64>,
) -> AppResult<Written> {
    let Some(columns) = &batch.columns else {
        return Ok(Written::new());
    };
    let mut txn = db
        .get_postgres_connection_pool()
        .begin()
        .await
        .map_err(db_error)?;
    match write(&mut txn, columns, &batch.members, series_ids).await {
        Ok(written) => match txn.commit().await {
            Ok(()) => Ok(written),
            Err(e) => {
                tracing::debug!(error = %e, "an import group did not commit");
                Ok(Written::new())
            }
        },
        Err(e) => {
            tracing::debug!(error = %e, "an import group fell back to one file at a time");
            txn.rollback().await.map_err(db_error)?;
            Ok(Written::new())
        }
    }
}

fn db_error(e: sqlx::Error) -> AppError {
    AppError::Internal(format!("import group: {e}"))
}

/// The group's statements, in its transaction.
async fn write(
    conn: &mut PgConnection,
    columns: &[post::Column],
    members: &[Member],
    series_ids: &BTreeSet<i64>,
) -> Result<Written, sqlx::Error> {
    sqlx::query(
        "SELECT set_config('synchronous_commit', 'off', true), \
         set_config('quire.hot_rows_last', 'on', true)",
    )
    .execute(&mut *conn)
    .await?;
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT nextval(pg_get_serial_sequence('posts', 'id')) FROM generate_series(1, $1)",
    )
    .bind(i64::try_from(members.len()).unwrap_or(i64::MAX))
    .fetch_all(&mut *conn)
    .await?;

    let names: Vec<String> = columns
        .iter()
        .map(|c| format!("\"{}\"", c.to_string()))
        .collect();
    let mut posts = String::new();
    let mut authors = String::new();
    let mut tags = String::new();
    let mut documents = String::new();
    let mut postings: Vec<(&str, i64, u32)> = Vec::new();
    for (member, id) in members.iter().zip(&ids) {
        let _ = writeln!(posts, "{id}{}", member.post);
        for (position, user) in member.author_ids.iter().enumerate() {
            let _ = writeln!(authors, "{id}\t{user}\t{position}");
        }
        for (position, tag) in member.tag_ids.iter().enumerate() {
            let _ = writeln!(tags, "{id}\t{tag}\t{position}");
        }
        let _ = writeln!(documents, "{id}{}", member.document);
        postings.extend(member.postings.iter().map(|(t, n)| (t.as_str(), *id, *n)));
    }
    postings.sort_unstable();
    let mut posting_rows = String::with_capacity(postings.len() * 24);
    for (token, id, n) in postings {
        let _ = writeln!(posting_rows, "{token}\t{id}\t{n}");
    }

    copy(conn, &format!("posts (id, {})", names.join(", ")), posts).await?;
    copy(conn, "post_authors (post_id, user_id, position)", authors).await?;
    copy(conn, "post_tags (post_id, tag_id, position)", tags).await?;
    copy(
        conn,
        "search_documents (post_id, title_len, body_len, body_text, title_tsv, all_tsv)",
        documents,
    )
    .await?;
    copy(conn, "search_postings (token, post_id, tf)", posting_rows).await?;
    if !series_ids.is_empty() {
        let list: Vec<i64> = series_ids.iter().copied().collect();
        // `FOR NO KEY UPDATE`, not `FOR UPDATE`: the latter also waits for the key-share
        // locks the other group's posts hold on their series (their foreign key), and two
        // groups sharing two series would deadlock.
        sqlx::query("SELECT id FROM series WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE")
            .bind(&list)
            .execute(&mut *conn)
            .await?;
        let list: Vec<String> = list.iter().map(i64::to_string).collect();
        let sql = series::renumber_sql(&format!("series_id IN ({})", list.join(",")));
        // Ids only, written by this module.
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await?;
    }

    let rows = sqlx::query("SELECT slug, id, series_position FROM posts WHERE id = ANY($1)")
        .bind(&ids)
        .fetch_all(&mut *conn)
        .await?;
    let mut written = Written::new();
    for row in rows {
        written.insert(
            row.try_get::<String, _>("slug")?,
            (row.try_get("id")?, row.try_get("series_position")?),
        );
    }
    // Every member must be there: the ids were this transaction's.
    if members.iter().any(|m| !written.contains_key(&m.slug)) {
        return Err(sqlx::Error::Protocol(
            "a group's post was not read back".into(),
        ));
    }
    // The hot rows, last (see the module docs); what the triggers would have done.
    sqlx::query("SELECT content_generation_advance()")
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE search_totals SET documents = documents + $1, tokens = tokens + $2 WHERE id = 1",
    )
    .bind(i64::try_from(members.len()).unwrap_or(i64::MAX))
    .bind(members.iter().map(|m| m.tokens).sum::<i64>())
    .execute(&mut *conn)
    .await?;
    Ok(written)
}

/// `COPY target FROM STDIN` with `rows` (text format); nothing for no rows.
async fn copy(conn: &mut PgConnection, target: &str, rows: String) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let mut copy = conn
        .copy_in_raw(&format!("COPY {target} FROM STDIN"))
        .await?;
    if let Err(e) = copy.send(rows.into_bytes()).await {
        let _ = copy.abort("the import group failed").await;
        return Err(e);
    }
    copy.finish().await.map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(value: Value) -> String {
        let mut out = String::new();
        field(&mut out, Some(&value)).unwrap();
        out
    }

    #[test]
    fn copy_fields_escape_what_would_end_a_field_or_a_row() {
        assert_eq!(text("a\tb\nc\\d\re".into()), r"a\tb\nc\\d\re");
        assert_eq!(text("한글 그대로".into()), "한글 그대로");
        assert_eq!(text(Value::String(None)), r"\N");
        assert_eq!(text(true.into()), "t");
        assert_eq!(text(42_i64.into()), "42");
        assert_eq!(
            text(serde_json::json!({"b": "줄\n", "a": 1}).into()),
            r#"{"b":"줄\\n","a":1}"#
        );
        let at = chrono::DateTime::parse_from_rfc3339("2024-03-01T10:00:00+09:00").unwrap();
        assert_eq!(text(at.to_utc().into()), "2024-03-01T01:00:00+00:00");
    }

    #[test]
    fn a_nul_or_an_unknown_type_is_not_batched() {
        let mut out = String::new();
        assert!(field(&mut out, Some(&"a\0b".into())).is_err());
        assert!(field(&mut out, Some(&Value::Bytes(Some(vec![1])))).is_err());
        assert!(field(&mut out, None).is_err());
    }
}
