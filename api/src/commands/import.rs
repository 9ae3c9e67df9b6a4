//! `quire import PATH…`: reads every file found (see [`super::discover`]), parses it and
//! imports it in its own transaction (on SQLite, new posts in groups: a savepoint per
//! file inside one transaction, see [`import_sqlite`]), so one bad file never stops the
//! others and a kill leaves every committed file whole; running again completes the rest. `--dry-run`
//! does the same inside one transaction that is rolled back, so what it reports is what
//! a real run would do, and nothing is written.

use std::{io::IsTerminal, path::PathBuf};

use chrono::{DateTime, FixedOffset, Local};
use entity::user::{self, Role};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{ConnectionTrait, DatabaseConnection, StreamTrait, TransactionTrait};

use super::{
    discover::{discover, source_path},
    summary::{FileResult, Report},
};
use crate::{
    error::{AppError, AppResult},
    import::{DateSource, ParsedPost, parse_bytes},
    render::{Rendered, render},
    service::{
        author,
        import::{ImportOptions, ImportStatus, Imported, import_cached},
        import_cache::ImportCache,
        import_sqlite::{self, GROUP_FILES, Group, InFlight},
        search::SearchDocument,
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
///
/// On SQLite a real run writes through a connection of its own, new posts in groups (see
/// [`import_sqlite`]).
pub async fn run(db: &DatabaseConnection, req: &ImportRequest) -> AppResult<Report> {
    if req.dry_run {
        let txn = db.begin().await?;
        let report = run_on(&txn, req, None).await;
        txn.rollback().await?;
        report
    } else if let Some(own) = import_sqlite::dedicated_connection(db).await? {
        let report = run_on(&own, req, Some(own.clone())).await;
        own.close().await?;
        report
    } else {
        run_on(db, req, None).await
    }
}

async fn run_on<C: ConnectionTrait + TransactionTrait + StreamTrait>(
    db: &C,
    req: &ImportRequest,
    batches: Option<DatabaseConnection>,
) -> AppResult<Report> {
    let mut report = Report {
        dry_run: req.dry_run,
        ..Report::default()
    };
    let default_author = resolve_author(db, req.author.as_deref(), &mut report.notes).await?;
    let found = discover(&req.paths);
    for (path, reason) in &found.problems {
        report.files.push((
            source_path(path),
            FileResult::Failed {
                line: None,
                reason: reason.clone(),
            },
        ));
    }
    if found.files.is_empty() && found.problems.is_empty() {
        report
            .notes
            .push("No .md, .markdown or .txt files were found.".to_owned());
    }

    let progress = if std::io::stderr().is_terminal() {
        let bar = ProgressBar::new(found.files.len() as u64);
        if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {wide_msg}")
        {
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
        create_authors: true,
    };
    let mut cache = ImportCache::load(db).await?;
    if batches.is_some() {
        cache.use_sqlite_batches();
    }
    // Reading, parsing, rendering and tokenizing run a few files ahead of this task, on
    // one blocking thread per core, file i on thread i % n; this task takes the files
    // back in their order and writes them one by one.
    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .clamp(1, MAX_READERS);
    let files = std::sync::Arc::new(found.files.clone());
    let known = std::sync::Arc::new(cache.known_paths());
    let mut readers = Vec::with_capacity(threads);
    let mut queues = Vec::with_capacity(threads);
    for first in 0..threads {
        let (tx, rx) = tokio::sync::mpsc::channel::<(String, Result<Prepared, Failure>)>(
            PIPELINE_DEPTH.div_ceil(threads),
        );
        let (files, known) = (files.clone(), known.clone());
        readers.push(tokio::task::spawn_blocking(move || {
            for path in files.iter().skip(first).step_by(threads) {
                let shown = source_path(path);
                // A file imported before is most likely unchanged: its search document
                // is made only if the post changes, from the post as written.
                let prepared = prepare(path, &shown, !known.contains(&shown));
                if tx.blocking_send((shown, prepared)).is_err() {
                    break;
                }
            }
        }));
        queues.push(rx);
    }
    // New posts that need nothing the cache does not know are written up to
    // GROUP_FILES at a time, in one transaction with a savepoint per file, in one round
    // trip (see `Group`), while the next group is prepared; any other file first waits
    // for the groups to be written, then goes alone.
    let mut pending = Pending::new(batches);
    for i in 0..files.len() {
        let Some((shown, prepared)) = queues[i % threads].recv().await else {
            break;
        };
        progress.set_message(shown.clone());
        let p = match prepared {
            Ok(p) => p,
            Err((line, reason)) => {
                let flushed = pending
                    .flush(db, &mut opts, &mut cache, &mut report)
                    .await?;
                progress.inc(flushed);
                report
                    .files
                    .push((shown, FileResult::Failed { line, reason }));
                progress.inc(1);
                continue;
            }
        };
        let fallback = p.mtime.unwrap_or_else(|| Local::now().fixed_offset());
        opts.fallback_date = fallback;
        if let Some(search) = &p.search
            && pending
                .group
                .add(&p.doc, &p.rendered, search, &opts, &cache)
        {
            pending.files.push((shown, p, fallback));
            if pending.group.len() >= GROUP_FILES {
                let reported = pending.send(db, &mut opts, &mut cache, &mut report).await?;
                progress.inc(reported);
            }
            continue;
        }
        let flushed = pending
            .flush(db, &mut opts, &mut cache, &mut report)
            .await?;
        let result = write(db, p, &mut opts, &mut cache).await;
        report.files.push((shown, result));
        progress.inc(flushed + 1);
    }
    let flushed = pending
        .flush(db, &mut opts, &mut cache, &mut report)
        .await?;
    progress.inc(flushed);
    for reader in readers {
        reader
            .await
            .map_err(|e| AppError::Internal(format!("a file reader stopped: {e}")))?;
    }
    progress.finish_and_clear();
    Ok(report)
}

/// How many files are read ahead of the one being written, over all reader threads.
const PIPELINE_DEPTH: usize = 64;

/// The most reader threads, however many cores there are.
const MAX_READERS: usize = 8;

/// A file read, parsed, rendered and tokenized for search, ready to be written.
struct Prepared {
    doc: ParsedPost,
    rendered: Rendered,
    /// Made ahead for files not imported before (see `run_on`).
    search: Option<SearchDocument>,
    mtime: Option<DateTime<FixedOffset>>,
}

/// Why a file failed, with its line when known.
type Failure = (Option<usize>, String);

fn prepare(path: &std::path::Path, shown: &str, with_search: bool) -> Result<Prepared, Failure> {
    let meta = std::fs::metadata(path).map_err(|e| (None, format!("cannot read the file: {e}")))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err((
            None,
            format!(
                "the file is {} MB; posts larger than 16 MB are refused",
                meta.len() / 1_000_000
            ),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| (None, format!("cannot read the file: {e}")))?;
    let doc = parse_bytes(shown, &bytes).map_err(|e| (e.line, e.message))?;
    let rendered = render(&doc.markdown);
    let search = with_search
        .then(|| SearchDocument::new(&doc.title, doc.subtitle.as_deref(), &doc.markdown));
    let mtime = meta
        .modified()
        .ok()
        .map(|t| DateTime::<Local>::from(t).fixed_offset());
    Ok(Prepared {
        doc,
        rendered,
        search,
        mtime,
    })
}

/// A file waiting in a group: its shown path, what was prepared, and the date a file
/// without one is given.
type Waiting = (String, Prepared, DateTime<FixedOffset>);

/// New posts waiting to be written as one group, with their files in order, and the
/// group sent before, still being written on the import's own connection (`conn`, see
/// [`import_sqlite::Group::send`]) while the next one is prepared.
struct Pending {
    conn: Option<DatabaseConnection>,
    group: Group,
    files: Vec<Waiting>,
    in_flight: Option<(InFlight, Vec<Waiting>)>,
}

impl Pending {
    fn new(conn: Option<DatabaseConnection>) -> Self {
        Self {
            conn,
            group: Group::default(),
            files: Vec::new(),
            in_flight: None,
        }
    }

    /// Reports the group being written (see [`Self::finish`]), then sends the waiting
    /// one to be written while the caller goes on (or writes it at once when the run has
    /// no connection of its own). Returns how many files were reported.
    async fn send<C: TransactionTrait + ConnectionTrait + StreamTrait>(
        &mut self,
        db: &C,
        opts: &mut ImportOptions,
        cache: &mut ImportCache,
        report: &mut Report,
    ) -> AppResult<u64> {
        let mut reported = self.finish(db, opts, cache, report).await?;
        if self.group.is_empty() {
            return Ok(reported);
        }
        let files = std::mem::take(&mut self.files);
        match &self.conn {
            Some(conn) => self.in_flight = Some((self.group.send(conn, cache), files)),
            None => {
                let outcomes = self.group.run(db, cache).await?;
                reported += settle(db, files, outcomes, opts, cache, report).await;
            }
        }
        Ok(reported)
    }

    /// Waits for the group being written, if any, and reports its files.
    async fn finish<C: TransactionTrait + ConnectionTrait + StreamTrait>(
        &mut self,
        db: &C,
        opts: &mut ImportOptions,
        cache: &mut ImportCache,
        report: &mut Report,
    ) -> AppResult<u64> {
        let Some((in_flight, files)) = self.in_flight.take() else {
            return Ok(0);
        };
        let outcomes = in_flight.finish(cache).await?;
        Ok(settle(db, files, outcomes, opts, cache, report).await)
    }

    /// Writes and reports every waiting file: [`Self::send`], then [`Self::finish`].
    async fn flush<C: TransactionTrait + ConnectionTrait + StreamTrait>(
        &mut self,
        db: &C,
        opts: &mut ImportOptions,
        cache: &mut ImportCache,
        report: &mut Report,
    ) -> AppResult<u64> {
        let sent = self.send(db, opts, cache, report).await?;
        Ok(sent + self.finish(db, opts, cache, report).await?)
    }
}

/// Reports a group's files from its outcomes; a file the group did not write goes
/// through [`write`] alone. Returns how many files were reported.
async fn settle<C: TransactionTrait + ConnectionTrait + StreamTrait>(
    db: &C,
    files: Vec<Waiting>,
    outcomes: Vec<Option<Imported>>,
    opts: &mut ImportOptions,
    cache: &mut ImportCache,
    report: &mut Report,
) -> u64 {
    let count = files.len() as u64;
    for ((shown, p, fallback), done) in files.into_iter().zip(outcomes) {
        let result = match done {
            Some(imported) => written(imported, &p.doc, fallback),
            None => write(db, p, opts, cache).await,
        };
        report.files.push((shown, result));
    }
    count
}

/// The report line of a file written as `imported`; `fallback` is the date a file
/// without one was given.
fn written(imported: Imported, doc: &ParsedPost, fallback: DateTime<FixedOffset>) -> FileResult {
    FileResult::Done {
        outcome: imported.outcome,
        slug: imported.post.slug,
        new_author: imported.new_author.map(|u| (u.display_name, u.slug)),
        dated_by_mtime: (doc.date_source == DateSource::Missing).then_some(fallback),
        transcoded_from: doc.transcoded_from,
    }
}

async fn write<C: TransactionTrait + ConnectionTrait + StreamTrait>(
    db: &C,
    p: Prepared,
    opts: &mut ImportOptions,
    cache: &mut ImportCache,
) -> FileResult {
    opts.fallback_date = p.mtime.unwrap_or_else(|| Local::now().fixed_offset());
    match import_cached(db, &p.doc, &p.rendered, p.search.as_ref(), opts, cache).await {
        Ok(imported) => written(imported, &p.doc, opts.fallback_date),
        Err(AppError::BadInput { field, message }) => FileResult::Failed {
            line: None,
            reason: format!("{field}: {message}"),
        },
        Err(e) => FileResult::Failed {
            line: None,
            reason: e.to_string(),
        },
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
