//! `quire export DIR`: every post, drafts included, written as Jekyll Markdown under
//! `DIR/_posts/`, and every page under `DIR/_pages/` (see [`crate::export`]). Posts in the trash are written too, marked
//! `trashed`, so importing the export puts them back in the trash: nothing is lost.

use std::path::{Path, PathBuf};

use entity::post::Status;
use sea_orm::DatabaseConnection;

use crate::{
    error::{AppError, AppResult},
    export::to_jekyll,
    service::export::all_posts,
};

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub written: usize,
    pub drafts: usize,
    pub trashed: usize,
    pub folder: PathBuf,
}

impl ExportReport {
    pub fn render(&self) -> String {
        let mut s = format!(
            "Exported {} posts ({} drafts) to {}\n",
            self.written,
            self.drafts,
            self.folder.display()
        );
        if self.trashed > 0 {
            s.push_str(&format!(
                "{} of them are in the trash (marked `trashed: <date>`).\n",
                self.trashed
            ));
        }
        s
    }
}

/// Writes every post under `dir/_posts/`, replacing files of the same name.
pub async fn run(db: &DatabaseConnection, dir: &Path) -> AppResult<ExportReport> {
    let posts = all_posts(db).await?;
    let folder = dir.join("_posts");
    std::fs::create_dir_all(&folder).map_err(|e| {
        AppError::bad_input("DIR", format!("cannot create {}: {e}", folder.display()))
    })?;
    let mut report = ExportReport {
        folder,
        ..ExportReport::default()
    };
    for p in &posts {
        let file = to_jekyll(p);
        let path = dir.join(&file.relative_path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| {
                AppError::bad_input("DIR", format!("cannot create {}: {e}", parent.display()))
            })?;
        }
        std::fs::write(&path, file.text).map_err(|e| {
            AppError::bad_input("DIR", format!("cannot write {}: {e}", path.display()))
        })?;
        report.written += 1;
        if p.post.status == Status::Draft {
            report.drafts += 1;
        }
        if p.post.deleted_at.is_some() {
            report.trashed += 1;
        }
    }
    Ok(report)
}
