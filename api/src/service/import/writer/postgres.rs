//! The group writer on PostgreSQL: a group (see [`super`]) is one transaction on a
//! connection of the pool, with `synchronous_commit` off (see
//! [`ImportCache`](super::super::ImportCache)), in four round trips whatever its size:
//! `BEGIN`; one string of statements (each file's `SAVEPOINT`, post, authors, tags and
//! search document, `RELEASE`; then the postings of the whole group; then the renumbering
//! of the series the group added to); one `SELECT` of the posts it wrote; `COMMIT`. A
//! file's tags are one multi-row statement.
//!
//! The postings (about a hundred rows a post, most of the cost of writing one) are one
//! statement for the group, in token order: neighbouring rows land on the same index
//! pages. The statement reads each post's id by slug, so it writes the postings of the
//! posts that exist: should a file fail, its savepoint is rolled back and the statement
//! runs after that, for the files before it.
//!
//! One string of statements is PostgreSQL's simple query protocol, which takes no
//! parameters: values are written into the text as literals by sea-query's PostgreSQL
//! builder (`E'…'` strings with every quote, backslash and control character escaped; a
//! NUL makes the statement fail, as it would as a parameter). Should a statement fail,
//! PostgreSQL skips the rest of the string; the failing file's savepoint is rolled back
//! and the files before it are committed.

use std::{collections::BTreeSet, fmt::Write};

use entity::post;
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, EntityTrait, QueryTrait,
    Statement, TransactionTrait, Value,
    sea_query::{PostgresQueryBuilder, QueryBuilder},
};

use super::{SAVEPOINT, Written};
use crate::{
    error::AppResult,
    service::{search::SearchDocument, series},
};

/// A group's statements so far, values written in.
#[derive(Default)]
pub(super) struct Batch {
    sql: String,
    /// Each post's `(slug, term counts)` as literals, for the group's postings.
    postings: Vec<String>,
}

impl Batch {
    /// Appends a new post's statements, in its own savepoint: the post, its tags (the
    /// listing copy is filled by the trigger on `post_tags`) and its search document; its
    /// postings wait for the group's statement (see the module docs).
    pub(super) fn add(
        &mut self,
        active: &post::ActiveModel,
        slug: &str,
        tag_ids: &[i64],
        author_ids: &[i64],
        search: &SearchDocument,
    ) -> AppResult<()> {
        let [title_tsv, all_tsv, freqs] = search.postgres_columns()?;
        let [title_len, body_len, body_text] = search.document_columns();
        let insert = inline(&post::Entity::insert(active.clone()).build(DbBackend::Postgres));
        // The id the post was given, found by its (unique) slug: evaluated once per
        // statement.
        let post_id = format!(
            "(SELECT id FROM posts WHERE slug = {})",
            literal(slug.into())
        );
        let mut sql = String::with_capacity(insert.len() + 4 * 1024);
        let _ = writeln!(sql, "SAVEPOINT {SAVEPOINT};\n{insert};");
        // The authors, in order (see `post::authors`).
        let ids: Vec<String> = author_ids.iter().map(i64::to_string).collect();
        let _ = writeln!(
            sql,
            "INSERT INTO post_authors (post_id, user_id, position) \
             SELECT {post_id}, a.user_id, CAST(a.position - 1 AS integer) \
             FROM unnest(CAST(ARRAY[{}] AS bigint[])) WITH ORDINALITY AS a(user_id, position);",
            ids.join(",")
        );
        if !tag_ids.is_empty() {
            let ids: Vec<String> = tag_ids.iter().map(i64::to_string).collect();
            let _ = writeln!(
                sql,
                "INSERT INTO post_tags (post_id, tag_id, position) \
                 SELECT {post_id}, t.tag_id, CAST(t.position - 1 AS integer) \
                 FROM unnest(CAST(ARRAY[{}] AS bigint[])) WITH ORDINALITY AS t(tag_id, position);",
                ids.join(",")
            );
        }
        let _ = writeln!(
            sql,
            "INSERT INTO search_documents \
             (post_id, title_len, body_len, body_text, title_tsv, all_tsv) \
             VALUES ({post_id}, {}, {}, {}, CAST({} AS tsvector), CAST({} AS tsvector));\n\
             RELEASE {SAVEPOINT};",
            literal(title_len),
            literal(body_len),
            literal(body_text),
            literal(title_tsv),
            literal(all_tsv),
        );
        self.sql.push_str(&sql);
        self.postings
            .push(format!("({}, {})", literal(slug.into()), literal(freqs)));
        Ok(())
    }
}

/// `value` as an SQL literal (see the module docs).
fn literal(value: Value) -> String {
    PostgresQueryBuilder.value_to_string(&value)
}

