//! Backup and restore of a PostgreSQL database with PostgreSQL's own tools:
//! `pg_dump --format=custom` and `pg_restore`, given the configured URL.

use std::{
    path::Path,
    process::{Command, Output},
};

use super::{TempFile, check_schema, sibling_temp};
use crate::{db, service::backup as sql};

/// Runs a PostgreSQL client tool, with a clear message when it is not installed.
fn tool(name: &str, args: &[&std::ffi::OsStr]) -> anyhow::Result<Output> {
    Command::new(name).args(args).output().map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            anyhow::anyhow!(
                "{name} not found: install PostgreSQL's client tools (e.g. apt-get install \
                 postgresql-client), of the server's major version or newer"
            )
        } else {
            anyhow::anyhow!("{name}: {e}")
        }
    })
}

fn failed(name: &str, out: &Output) -> anyhow::Error {
    anyhow::anyhow!(
        "{name} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr).trim()
    )
}

pub(super) async fn backup(url: &str, file: &Path) -> anyhow::Result<()> {
    let tmp = TempFile(Some(sibling_temp(file, "backup")));
    let out = tool(
        "pg_dump",
        &[
            "--format=custom".as_ref(),
            "--no-owner".as_ref(),
            "--no-privileges".as_ref(),
            "--file".as_ref(),
            tmp.path().as_os_str(),
            "--dbname".as_ref(),
            url.as_ref(),
        ],
    )?;
    if !out.status.success() {
        return Err(failed("pg_dump", &out));
    }
    tmp.persist(file)?;
    eprintln!("backed up the database to {}", file.display());
    Ok(())
}

pub(super) async fn restore(url: &str, file: &Path) -> anyhow::Result<()> {
    check(file)?;
    let conn = db::connect(url).await?;
    let (name, objects) = sql::postgres_contents(&conn).await?;
    conn.close().await?;
    if objects > 0 {
        anyhow::bail!(
            "the database \"{name}\" is not empty ({objects} tables, views or sequences); \
             restore into a new, empty database (createdb) and point DATABASE_URL at it"
        );
    }
    let out = tool(
        "pg_restore",
        &[
            "--no-owner".as_ref(),
            "--no-privileges".as_ref(),
            "--exit-on-error".as_ref(),
            "--single-transaction".as_ref(),
            "--dbname".as_ref(),
            url.as_ref(),
            file.as_os_str(),
        ],
    )?;
    if !out.status.success() {
        return Err(failed("pg_restore", &out));
    }
    let conn = db::connect(url).await?;
    let migrated = db::migrate(&conn).await;
    conn.close().await?;
    migrated?;
    eprintln!("restored the database \"{name}\" from {}", file.display());
    Ok(())
}

/// Refuses a file that is not a `pg_dump` archive of a quire database, or is from a
/// newer schema: its table of contents must list the migrations table, whose rows are
/// read from the archive.
fn check(file: &Path) -> anyhow::Result<()> {
    let not_quire = |why: &str| anyhow::anyhow!("{}: not a quire backup ({why})", file.display());
    let list = tool("pg_restore", &["--list".as_ref(), file.as_os_str()])?;
    if !list.status.success() {
        return Err(not_quire("not a pg_dump custom-format archive"));
    }
    let toc = String::from_utf8_lossy(&list.stdout);
    let table = format!("TABLE DATA public {}", sql::MIGRATIONS_TABLE);
    if !toc.lines().any(|l| l.contains(&table)) {
        return Err(not_quire("no quire tables"));
    }
    let data = tool(
        "pg_restore",
        &[
            "--data-only".as_ref(),
            "--table".as_ref(),
            sql::MIGRATIONS_TABLE.as_ref(),
            "--file".as_ref(),
            "-".as_ref(),
            file.as_os_str(),
        ],
    )?;
    if !data.status.success() {
        return Err(failed("pg_restore", &data));
    }
    let applied = copied_versions(&String::from_utf8_lossy(&data.stdout));
    check_schema(file, &applied)
}

/// The first column of the rows of the migrations table's `COPY … FROM stdin` block in
/// a plain SQL script.
fn copied_versions(script: &str) -> Vec<String> {
    let mut rows = Vec::new();
    let mut inside = false;
    for line in script.lines() {
        if inside {
            if line == "\\." {
                inside = false;
            } else if let Some(version) = line.split('\t').next() {
                rows.push(version.to_owned());
            }
        } else if line.starts_with("COPY ") && line.contains(sql::MIGRATIONS_TABLE) {
            inside = line.ends_with("FROM stdin;");
        }
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::copied_versions;

    #[test]
    fn reads_the_versions_of_a_copy_block() {
        let script = "SET x = 1;\n\
            COPY public.seaql_migrations (version, applied_at) FROM stdin;\n\
            m1_a\t1700000000\n\
            m2_b\t1700000001\n\
            \\.\n\
            \n";
        assert_eq!(copied_versions(script), ["m1_a", "m2_b"]);
        assert!(copied_versions("").is_empty());
    }
}
