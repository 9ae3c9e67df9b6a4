//! `quire import PATH…`: reads every file found (see [`super::discover`]), parses it and
//! imports it in its own transaction, so one bad file never stops the others and a kill
//! leaves every finished file in place; running again completes the rest. `--dry-run`
//! does the same inside one transaction that is rolled back, so what it reports is what
//! a real run would do, and nothing is written.

use std::{io::IsTerminal, path::PathBuf};

use chrono::{DateTime, Local};
use entity::user::{self, Role};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use super::{
    discover::{discover, source_path},
    summary::{FileResult, Report},
};
use crate::{
    error::{AppError, AppResult},
    import::{DateSource, parse_bytes},
    service::{
        author,
        import::{ImportOptions, ImportStatus, import_post},
    },
};

/// Files larger than this are refused: no blog post is that long.
const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// What to import and how.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub paths: Vec<PathBuf>,
    pub dry_run: bool,
    /// Slug of the author of posts whose front matter names no known author; created
    /// when no user has it.
    pub author: Option<String>,
    pub status: ImportStatus,
}

/// Runs an import and reports on every file. Errors are only those that stop the whole
/// run (no author, the database gone); a bad file is a line in the report.
pub async fn run(db: &DatabaseConnection, req: &ImportRequest) -> AppResult<Report> {
    if req.dry_run {
        let txn = db.begin().await?;
        let report = run_on(&txn, req).await;
        txn.rollback().await?;
        report
    } else {
        run_on(db, req).await
    }
}

async fn run_on<C: ConnectionTrait + TransactionTrait>(db: &C, req: &ImportRequest) -> AppResult<Report> {
    let mut report = Report {
        dry_run: req.dry_run,
        ..Report::default()
    };
    let default_author = resolve_author(db, req.author.as_deref(), &mut report.notes).await?;
    let found = discover(&req.paths);
    for (path, reason) in &found.problems {
        report.files.push((source_path(path), FileResult::Failed { line: None, reason: reason.clone() }));
    }
    if found.files.is_empty() && found.problems.is_empty() {
        report.notes.push("No .md, .markdown or .txt files were found.".to_owned());
    }

    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(found.files.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {wide_msg}") {
            bar.set_style(style);
        }
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut opts = ImportOptions {
        default_author_id: default_author.id,
        status: req.status,
        fallback_date: Local::now().fixed_offset(),
    };
    for path in &found.files {
        let shown = source_path(path);
        progress.set_message(shown.clone());
        let result = import_file(db, path, &shown, &mut opts).await;
        report.files.push((shown, result));
        progress.inc(1);
    }
    progress.finish_and_clear();
    Ok(report)
}

async fn import_file<C: TransactionTrait>(
    db: &C,
    path: &std::path::Path,
    shown: &str,
    opts: &mut ImportOptions,
) -> FileResult {
    let failed = |line, reason: String| FileResult::Failed { line, reason };
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) => return failed(None, format!("cannot read the file: {e}")),
    };
    if meta.len() > MAX_FILE_BYTES {
        return failed(None, format!("the file is {} MB; posts larger than 16 MB are refused", meta.len() / 1_000_000));
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return failed(None, format!("cannot read the file: {e}")),
    };
    let doc = match parse_bytes(shown, &bytes) {
        Ok(d) => d,
        Err(e) => return failed(e.line, e.message),
    };
    let mtime = meta.modified().ok().map(|t| DateTime::<Local>::from(t).fixed_offset());
    opts.fallback_date = mtime.unwrap_or_else(|| Local::now().fixed_offset());
    match import_post(db, &doc, opts).await {
        Ok((outcome, post)) => FileResult::Done {
            outcome,
            slug: post.slug,
            dated_by_mtime: (doc.date_source == DateSource::Missing).then_some(opts.fallback_date),
            transcoded_from: doc.transcoded_from,
        },
        Err(AppError::BadInput { field, message }) => failed(None, format!("{field}: {message}")),
        Err(e) => failed(None, e.to_string()),
    }
}

/// The author of posts that name none: `--author SLUG` (created when missing), else
/// the oldest admin, else the oldest user. With no users and no `--author` the import
/// stops before reading any file and says what to do.
async fn resolve_author<C: ConnectionTrait>(
    db: &C,
    wanted: Option<&str>,
    notes: &mut Vec<String>,
) -> AppResult<user::Model> {
    match wanted {
        Some(slug) => {
            let slug = crate::slug::slugify(slug);
            crate::slug::validate(&slug).map_err(|m| AppError::bad_input("--author", m))?;
            if let Some(u) = author::find_by_slug(db, &slug).await? {
                return Ok(u);
            }
            notes.push(format!("Created the author `{slug}` (role AUTHOR)."));
            let email = format!("{slug}@import.invalid");
            author::ensure(
                db,
                author::NewUser {
                    slug: &slug,
                    display_name: &slug,
                    email: &email,
                    bio: None,
                    role: Role::Author,
                },
            )
            .await
        }
        None => author::default_for_import(db).await?.ok_or_else(|| {
            AppError::bad_input(
                "--author",
                "the database has no users yet; pass --author SLUG to name the author of the imported posts (it is created when missing)",
            )
        }),
    }
}
