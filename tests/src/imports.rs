//! Helpers for the tests of `quire import`: a request, running it, and what it did.

use std::collections::HashMap;

use entity::post;
use quire::{
    commands::{
        import::{ImportRequest, run},
        summary::Report,
    },
    service::import::{ImportStatus, Outcome},
};
use sea_orm::EntityTrait;

use super::TestApp;

/// A real (not dry) import of `paths`, published, with the default author.
pub fn request(paths: Vec<std::path::PathBuf>) -> ImportRequest {
    ImportRequest {
        paths,
        dry_run: false,
        author: None,
        status: ImportStatus::Published,
    }
}

/// Runs `quire import` on the app's database.
pub async fn import(app: &TestApp, req: &ImportRequest) -> Report {
    run(&app.db, req).await.unwrap()
}

/// Imported, updated, unchanged and failed files.
pub fn outcomes(report: &Report) -> (usize, usize, usize, usize) {
    (
        report.count(Outcome::Imported),
        report.count(Outcome::Updated),
        report.count(Outcome::Unchanged),
        report.failed(),
    )
}

/// Every post, by title.
pub async fn posts(app: &TestApp) -> HashMap<String, post::Model> {
    post::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.title.clone(), p))
        .collect()
}
