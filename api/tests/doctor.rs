//! `quire doctor [--repair]` on the demo blog, SQLite and PostgreSQL: a clean database
//! passes; each invariant broken directly with SQL, one at a time, makes doctor exit 1
//! naming the post or series; `--repair` fixes the repairable ones (values checked) and a
//! second run exits 0; orphan rows are reported and left for a person.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
use support::{Server, Target, temp_dir};

impl Target {
    /// Loads the demo blog: starts `quire serve --demo` and stops it once it listens.
    fn load_demo(&self) {
        Server::start_with(self, &["--demo"]).stop();
    }

    fn doctor(&self, args: &[&str]) -> (Option<i32>, String) {
        let mut all = vec!["doctor"];
        all.extend(args);
        let out = self.quire(&all);
        assert_ne!(
            out.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
        )
    }

    /// A one-connection pool whose connection ignores foreign keys.
    async fn without_foreign_keys(&self) -> DatabaseConnection {
        let mut opts = ConnectOptions::new(self.url());
        opts.max_connections(1)
            .min_connections(1)
            .sqlx_logging(false);
        let db = Database::connect(opts).await.unwrap();
        let off = if matches!(self, Self::Sqlite(_)) {
            "PRAGMA foreign_keys = OFF"
        } else {
            "SET session_replication_role = replica"
        };
        db.execute_unprepared(off).await.unwrap();
        db
    }
}

async fn one_i64(db: &DatabaseConnection, sql: &str) -> i64 {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<i64>(0).unwrap()
}

async fn one_text(db: &DatabaseConnection, sql: &str) -> String {
    let row = db
        .query_one_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .unwrap();
    row.try_get_by_index::<String>(0).unwrap()
}

async fn all_i64(db: &DatabaseConnection, sql: &str) -> Vec<i64> {
    db.query_all_raw(Statement::from_string(db.get_database_backend(), sql))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            r.try_get_by_index::<i64>(0)
                .or_else(|_| r.try_get_by_index::<i32>(0).map(i64::from))
                .unwrap()
        })
        .collect()
}

/// Breaks one invariant with `corrupt`, then: doctor exits 1 naming every needle,
/// `--repair` exits 0, and doctor exits 0 again.
async fn broken_then_repaired(
    target: &Target,
    db: &DatabaseConnection,
    corrupt: &[String],
    needles: &[String],
) {
    for sql in corrupt {
        db.execute_unprepared(sql).await.unwrap();
    }
    let (code, out) = target.doctor(&[]);
    assert_eq!(code, Some(1), "{corrupt:?}: {out}");
    for n in needles {
        assert!(out.contains(n.as_str()), "{n:?} not in {out}");
    }
    assert!(out.contains("problems"), "{out}");
    let (code, out) = target.doctor(&["--repair"]);
    assert_eq!(code, Some(0), "{corrupt:?}: {out}");
    assert!(out.contains("repaired"), "{out}");
    let (code, out) = target.doctor(&[]);
    assert_eq!(code, Some(0), "{corrupt:?}: {out}");
    assert_eq!(out.trim(), "no problems");
}