/// `statement` (built by sea-query: its text holds no literal, only identifiers and
/// `$n` parameters) with its values written in. JSON is cast to `json`, so a `json`
/// column keeps its keys in the order written, as the one-file path stores them (see
/// [`keep_json_order`](crate::service::post::content::keep_json_order)).
fn inline(statement: &Statement) -> String {
    let values = statement.values.as_ref().map_or(&[][..], |v| &v.0[..]);
    let mut out = String::with_capacity(statement.sql.len() + 16 * 1024);
    let mut rest = statement.sql.as_str();
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let digits = rest[at + 1..]
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len() - at - 1);
        let value = rest[at + 1..at + 1 + digits]
            .parse::<usize>()
            .ok()
            .and_then(|n| values.get(n.wrapping_sub(1)));
        match value {
            Some(v @ Value::Json(Some(_))) => {
                let _ = write!(out, "CAST({} AS json)", literal(v.clone()));
            }
            Some(v) => out.push_str(&literal(v.clone())),
            None => out.push_str(&rest[at..at + 1 + digits]),
        }
        rest = &rest[at + 1 + digits..];
    }
    out.push_str(rest);
    out
}

/// The postings of the group's posts that exist (see the module docs); empty for an empty
/// group.
fn postings(values: &[String]) -> String {
    if values.is_empty() {
        return String::new();
    }
    format!(
        "INSERT INTO search_postings (token, post_id, tf) \
         SELECT j.key, p.id, CAST(j.value AS integer) \
         FROM (VALUES {}) AS v(slug, freqs) JOIN posts p ON p.slug = v.slug, \
         jsonb_each_text(CAST(v.freqs AS jsonb)) AS j ORDER BY 1, 2;\n",
        values.join(", ")
    )
}

/// Renumbers the series a group added to (see [`series::renumber_sql`]); empty when
/// there are none.
fn renumber(series_ids: &BTreeSet<i64>) -> String {
    if series_ids.is_empty() {
        return String::new();
    }
    let ids: Vec<String> = series_ids.iter().map(i64::to_string).collect();
    series::renumber_sql(&format!("series_id IN ({})", ids.join(",")))
}

/// Writes a group (see the module docs) and returns the posts it committed (`slugs`: the
/// group's slugs as a JSON array).
pub(super) async fn execute(
    db: &DatabaseConnection,
    batch: Batch,
    series_ids: &BTreeSet<i64>,
    slugs: String,
) -> AppResult<Written> {
    // What follows the files: their postings, then their series' positions.
    let after = format!("{}{}", postings(&batch.postings), renumber(series_ids));
    let txn = db.begin().await?;
    let statements = format!("SET LOCAL synchronous_commit TO OFF;\n{}{after}", batch.sql);
    if let Err(e) = txn.execute_unprepared(&statements).await {
        // Undo the file whose statement failed (outside a savepoint there is none, and
        // nothing of the group is written), then finish with the files before it.
        let recovered = txn
            .execute_unprepared(&format!("ROLLBACK TO SAVEPOINT {SAVEPOINT}"))
            .await
            .is_ok()
            && (after.is_empty() || txn.execute_unprepared(&after).await.is_ok());
        tracing::debug!(error = %e, recovered, "an import group fell back");
        if !recovered {
            txn.rollback().await?;
            return Ok(Written::new());
        }
    }
    // Should the group not commit, nothing of it is written; its files take the one-file
    // path, which reports why.
    match written(&txn, slugs).await {
        Ok(written) => match txn.commit().await {
            Ok(()) => Ok(written),
            Err(e) => {
                tracing::debug!(error = %e, "an import group did not commit");
                Ok(Written::new())
            }
        },
        Err(e) => {
            tracing::debug!(error = %e, "an import group did not commit");
            txn.rollback().await?;
            Ok(Written::new())
        }
    }
}

/// The id and series position of each post of the group that exists.
async fn written(txn: &DatabaseTransaction, slugs: String) -> AppResult<Written> {
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT slug, id, series_position FROM posts \
             WHERE slug IN (SELECT jsonb_array_elements_text(CAST($1 AS jsonb)))",
            [slugs.into()],
        ))
        .await?;
    let mut written = Written::new();
    for row in rows {
        let slug: String = row.try_get("", "slug")?;
        written.insert(
            slug,
            (row.try_get("", "id")?, row.try_get("", "series_position")?),
        );
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_escape_what_would_end_or_bend_a_string() {
        assert_eq!(literal("a'b".into()), r"E'a\'b'");
        assert_eq!(
            literal(r"a\'; DROP TABLE posts; --".into()),
            r"E'a\\\'; DROP TABLE posts; --'"
        );
        assert_eq!(literal("줄\n바꿈".into()), r"E'줄\n바꿈'");
        assert_eq!(literal("plain".into()), "'plain'");
        assert_eq!(literal(Value::String(None)), "NULL");
    }

    #[test]
    fn values_are_written_in_place_of_their_parameters() {
        let statement = Statement::from_sql_and_values(
            DbBackend::Postgres,
            r#"INSERT INTO "t" ("a", "b", "c") VALUES ($1, $2, $10)"#,
            (1..=10).map(|i| match i {
                1 => Value::from("x'"),
                2 => Value::from(serde_json::json!({"b": 1, "a": "'"})),
                n => Value::from(n),
            }),
        );
        assert_eq!(
            inline(&statement),
            r#"INSERT INTO "t" ("a", "b", "c") VALUES (E'x\'', CAST(E'{"b":1,"a":"\'"}' AS json), 10)"#
        );
    }
}
