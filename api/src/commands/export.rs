//! `quire export DIR`: every post, drafts included, written as Jekyll Markdown under
//! `DIR/_posts/`, and every page under `DIR/_pages/` (see [`crate::export`]). Posts in the trash are written too, marked
//! `trashed`, so importing the export puts them back in the trash: nothing is lost.
//! The media files posts show (in their text, cover image or front matter) are written
//! under `DIR/assets/media/` and their paths rewritten to `/assets/media/{name}`, which
//! `quire import DIR` brings back into the library (the same bytes, so the same hash).

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use entity::post::Status;
use sea_orm::DatabaseConnection;
use serde_json::Value;

use crate::{
    error::{AppError, AppResult},
    export::to_jekyll,
    media::{paths, store::original_key},
    service::{
        export::{ExportedPost, all_posts},
        media::{Library, by_hashes},
    },
};

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExportReport {
    pub written: usize,
    pub drafts: usize,
    pub trashed: usize,
    pub folder: PathBuf,
    /// Media files written under `assets/media/`.
    pub media: usize,
}

impl ExportReport {
    pub fn render(&self) -> String {
        let mut s = format!(
            "Exported {} posts ({} drafts) to {}\n",
            self.written,
            self.drafts,
            self.folder.display()
        );
        if self.media > 0 {
            s.push_str(&format!(
                "Wrote {} media files under {}\n",
                self.media,
                self.folder
                    .parent()
                    .unwrap_or(&self.folder)
                    .join(paths::ASSETS)
                    .display()
            ));
        }
        if self.trashed > 0 {
            s.push_str(&format!(
                "{} of them are in the trash (marked `trashed: <date>`).\n",
                self.trashed
            ));
        }
        s
    }
}

/// Writes every post under `dir/_posts/`, replacing files of the same name; media paths
/// stay as they are (see [`run_with_media`]).
pub async fn run(db: &DatabaseConnection, dir: &Path) -> AppResult<ExportReport> {
    run_with_media(db, dir, None).await
}

/// Writes every post under `dir/_posts/` (replacing files of the same name) and, with
/// `media`, the files they show under `dir/assets/media/`.
pub async fn run_with_media(
    db: &DatabaseConnection,
    dir: &Path,
    media: Option<&Library>,
) -> AppResult<ExportReport> {
    let mut posts = all_posts(db).await?;
    let written_media = match media {
        Some(lib) => write_media(db, lib, dir, &mut posts).await?,
        None => 0,
    };
    let folder = dir.join("_posts");
    std::fs::create_dir_all(&folder).map_err(|e| {
        AppError::bad_input("DIR", format!("cannot create {}: {e}", folder.display()))
    })?;
    let mut report = ExportReport {
        folder,
        media: written_media,
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

/// Writes the media files `posts` show under `dir/assets/media/` and points the posts'
/// paths at them; returns how many files were written.
async fn write_media(
    db: &DatabaseConnection,
    lib: &Library,
    dir: &Path,
    posts: &mut [ExportedPost],
) -> AppResult<usize> {
    let mut hashes: Vec<String> = posts
        .iter()
        .flat_map(|e| {
            let p = &e.post;
            let mut text = p.markdown.clone();
            text.push('\n');
            text.push_str(p.cover_image.as_deref().unwrap_or_default());
            text.push('\n');
            text.push_str(&p.front_matter.to_string());
            paths::find(&text).into_iter().map(|(_, h)| h)
        })
        .collect();
    hashes.sort_unstable();
    hashes.dedup();
    if hashes.is_empty() {
        return Ok(0);
    }
    let mut files = by_hashes(db, &hashes).await?;
    files.sort_by_key(|m| (m.created_at, m.id));
    let folder = dir.join(paths::ASSETS);
    std::fs::create_dir_all(&folder).map_err(|e| {
        AppError::bad_input("DIR", format!("cannot create {}: {e}", folder.display()))
    })?;
    let mut names = paths::AssetNames::default();
    let mut urls: HashMap<String, String> = HashMap::new();
    for m in &files {
        let name = names.name(&m.filename, &m.sha256);
        let bytes = lib
            .store
            .read(&original_key(&m.sha256))
            .await
            .map_err(|e| AppError::Internal(format!("reading media {}: {e}", m.sha256)))?;
        let path = folder.join(&name);
        std::fs::write(&path, &bytes).map_err(|e| {
            AppError::bad_input("DIR", format!("cannot write {}: {e}", path.display()))
        })?;
        urls.insert(m.sha256.clone(), paths::asset_path(&name));
    }
    let new = |h: &str| urls.get(h).cloned();
    for e in posts.iter_mut() {
        let p = &mut e.post;
        p.markdown = paths::replace(&p.markdown, new);
        p.cover_image = p.cover_image.as_deref().map(|c| paths::replace(c, new));
        replace_strings(&mut p.front_matter, &new);
    }
    Ok(files.len())
}

fn replace_strings(v: &mut Value, new: &impl Fn(&str) -> Option<String>) {
    match v {
        Value::String(s) if s.contains("/media/") => {
            *s = paths::replace(s, new);
        }
        Value::Array(a) => a.iter_mut().for_each(|v| replace_strings(v, new)),
        Value::Object(m) => m.values_mut().for_each(|v| replace_strings(v, new)),
        _ => {}
    }
}
