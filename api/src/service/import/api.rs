//! `importPosts`: files sent over the API, checked against the limits of any other write
//! and imported one by one through the same prepare and write path as `quire import`.

use entity::post;

use super::{ImportOptions, ImportStatus, Outcome, PreparedFile, import_post};
use crate::{
    auth::{Principal, policy::require_role},
    error::{AppError, AppResult},
    import::parse_bytes,
    service::{
        now,
        post::input::{MAX_MARKDOWN_BYTES, MAX_TAGS, MAX_TITLE_CHARS},
    },
};

/// The most files one `importPosts` call may carry (bodies are also capped at 8 MiB).
pub const MAX_FILES_PER_REQUEST: usize = 200;

/// Imports files sent over the API (`importPosts`): the caller must be an editor or an
/// admin (only an admin's import creates authors for unknown `author:` names), each file
/// gets the limits of any other write, and each is its own transaction, so one bad file
/// never stops or half-writes another.
pub async fn import_for_api(
    db: &sea_orm::DatabaseConnection,
    who: &Principal,
    files: &[(String, String)],
    status: ImportStatus,
) -> AppResult<Vec<(String, AppResult<(Outcome, post::Model)>)>> {
    require_role(who, entity::user::Role::Editor, "import posts")?;
    if files.len() > MAX_FILES_PER_REQUEST {
        return Err(AppError::bad_input(
            "files",
            format!("at most {MAX_FILES_PER_REQUEST} files per request"),
        ));
    }
    let opts = ImportOptions {
        default_author_id: who.user_id(),
        status,
        create_authors: who.role() == entity::user::Role::Admin,
    };
    let mut results = Vec::with_capacity(files.len());
    for (path, content) in files {
        let result = async {
            let file = prepare(path, content)?;
            import_post(db, &file, &opts)
                .await
                .map(|done| (done.outcome, done.post))
        }
        .await;
        super::count_file(result.as_ref().ok().map(|(o, _)| *o));
        results.push((path.clone(), result));
    }
    super::link_parents(db).await?;
    Ok(results)
}

/// Parses one file sent over the API and, within the limits of any other write (checked
/// before the rendering), prepares it.
fn prepare(path: &str, content: &str) -> AppResult<PreparedFile> {
    let doc = parse_bytes(path, content.as_bytes()).map_err(|e| {
        let field = match e.line {
            Some(line) => format!("files[{path}]:{line}"),
            None => format!("files[{path}]"),
        };
        AppError::bad_input(field, e.message)
    })?;
    if doc.title.chars().count() > MAX_TITLE_CHARS {
        return Err(AppError::bad_input(
            format!("files[{path}]"),
            format!("the title is longer than {MAX_TITLE_CHARS} characters"),
        ));
    }
    if doc.markdown.len() > MAX_MARKDOWN_BYTES {
        return Err(AppError::bad_input(
            format!("files[{path}]"),
            "the body is larger than 1 MiB",
        ));
    }
    if doc.tags.len() > MAX_TAGS {
        return Err(AppError::bad_input(
            format!("files[{path}]"),
            format!("more than {MAX_TAGS} tags"),
        ));
    }
    Ok(PreparedFile::new(doc, now().fixed_offset()))
}
