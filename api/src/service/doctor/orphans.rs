//! No row points at something that is gone (foreign keys prevent it, unless they were
//! off when the row was written: SQLite with `foreign_keys` off, a restore of part of a
//! dump, a hand edit), and a page's parent is a page. Not repaired: whether the row or
//! its missing target is the mistake is a person's call.

use sea_orm::{DatabaseConnection, DbBackend};

use super::{Check, Problem, rows};
use crate::error::AppResult;

/// What each query finds, and the query: it returns `label`, a text naming the row.
const ORPHANS: [(&str, &str); 11] = [
    (
        "links a missing post to a tag",
        "SELECT 'tag link (post ID ' || CAST(post_id AS TEXT) || ', tag ID ' || CAST(tag_id AS TEXT) || ')' AS label \
         FROM post_tags WHERE post_id NOT IN (SELECT id FROM posts)",
    ),
    (
        "links a post to a missing tag",
        "SELECT 'tag link (post ID ' || CAST(post_id AS TEXT) || ', tag ID ' || CAST(tag_id AS TEXT) || ')' AS label \
         FROM post_tags WHERE tag_id NOT IN (SELECT id FROM tags)",
    ),
    (
        "names a missing post",
        "SELECT 'author row (post ID ' || CAST(post_id AS TEXT) || ', user ID ' || CAST(user_id AS TEXT) || ')' AS label \
         FROM post_authors WHERE post_id NOT IN (SELECT id FROM posts)",
    ),
    (
        "names a missing user",
        "SELECT 'author row (post ID ' || CAST(post_id AS TEXT) || ', user ID ' || CAST(user_id AS TEXT) || ')' AS label \
         FROM post_authors WHERE user_id NOT IN (SELECT id FROM users)",
    ),
    (
        "has a missing author (author_id)",
        "SELECT 'post \"' || slug || '\" (ID ' || CAST(id AS TEXT) || ')' AS label \
         FROM posts WHERE author_id NOT IN (SELECT id FROM users)",
    ),
    (
        "is filed under a missing category",
        "SELECT 'post \"' || slug || '\" (ID ' || CAST(id AS TEXT) || ')' AS label \
         FROM posts WHERE category_id IS NOT NULL AND category_id NOT IN (SELECT id FROM categories)",
    ),
    (
        "is in a missing series",
        "SELECT 'post \"' || slug || '\" (ID ' || CAST(id AS TEXT) || ')' AS label \
         FROM posts WHERE series_id IS NOT NULL AND series_id NOT IN (SELECT id FROM series)",
    ),
    (
        "has a parent that is not a page",
        "SELECT 'page \"' || slug || '\" (ID ' || CAST(id AS TEXT) || ')' AS label \
         FROM posts p WHERE parent_id IS NOT NULL \
         AND NOT EXISTS (SELECT 1 FROM posts q WHERE q.id = p.parent_id AND q.kind = 'PAGE')",
    ),
    (
        "is a revision of a missing post",
        "SELECT 'revision ID ' || CAST(id AS TEXT) || ' (post ID ' || CAST(post_id AS TEXT) || ')' AS label \
         FROM revisions WHERE post_id NOT IN (SELECT id FROM posts)",
    ),
    (
        "has a missing parent category",
        "SELECT 'category \"' || slug || '\" (ID ' || CAST(id AS TEXT) || ')' AS label \
         FROM categories WHERE parent_id IS NOT NULL AND parent_id NOT IN (SELECT id FROM categories)",
    ),
    (
        "is a former slug of a missing post",
        "SELECT 'former slug \"' || slug || '\"' AS label \
         FROM slug_aliases WHERE post_id NOT IN (SELECT id FROM posts)",
    ),
];

/// PostgreSQL's search postings, which no foreign key guards (see the migration
/// `m20261206_060000_replace_search_postings_foreign_key`).
const POSTGRES_ORPHANS: [(&str, &str); 1] = [(
    "belong to a missing search document",
    "SELECT 'search postings of post ID ' || CAST(post_id AS TEXT) AS label \
     FROM search_postings WHERE post_id NOT IN (SELECT post_id FROM search_documents) \
     GROUP BY post_id",
)];

pub(super) async fn check(db: &DatabaseConnection) -> AppResult<Vec<Problem>> {
    let mut problems = Vec::new();
    let postgres = match db.get_database_backend() {
        DbBackend::Postgres => &POSTGRES_ORPHANS[..],
        _ => &[],
    };
    for (what, sql) in ORPHANS.iter().chain(postgres) {
        for r in rows(db, &format!("{sql} ORDER BY 1"), vec![]).await? {
            let label: String = r.try_get("", "label")?;
            problems.push(Problem::new(
                Check::Orphans,
                None,
                format!("{label} {what}"),
            ));
        }
    }
    Ok(problems)
}
