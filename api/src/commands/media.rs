//! `quire media add|list|rm`: the media library from a shell, with the database's
//! authority (the same checks on the files as uploads get). A file that cannot be added
//! or removed is named with the reason, and the command exits 1.

use std::{io::Write, process::ExitCode};

use entity::user;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

use crate::{
    cli::MediaCommand,
    error::AppError,
    service::{
        author,
        media::{self, Library, links, manage, upload::NewMedia, usage},
    },
};

pub async fn run(
    db: &DatabaseConnection,
    lib: &Library,
    cmd: MediaCommand,
) -> anyhow::Result<ExitCode> {
    let (mut out, mut err) = (std::io::stdout(), std::io::stderr());
    run_with(db, lib, cmd, &mut out, &mut err).await
}

/// [`run`] writing its report to `out` and the failures to `err`.
pub async fn run_with(
    db: &DatabaseConnection,
    lib: &Library,
    cmd: MediaCommand,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<ExitCode> {
    let failed = match cmd {
        MediaCommand::Add { files, owner, alt } => {
            let owner = owner_of(db, owner.as_deref()).await?;
            let mut failed = 0;
            for path in files {
                match add(db, lib, owner.id, &path, alt.clone()).await {
                    Ok(line) => writeln!(out, "{line}")?,
                    Err(e) => {
                        failed += 1;
                        writeln!(err, "{}: {e}", path.display())?;
                    }
                }
            }
            failed
        }
        MediaCommand::List => {
            list(db, lib, out, err).await?;
            0
        }
        MediaCommand::Rm { files, force } => {
            let mut failed = 0;
            for wanted in files {
                match remove(db, lib, &wanted, force).await {
                    Ok(line) => writeln!(out, "{line}")?,
                    Err(e) => {
                        failed += 1;
                        writeln!(err, "{wanted}: {e}")?;
                    }
                }
            }
            failed
        }
    };
    Ok(if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// `--owner EMAIL`, else the oldest admin, else the oldest user.
async fn owner_of(db: &DatabaseConnection, email: Option<&str>) -> anyhow::Result<user::Model> {
    let found = match email {
        Some(email) => user::Entity::find()
            .filter(user::Column::Email.eq(email.trim().to_lowercase()))
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("--owner: no account has the email {email}"))?,
        None => author::default_for_import(db)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .ok_or_else(|| {
                anyhow::anyhow!("there are no accounts yet: create one with `quire user create`, or name one with --owner")
            })?,
    };
    Ok(found)
}

async fn add(
    db: &DatabaseConnection,
    lib: &Library,
    owner_id: i64,
    path: &std::path::Path,
    alt: Option<String>,
) -> Result<String, AppError> {
    let file = std::fs::File::open(path)
        .map_err(|e| AppError::bad_input("FILE", format!("cannot open it: {e}")))?;
    let filename = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let new = NewMedia {
        file,
        filename,
        alt,
        caption: None,
    };
    let up = media::upload::add(db, lib, owner_id, new).await?;
    let state = if up.created {
        "added"
    } else {
        "already in the library"
    };
    Ok(format!(
        "{}\t{}\t{state}",
        up.media.id,
        links::original(lib, &up.media)
    ))
}

async fn list(
    db: &DatabaseConnection,
    lib: &Library,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> anyhow::Result<()> {
    let all = media::all(db).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let hashes: Vec<String> = all.iter().map(|m| m.sha256.clone()).collect();
    let uses = usage::used_by(db, &hashes)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    writeln!(out, "ID\tTYPE\tBYTES\tPIXELS\tUSES\tURL")?;
    for m in &all {
        let pixels = match (m.width, m.height) {
            (Some(w), Some(h)) => format!("{w}x{h}"),
            _ => "-".to_owned(),
        };
        let used = uses.get(&m.sha256).map_or(0, Vec::len);
        writeln!(
            out,
            "{}\t{}\t{}\t{pixels}\t{used}\t{}",
            m.id,
            m.mime_type,
            m.bytes,
            links::original(lib, m)
        )?;
    }
    writeln!(err, "{} files in {}", all.len(), lib.store.location())?;
    Ok(())
}

async fn remove(
    db: &DatabaseConnection,
    lib: &Library,
    wanted: &str,
    force: bool,
) -> Result<String, AppError> {
    let found = match wanted.parse::<i64>() {
        Ok(id) => media::get(db, id).await?,
        Err(_) => media::by_hash(db, &wanted.to_ascii_lowercase())
            .await?
            .ok_or_else(|| AppError::NotFound(format!("media {wanted}")))?,
    };
    let (m, uses) = manage::remove(db, lib, found, force).await?;
    let mut line = format!("{}\tdeleted {}", m.id, m.filename);
    for u in uses {
        line.push_str(&format!("\n\twas used by {u}"));
    }
    Ok(line)
}