async fn doctor_finds_and_repairs(target: Target) {
    target.load_demo();
    let (code, out) = target.doctor(&[]);
    assert_eq!((code, out.trim()), (Some(0), "no problems"));

    let db = quire::db::connect(&target.url()).await.unwrap();
    let sqlite = matches!(target, Target::Sqlite(_));
    let post = one_i64(&db, "SELECT MIN(post_id) FROM post_tags").await;
    let slug = one_text(&db, &format!("SELECT slug FROM posts WHERE id = {post}")).await;
    let named = format!("post \"{slug}\" (ID {post})");

    // The search document no longer matches the text.
    broken_then_repaired(
        &target,
        &db,
        &[format!(
            "UPDATE search_documents SET body_text = '낡은 본문' WHERE post_id = {post}"
        )],
        &[format!(
            "search index: {named}: the search document does not match its text"
        )],
    )
    .await;
    // The full-text rows are missing.
    let gone_rows = if sqlite {
        format!("DELETE FROM search_fts WHERE rowid = {post}")
    } else {
        format!("DELETE FROM search_postings WHERE post_id = {post}")
    };
    let what = if sqlite {
        "no full-text (FTS) row"
    } else {
        "the search postings do not match its text"
    };
    broken_then_repaired(&target, &db, &[gone_rows], &[format!("{named}: {what}")]).await;
    // The text changed behind the index's back.
    broken_then_repaired(
        &target,
        &db,
        &[format!(
            "UPDATE posts SET title = '새로 바뀐 제목 하나 둘 셋' WHERE id = {post}"
        )],
        &[format!("search index: {named}")],
    )
    .await;
    // A tag link's listing copy disagrees with its post.
    let listed = all_i64(
        &db,
        &format!("SELECT CASE WHEN listed THEN 1 ELSE 0 END FROM post_tags WHERE post_id = {post}"),
    )
    .await;
    broken_then_repaired(
        &target,
        &db,
        &[format!(
            "UPDATE post_tags SET listed = NOT listed WHERE post_id = {post}"
        )],
        &[format!("tag listing copies: {named}: its link to tag")],
    )
    .await;
    assert_eq!(
        all_i64(
            &db,
            &format!(
                "SELECT CASE WHEN listed THEN 1 ELSE 0 END FROM post_tags WHERE post_id = {post}"
            ),
        )
        .await,
        listed
    );
    broken_then_repaired(
        &target,
        &db,
        &[format!(
            "UPDATE post_tags SET published_at = NULL WHERE post_id = {post}"
        )],
        &[format!("tag listing copies: {named}")],
    )
    .await;

    // A gap in a series.
    let series = one_i64(&db, "SELECT MIN(series_id) FROM posts").await;
    let series_slug = one_text(&db, &format!("SELECT slug FROM series WHERE id = {series}")).await;
    let positions = format!(
        "SELECT series_position FROM posts WHERE series_id = {series} ORDER BY series_position"
    );
    let before = all_i64(&db, &positions).await;
    assert_eq!(before, (1..=before.len() as i64).collect::<Vec<_>>());
    broken_then_repaired(
        &target,
        &db,
        &[format!(
            "UPDATE posts SET series_position = series_position + 5 WHERE series_id = {series} AND series_position = 1"
        )],
        &[format!("series positions: series \"{series_slug}\" (ID {series})")],
    )
    .await;
    assert_eq!(all_i64(&db, &positions).await, before);

    // A post whose first author is not its author_id, and authors with a gap.
    let coauthored = one_i64(
        &db,
        "SELECT MIN(post_id) FROM post_authors WHERE position = 1",
    )
    .await;
    let authors =
        format!("SELECT user_id FROM post_authors WHERE post_id = {coauthored} ORDER BY position");
    let byline = all_i64(&db, &authors).await;
    let co_slug = one_text(
        &db,
        &format!("SELECT slug FROM posts WHERE id = {coauthored}"),
    )
    .await;
    broken_then_repaired(
        &target,
        &db,
        &[format!("DELETE FROM post_authors WHERE post_id = {coauthored} AND position = 0")],
        &[format!(
            "post authors: post \"{co_slug}\" (ID {coauthored}): its first author is not its author_id"
        )],
    )
    .await;
    assert_eq!(all_i64(&db, &authors).await, byline);
    broken_then_repaired(
        &target,
        &db,
        &[format!(
            "UPDATE post_authors SET position = 7 WHERE post_id = {coauthored} AND position = 1"
        )],
        &[format!(
            "post \"{co_slug}\" (ID {coauthored}): its authors are not at positions 0 to n-1"
        )],
    )
    .await;
    assert_eq!(all_i64(&db, &authors).await, byline);
    assert_eq!(
        all_i64(
            &db,
            &format!(
                "SELECT position FROM post_authors WHERE post_id = {coauthored} ORDER BY position"
            )
        )
        .await,
        (0..byline.len() as i64).collect::<Vec<_>>()
    );

    // Orphans are reported, not repaired.
    let page = one_i64(&db, "SELECT MIN(id) FROM posts WHERE kind = 'PAGE'").await;
    let page_slug = one_text(&db, &format!("SELECT slug FROM posts WHERE id = {page}")).await;
    db.execute_unprepared(&format!(
        "UPDATE posts SET parent_id = {post} WHERE id = {page}"
    ))
    .await
    .unwrap();
    let loose = target.without_foreign_keys().await;
    loose
        .execute_unprepared(
            "INSERT INTO revisions (post_id, version, title, markdown, created_at) \
             VALUES (987654, 1, '사라진 글', '본문', '2024-01-01 00:00:00+00:00')",
        )
        .await
        .unwrap();
    // PostgreSQL's search postings have no foreign key: doctor is their guard.
    let postgres = matches!(target, Target::Postgres { .. });
    if postgres {
        db.execute_unprepared(
            "INSERT INTO search_postings (token, post_id, tf) VALUES ('유령', 987655, 1), ('글', 987655, 2)",
        )
        .await
        .unwrap();
    }
    let (code, out) = target.doctor(&["--repair"]);
    assert_eq!(code, Some(1), "{out}");
    if postgres {
        assert!(
            out.contains(
                "orphan rows: search postings of post ID 987655 belong to a missing search document"
            ),
            "{out}"
        );
        db.execute_unprepared("DELETE FROM search_postings WHERE post_id = 987655")
            .await
            .unwrap();
    }
    assert!(
        out.contains(&format!(
            "orphan rows: page \"{page_slug}\" (ID {page}) has a parent that is not a page"
        )),
        "{out}"
    );
    assert!(
        out.contains("(post ID 987654) is a revision of a missing post"),
        "{out}"
    );
    assert!(
        out.contains(if postgres { "3 remain" } else { "2 remain" }),
        "{out}"
    );
    db.execute_unprepared(&format!(
        "UPDATE posts SET parent_id = NULL WHERE id = {page}"
    ))
    .await
    .unwrap();
    loose
        .execute_unprepared("DELETE FROM revisions WHERE post_id = 987654")
        .await
        .unwrap();
    loose.close().await.unwrap();
    let (code, out) = target.doctor(&[]);
    assert_eq!((code, out.trim()), (Some(0), "no problems"));
    db.close().await.unwrap();
}

#[tokio::test]
async fn sqlite_doctor_finds_and_repairs() {
    doctor_finds_and_repairs(Target::Sqlite(temp_dir())).await;
}

#[tokio::test]
async fn postgres_doctor_finds_and_repairs() {
    if let Some(t) = Target::postgres().await {
        doctor_finds_and_repairs(t).await;
    }
}
