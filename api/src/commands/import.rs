//! `quire import PATH…`: finds the files (see [`super::discover`]), reads and prepares
//! them on one thread per core, hands them in order to the import service's [`Run`]
//! (which writes each file atomically, new posts in groups), shows progress and makes
//! the report. One bad file never stops the others and a kill leaves every committed
//! file whole; running again completes the rest. `--dry-run` does the same inside one
//! transaction that is rolled back, so what it reports is what a real run would do, and
//! nothing is written.

use std::{io::IsTerminal, path::PathBuf};

use chrono::{DateTime, Local};
use entity::user::{self, Role};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{ConnectionTrait, DatabaseConnection, TransactionTrait};

use super::{
    discover::{discover, source_path},
    import_images::{Importer, Wanted, look},
    summary::{FileResult, ImageWarning, Report},
};
use crate::{
    error::{AppError, AppResult},
    service::{
        author,
        import::{FileDone, ImportOptions, ImportStatus, PreparedFile, Run, Writer},
        media::Library,
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

/// Runs an import without a media library: the images posts show are left as they are
/// written (see [`run_with_media`]).
pub async fn run(db: &DatabaseConnection, req: &ImportRequest) -> AppResult<Report> {
    run_with_media(db, req, None).await
}

/// Runs an import and reports on every file. Errors are only those that stop the whole
/// run (no author, the database gone); a bad file is a line in the report. With `media`,
/// the images the posts show are added to it and their paths rewritten (see
/// [`super::import_images`]); an image that cannot be is a warning, never a failure.
///
/// A real run writes through the database's group [`Writer`] (on SQLite, a connection
/// of its own).
pub async fn run_with_media(
    db: &DatabaseConnection,
    req: &ImportRequest,
    media: Option<&Library>,
) -> AppResult<Report> {
    if req.dry_run {
        let txn = db.begin().await?;
        let report = run_on(&txn, req, None, media.is_some()).await;
        txn.rollback().await?;
        report
    } else {
        let writer = Writer::open(db).await?;
        let report = run_on(writer.connection(), req, Some(&writer), media).await;
        writer.close().await?;
        report
    }
}

/// What a reader thread hands on: a file prepared, with the images it shows.
type Read = Result<(PreparedFile, Vec<Wanted>), Failure>;

async fn run_on<C: ConnectionTrait + TransactionTrait>(
    db: &C,
    req: &ImportRequest,
    writer: Option<&Writer>,
    media: impl Into<Media<'_>>,
) -> AppResult<Report> {
    let media = media.into();
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

    let progress = progress_bar(found.files.len() as u64);
    let opts = ImportOptions {
        default_author_id: default_author.id,
        status: req.status,
        create_authors: true,
    };
    let mut run = Run::start(db, opts, writer).await?;
    let mut images = Importer::new(media.library(), default_author.id);
    // Reading, parsing, rendering and tokenizing run a few files ahead of this task, on
    // one blocking thread per core, file i on thread i % n; this task takes the files
    // back in their order and hands them to the run.
    let threads = std::thread::available_parallelism()
        .map_or(2, std::num::NonZeroUsize::get)
        .clamp(1, MAX_READERS);
    let files = std::sync::Arc::new(found.files.clone());
    let pages = std::sync::Arc::new(found.pages.clone());
    let roots = std::sync::Arc::new(found.roots.clone());
    let with_images = media.wanted();
    let known = std::sync::Arc::new(run.known_paths());
    let mut readers = Vec::with_capacity(threads);
    let mut queues = Vec::with_capacity(threads);
    for first in 0..threads {
        let (tx, rx) =
            tokio::sync::mpsc::channel::<(String, Read)>(PIPELINE_DEPTH.div_ceil(threads));
        let (files, known, pages, roots) =
            (files.clone(), known.clone(), pages.clone(), roots.clone());
        readers.push(tokio::task::spawn_blocking(move || {
            for path in files.iter().skip(first).step_by(threads) {
                let shown = source_path(path);
                // A file imported before is most likely unchanged: its search document
                // is made only if the post changes, from the post as written.
                let prepared = prepare(path, &shown, !known.contains(&shown)).map(|mut file| {
                    if pages.contains(path) {
                        file.doc.make_page();
                    }
                    let wanted = match roots.get(path) {
                        Some(root) if with_images => look(path, root, &file),
                        _ => Vec::new(),
                    };
                    (file, wanted)
                });
                if tx.blocking_send((shown, prepared)).is_err() {
                    break;
                }
            }
        }));
        queues.push(rx);
    }
    for i in 0..files.len() {
        let Some((shown, prepared)) = queues[i % threads].recv().await else {
            break;
        };
        progress.set_message(shown.clone());
        let (done, failed) = match prepared {
            Ok((mut file, wanted)) => {
                let warned = images.bring_in(db, &mut file, wanted).await;
                report
                    .image_warnings
                    .extend(warned.into_iter().map(|(line, reason)| ImageWarning {
                        path: shown.clone(),
                        line,
                        reason,
                    }));
                (run.add(shown, file).await?, None)
            }
            // Files are reported in order: the ones before first.
            Err((line, reason)) => (
                run.flush().await?,
                Some((shown, FileResult::Failed { line, reason })),
            ),
        };
        progress.inc(done.len() as u64 + u64::from(failed.is_some()));
        report.files.extend(done.into_iter().map(reported));
        report.files.extend(failed);
    }
    let done = run.flush().await?;
    progress.inc(done.len() as u64);
    report.files.extend(done.into_iter().map(reported));
    for reader in readers {
        reader
            .await
            .map_err(|e| AppError::Internal(format!("a file reader stopped: {e}")))?;
    }
    progress.finish_and_clear();
    report.groups = run.groups();
    report.images_added = images.added;
    report.images_reused = images.reused;
    crate::service::import::link_parents(db).await?;
    Ok(report)
}

/// Whether a run brings images in: a real run into a library, a dry run that only
/// looks them up, or neither.
enum Media<'a> {
    Into(&'a Library),
    LookOnly,
    Not,
}

impl<'a> Media<'a> {
    fn library(&self) -> Option<&'a Library> {
        match self {
            Self::Into(lib) => Some(lib),
            _ => None,
        }
    }

    fn wanted(&self) -> bool {
        !matches!(self, Self::Not)
    }
}

impl<'a> From<Option<&'a Library>> for Media<'a> {
    fn from(lib: Option<&'a Library>) -> Self {
        lib.map_or(Self::Not, Self::Into)
    }
}

