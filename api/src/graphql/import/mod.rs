//! `importPosts`: the importer for admin scripts, one result per file.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};

use super::{context::state, post::PostNode};
use crate::{
    error::{ApiResult, AppError},
    service::import::{self, ImportStatus, Outcome},
};

/// One file as a script read it.
#[derive(InputObject)]
pub struct ImportFileInput {
    /// The file's path: used for the Jekyll date in its name, the title of last resort
    /// and to update the same post when the file is imported again.
    pub path: String,
    /// The file's text (Markdown or plain text, YAML or TOML front matter).
    pub content: String,
}

/// What imported posts become unless their front matter says `draft: true`.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq, Default)]
pub enum ImportPostStatus {
    /// Imported as DRAFT.
    Draft,
    /// Imported as PUBLISHED, dated by its front matter or file name.
    #[default]
    Published,
}

/// A batch of files to import, at most 200 (and the request body within `--max-body-bytes`,
/// 1 MiB by default).
#[derive(InputObject)]
pub struct ImportPostsInput {
    /// At most 200 files.
    pub files: Vec<ImportFileInput>,
    /// The status of imported posts whose front matter does not say `draft: true` (default
    /// PUBLISHED).
    #[graphql(default)]
    pub status: ImportPostStatus,
}

/// What happened to one file.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum ImportOutcome {
    /// A new post was created.
    Imported,
    /// The post imported before from the same path was updated.
    Updated,
    /// The file matches the post imported before; nothing was written.
    Unchanged,
    /// Nothing was written; see `error`.
    Failed,
}

/// Why a file was not imported.
#[derive(SimpleObject)]
pub struct ImportFileError {
    /// What was wrong, in words.
    pub message: String,
    /// The error code, as in `extensions.code` (e.g. BAD_USER_INPUT).
    pub code: String,
    /// Where in the file, when known (`files[PATH]:LINE`).
    pub field: Option<String>,
}

/// What happened to one file of `importPosts`.
#[derive(SimpleObject)]
pub struct ImportFileResult {
    /// The file's path, as sent.
    pub path: String,
    /// What happened.
    pub outcome: ImportOutcome,
    /// The post as stored; null when the file failed.
    pub post: Option<PostNode>,
    /// Why the file failed; null otherwise.
    pub error: Option<ImportFileError>,
}

/// The result of `importPosts`, file by file.
#[derive(SimpleObject)]
pub struct ImportPostsPayload {
    /// One result per file, in the order sent.
    pub results: Vec<ImportFileResult>,
}

fn failure(e: AppError) -> ImportFileError {
    let field = match &e {
        AppError::BadInput { field, .. } => Some(field.clone()),
        _ => None,
    };
    let message = match &e {
        AppError::BadInput { message, .. } => message.clone(),
        AppError::Database(_) | AppError::Internal(_) => {
            tracing::error!(error = %e, "importing a file");
            "internal error; see the server log".to_owned()
        }
        other => other.to_string(),
    };
    ImportFileError {
        message,
        code: e.code().as_str().to_owned(),
        field,
    }
}

#[derive(Default)]
pub struct ImportMutation;

#[Object]
impl ImportMutation {
    /// Imports Markdown files as `quire import` does, each in its own transaction; a
    /// file imported again updates its post. EDITORs and ADMINs. A file that fails is
    /// reported in its result (`outcome: FAILED`, `error`) and the others still import.
    /// Errors of the whole call: UNAUTHENTICATED; FORBIDDEN below EDITOR; BAD_USER_INPUT
    /// on `files` for more than 200 files.
    async fn import_posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The files and the status to give imported posts.")]
        input: ImportPostsInput,
    ) -> ApiResult<ImportPostsPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let status = match input.status {
            ImportPostStatus::Draft => ImportStatus::Draft,
            ImportPostStatus::Published => ImportStatus::Published,
        };
        let files: Vec<(String, String)> = input
            .files
            .into_iter()
            .map(|f| (f.path, f.content))
            .collect();
        let results = import::import_for_api(&s.db, who, &files, status).await?;
        Ok(ImportPostsPayload {
            results: results
                .into_iter()
                .map(|(path, r)| match r {
                    Ok((outcome, post)) => ImportFileResult {
                        path,
                        outcome: match outcome {
                            Outcome::Imported => ImportOutcome::Imported,
                            Outcome::Updated => ImportOutcome::Updated,
                            Outcome::Unchanged => ImportOutcome::Unchanged,
                        },
                        post: Some(PostNode::new(post, s.now)),
                        error: None,
                    },
                    Err(e) => ImportFileResult {
                        path,
                        outcome: ImportOutcome::Failed,
                        post: None,
                        error: Some(failure(e)),
                    },
                })
                .collect(),
        })
    }
}
