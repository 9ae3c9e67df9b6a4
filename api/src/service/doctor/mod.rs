//! `quire doctor`'s checks: the invariants that cross tables and that no constraint
//! enforces, one check per module function, each returning the problems it found; and
//! for the checks that can be repaired safely, the repair (one transaction each).
//!
//! - [`search`]: every post's search document and index rows are what
//!   [`crate::service::search`] would write for its text now.
//! - [`listing`]: the listing copy on each tag link (`post_tags.listed`,
//!   `post_tags.published_at`) agrees with its post ([`crate::service::post::visibility`]).
//! - [`series`]: the posts of each series are at positions 1..n.
//! - [`authors`]: each post's `post_authors` rows are at positions 0..n, position 0 being
//!   `posts.author_id`.
//! - [`orphans`]: no row points at a post, tag, user, category or series that is gone,
//!   and a page's parent is a page (not repaired: which side is wrong is a person's call).

mod authors;
mod listing;
mod orphans;
mod search;
mod series;

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, QueryResult, Statement, Value};

use crate::error::AppResult;

/// One invariant `quire doctor` checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    Search,
    Listing,
    Series,
    Authors,
    Orphans,
}

impl Check {
    /// Every check, in the order they run.
    pub const ALL: [Self; 5] = [
        Self::Search,
        Self::Listing,
        Self::Series,
        Self::Authors,
        Self::Orphans,
    ];

    /// The check's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Self::Search => "search index",
            Self::Listing => "tag listing copies",
            Self::Series => "series positions",
            Self::Authors => "post authors",
            Self::Orphans => "orphan rows",
        }
    }

    /// Whether `--repair` fixes this check's problems.
    pub fn repairable(self) -> bool {
        !matches!(self, Self::Orphans)
    }
}

/// A problem found, with what a repair needs to find its rows again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub check: Check,
    /// A sentence a person reads, naming the post (slug and ID), series or row.
    pub message: String,
    /// The post or series the problem is about, when it is about one.
    pub id: Option<i64>,
}

impl Problem {
    fn new(check: Check, id: Option<i64>, message: String) -> Self {
        Self { check, message, id }
    }
}

/// The problems `check` finds.
pub async fn run(db: &DatabaseConnection, check: Check) -> AppResult<Vec<Problem>> {
    match check {
        Check::Search => search::check(db).await,
        Check::Listing => listing::check(db).await,
        Check::Series => series::check(db).await,
        Check::Authors => authors::check(db).await,
        Check::Orphans => orphans::check(db).await,
    }
}

/// Repairs `problems` (found by `check`) in one transaction; returns how many posts
/// (series, for series positions; tag links, for listing copies) were repaired. Checks that cannot be repaired do nothing.
pub async fn repair(db: &DatabaseConnection, check: Check, problems: &[Problem]) -> AppResult<u64> {
    if problems.is_empty() {
        return Ok(0);
    }
    match check {
        Check::Search => search::repair(db, problems).await,
        Check::Listing => listing::repair(db).await,
        Check::Series => series::repair(db, problems).await,
        Check::Authors => authors::repair(db, problems).await,
        Check::Orphans => Ok(0),
    }
}

/// `sql` with `?` placeholders, numbered `$1…` for PostgreSQL.
fn statement(backend: DbBackend, sql: &str, values: Vec<Value>) -> Statement {
    let text = if backend == DbBackend::Postgres {
        let mut out = String::with_capacity(sql.len() + 8);
        let mut n = 0;
        for c in sql.chars() {
            if c == '?' {
                n += 1;
                out.push_str(&format!("${n}"));
            } else {
                out.push(c);
            }
        }
        out
    } else {
        sql.to_owned()
    };
    Statement::from_sql_and_values(backend, text, values)
}

/// The rows `sql` (with `?` placeholders) returns.
async fn rows<C: ConnectionTrait>(
    db: &C,
    sql: &str,
    values: Vec<Value>,
) -> AppResult<Vec<QueryResult>> {
    Ok(db
        .query_all_raw(statement(db.get_database_backend(), sql, values))
        .await?)
}

/// Runs `sql` (with `?` placeholders); returns the rows it changed.
async fn exec<C: ConnectionTrait>(db: &C, sql: &str, values: Vec<Value>) -> AppResult<u64> {
    Ok(db
        .execute_raw(statement(db.get_database_backend(), sql, values))
        .await?
        .rows_affected())
}

/// `post "slug" (ID n)`, as problems name posts.
fn post_name(slug: &str, id: i64) -> String {
    format!("post \"{slug}\" (ID {id})")
}