impl From<bool> for Media<'_> {
    fn from(look: bool) -> Self {
        if look { Self::LookOnly } else { Self::Not }
    }
}

/// A progress bar on stderr when it is a terminal, else one that draws nothing.
fn progress_bar(len: u64) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {elapsed} {wide_msg}") {
        bar.set_style(style);
    }
    bar
}

/// How many files are read ahead of the one being written, over all reader threads.
const PIPELINE_DEPTH: usize = 64;

/// The most reader threads, however many cores there are.
const MAX_READERS: usize = 8;

/// Why a file failed, with its line when known.
type Failure = (Option<usize>, String);

/// Reads a file and prepares it (see [`PreparedFile::parse`]); a file without a date
/// gets its modification time.
fn prepare(
    path: &std::path::Path,
    shown: &str,
    with_search: bool,
) -> Result<PreparedFile, Failure> {
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
    let mtime = meta.modified().map_or_else(
        |_| Local::now().fixed_offset(),
        |t| DateTime::<Local>::from(t).fixed_offset(),
    );
    PreparedFile::parse(shown, &bytes, mtime, with_search).map_err(|e| (e.line, e.message))
}

/// The report line of a file.
fn reported(done: FileDone) -> (String, FileResult) {
    let result = match done.result {
        Ok(imported) => FileResult::Done {
            outcome: imported.outcome,
            slug: imported.post.slug,
            new_authors: imported
                .new_authors
                .into_iter()
                .map(|u| (u.display_name, u.slug))
                .collect(),
            dated_by_mtime: done.dated_by_fallback,
            transcoded_from: done.transcoded_from,
        },
        Err(AppError::BadInput { field, message }) => FileResult::Failed {
            line: None,
            reason: format!("{field}: {message}"),
        },
        Err(e) => FileResult::Failed {
            line: None,
            reason: e.to_string(),
        },
    };
    (done.path, result)
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
