//! `quire backup FILE` and `quire restore FILE`. On SQLite a backup is an online copy
//! (`VACUUM INTO`, so a running server keeps serving and writing) and a restore swaps
//! the database file atomically while nothing has it open; on PostgreSQL they run
//! `pg_dump --format=custom` and `pg_restore` into an empty database. A restore first
//! checks that the file is a quire backup and not from a newer schema than this binary
//! knows, then migrates the restored database up to this binary's schema.

mod postgres;
mod sqlite;

use std::path::{Path, PathBuf};

use migration::{Migrator, MigratorTrait};

/// What `quire backup` was asked.
#[derive(Debug, Clone)]
pub struct BackupRequest {
    pub file: PathBuf,
    /// Replace `file` when it exists.
    pub force: bool,
}

/// Writes a backup of the database at `url` to the request's file.
pub async fn backup(url: &str, req: &BackupRequest) -> anyhow::Result<()> {
    if req.file.exists() && !req.force {
        anyhow::bail!(
            "{}: the file exists; pass --force to replace it",
            req.file.display()
        );
    }
    if url.starts_with("postgres") {
        postgres::backup(url, &req.file).await
    } else {
        sqlite::backup(url, &req.file).await
    }
}

/// Replaces the database at `url` with the backup in `file`, then migrates it.
pub async fn restore(url: &str, file: &Path) -> anyhow::Result<()> {
    if !file.is_file() {
        anyhow::bail!("{}: no such file", file.display());
    }
    if url.starts_with("postgres") {
        postgres::restore(url, file).await
    } else {
        sqlite::restore(url, file).await
    }
}

/// Refuses a backup whose applied migrations include one this binary does not know
/// (it was made by a newer quire, or is not quire's).
fn check_schema(file: &Path, applied: &[String]) -> anyhow::Result<()> {
    let known: Vec<String> = Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let unknown: Vec<&String> = applied.iter().filter(|a| !known.contains(a)).collect();
    if !unknown.is_empty() {
        anyhow::bail!(
            "{}: the backup is from a newer schema than this quire knows (unknown migrations: {}); \
             restore it with a newer quire",
            file.display(),
            unknown
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    if applied.is_empty() {
        anyhow::bail!(
            "{}: not a quire backup (no migrations recorded)",
            file.display()
        );
    }
    Ok(())
}

/// A path next to `path` for writing before an atomic rename onto it.
fn sibling_temp(path: &Path, what: &str) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{what}-{}", uuid::Uuid::new_v4().simple()))
}

/// Deletes a temporary file when dropped, unless it was kept.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn path(&self) -> &Path {
        self.0.as_deref().unwrap_or(Path::new(""))
    }

    /// Moves the file onto `to` and stops watching it.
    fn persist(mut self, to: &Path) -> anyhow::Result<()> {
        let from = self.0.take().unwrap_or_default();
        std::fs::rename(&from, to).map_err(|e| {
            let _ = std::fs::remove_file(&from);
            anyhow::anyhow!("{}: {e}", to.display())
        })
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            // A SQLite file may have left its WAL and shared-memory files beside it.
            crate::db::remove_sqlite_files(&p);
        }
    }
}
