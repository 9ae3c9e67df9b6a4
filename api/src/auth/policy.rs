//! The role matrix. ADMIN: everything. EDITOR: all content of everyone. AUTHOR: creates
//! posts, edits and publishes only their own (those they are one of the authors of, in
//! any place of the byline), may attach existing tags, series and categories to them but
//! not create, change or delete them, and may name co-authors but must stay one of the
//! authors. Anonymous: reads only.
//!
//! **Where the rules are checked: in the services, only.** A service function that acts
//! for a caller takes the caller (`who: &Principal`) and calls these rules before it
//! does anything else; a resolver reads its context, calls the service and maps the
//! result, and never calls this module. So a rule cannot be forgotten by a second
//! resolver over the same service, and it is tested where the work is done. Functions
//! without a `who` act with the database's own authority: the shell commands and
//! imports call them, and the API reaches them only through checked ones.

use entity::user::Role;

use super::{Principal, rank};
use crate::error::{AppError, AppResult};

fn forbidden(what: &str) -> AppError {
    AppError::Forbidden(format!("your role may not {what}"))
}

pub fn require_role(p: &Principal, min: Role, what: &str) -> AppResult<()> {
    if rank(p.role()) >= rank(min) {
        Ok(())
    } else {
        Err(forbidden(what))
    }
}

/// Editing, publishing, trashing a post whose authors are `author_ids` (in any order):
/// editors any, authors those they are one of the authors of.
pub fn can_edit_post(p: &Principal, author_ids: &[i64]) -> AppResult<()> {
    if rank(p.role()) >= rank(Role::Editor) || author_ids.contains(&p.user_id()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "authors may change only their own posts".into(),
        ))
    }
}

/// Reading a draft, its revisions: the same people who may edit it.
pub fn can_read_draft(p: &Principal, author_ids: &[i64]) -> bool {
    can_edit_post(p, author_ids).is_ok()
}

/// Setting a post's authors to `author_ids`: editors anyone; an author may name
/// co-authors, in any order, but must stay one of them (they cannot give a post away).
pub fn can_set_authors(p: &Principal, author_ids: &[i64]) -> AppResult<()> {
    if rank(p.role()) >= rank(Role::Editor) || author_ids.contains(&p.user_id()) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "authors must stay one of the authors of their posts".into(),
        ))
    }
}

/// Creating, renaming, merging, moving, deleting tags, series and categories.
pub fn can_manage_taxonomy(p: &Principal) -> AppResult<()> {
    require_role(
        p,
        Role::Editor,
        "create, change or delete tags, series and categories",
    )
}

/// Registering, changing, listing and testing webhooks: admins only (an endpoint
/// receives every event, drafts' scheduled publications included, and holds a secret).
pub fn can_manage_webhooks(p: &Principal) -> AppResult<()> {
    require_role(p, Role::Admin, "manage webhooks")
}

/// A user's own listing (drafts included): themselves, or editors.
pub fn can_see_user_posts(p: &Principal, user_id: i64) -> AppResult<()> {
    if p.user_id() == user_id || rank(p.role()) >= rank(Role::Editor) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "you may list only your own drafts".into(),
        ))
    }
}

/// Uploading to the media library and listing it: every role (anonymous readers only
/// fetch the files, by their URLs).
pub fn can_use_media(p: &Principal) -> AppResult<()> {
    require_role(p, Role::Author, "use the media library")
}

/// Changing or deleting a media file uploaded by `owner_id`: editors any, authors their
/// own.
pub fn can_manage_media(p: &Principal, owner_id: i64) -> AppResult<()> {
    if rank(p.role()) >= rank(Role::Editor) || p.user_id() == owner_id {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "authors may change only the media they uploaded".into(),
        ))
    }
}

/// The caller's own account, for changes to one's profile or password: API keys have
/// none.
pub fn own_account(p: &Principal) -> AppResult<i64> {
    match p {
        Principal::User(u) => Ok(u.id),
        Principal::ApiKey { .. } => Err(AppError::Forbidden(
            "API keys have no profile or password".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use entity::user;

    use super::*;

    fn someone(id: i64, role: Role) -> Principal {
        Principal::User(user::Model {
            id,
            slug: format!("u{id}"),
            display_name: "김하늘".into(),
            bio: None,
            avatar_url: None,
            email: format!("u{id}@example.com"),
            role,
            created_at: chrono::Utc::now(),
            updated_at: chrono::Utc::now(),
            password_hash: None,
            disabled_at: None,
            deleted_at: None,
        })
    }

    #[test]
    fn authors_edit_posts_they_are_any_author_of_and_must_stay_one() {
        let author = someone(7, Role::Author);
        assert!(can_edit_post(&author, &[7]).is_ok());
        assert!(can_edit_post(&author, &[3, 7]).is_ok(), "a co-author");
        assert!(can_edit_post(&author, &[3, 4]).is_err());
        assert!(can_read_draft(&author, &[3, 7]));
        assert!(can_set_authors(&author, &[3, 7]).is_ok());
        assert!(
            can_set_authors(&author, &[3]).is_err(),
            "giving a post away"
        );
        let editor = someone(8, Role::Editor);
        assert!(can_edit_post(&editor, &[3]).is_ok());
        assert!(can_set_authors(&editor, &[3, 4]).is_ok());
    }
}
