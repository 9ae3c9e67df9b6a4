//! Backup and restore of a SQLite database file.

use std::{
    io::Read,
    path::{Path, PathBuf},
};

use super::{TempFile, check_schema, sibling_temp};
use crate::{db, service::backup as sql};

/// The first bytes of every SQLite database file.
const MAGIC: &[u8; 16] = b"SQLite format 3\0";

/// The database file a `sqlite:` URL names.
fn database_path(url: &str) -> anyhow::Result<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| anyhow::anyhow!("backup and restore need a SQLite or PostgreSQL URL"))?;
    let path = rest.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(":memory:") {
        anyhow::bail!("an in-memory database cannot be backed up or restored");
    }
    Ok(PathBuf::from(path))
}

pub(super) async fn backup(url: &str, file: &Path) -> anyhow::Result<()> {
    let path = database_path(url)?;
    if !path.is_file() {
        anyhow::bail!("{}: no database to back up", path.display());
    }
    let conn = db::connect(url).await?;
    let tmp = TempFile(Some(sibling_temp(file, "backup")));
    let copied = sql::vacuum_into(&conn, tmp.path()).await;
    conn.close().await?;
    copied.map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    tmp.persist(file)?;
    eprintln!("backed up {} to {}", path.display(), file.display());
    Ok(())
}

pub(super) async fn restore(url: &str, file: &Path) -> anyhow::Result<()> {
    let target = database_path(url)?;
    if !is_sqlite_file(file) {
        anyhow::bail!(
            "{}: not a quire backup (not a SQLite database)",
            file.display()
        );
    }
    // Work on a copy next to the database: the backup itself stays as it was, and the
    // database is replaced by one rename.
    let tmp = TempFile(Some(sibling_temp(&target, "restore")));
    std::fs::copy(file, tmp.path()).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let tmp_url = format!("sqlite://{}", tmp.path().display());
    let conn = db::connect(&tmp_url)
        .await
        .map_err(|e| anyhow::anyhow!("{}: not a quire backup ({e})", file.display()))?;
    let checked = check(&conn, file).await;
    if let Err(e) = checked {
        conn.close().await?;
        return Err(e);
    }
    let hold = if target.exists() {
        match sql::SqliteHold::take(&target).await? {
            Some(h) => Some(h),
            None => {
                conn.close().await?;
                anyhow::bail!(
                    "{}: the database is in use; stop the server (and any other quire command) \
                     before restoring",
                    target.display()
                );
            }
        }
    } else {
        None
    };
    let migrated = db::migrate(&conn).await;
    conn.close().await?;
    let migrated = match migrated {
        Ok(()) => sql::sqlite_into_one_file(tmp.path()).await,
        Err(e) => Err(e),
    };
    let done = match migrated {
        Ok(()) => {
            // The old database's WAL must not be replayed onto the new file.
            for suffix in ["-wal", "-shm"] {
                let mut p = target.as_os_str().to_owned();
                p.push(suffix);
                let _ = std::fs::remove_file(p);
            }
            tmp.persist(&target)
        }
        Err(e) => Err(anyhow::anyhow!(
            "{}: migrating the backup: {e}",
            file.display()
        )),
    };
    if let Some(h) = hold {
        h.release().await;
    }
    done?;
    eprintln!("restored {} from {}", target.display(), file.display());
    Ok(())
}

/// Refuses a SQLite file without quire's tables or from a newer schema.
async fn check(conn: &sea_orm::DatabaseConnection, file: &Path) -> anyhow::Result<()> {
    let not_quire = || anyhow::anyhow!("{}: not a quire backup (no quire tables)", file.display());
    if !sql::sqlite_has_quire_tables(conn)
        .await
        .map_err(|_| not_quire())?
    {
        return Err(not_quire());
    }
    let applied = sql::applied_migrations(conn)
        .await
        .map_err(|_| not_quire())?;
    check_schema(file, &applied)
}

fn is_sqlite_file(file: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(file)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == MAGIC
}
