//! The role matrix. ADMIN: everything. EDITOR: all content of everyone. AUTHOR: creates
//! posts, edits and publishes only their own, may attach existing tags and series to
//! them but not create, change or delete tags and series. Anonymous: reads only.

use entity::{post, user::Role};

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

/// Editing, publishing, trashing a post: editors any, authors their own.
pub fn can_edit_post(p: &Principal, post: &post::Model) -> AppResult<()> {
    if rank(p.role()) >= rank(Role::Editor) || post.author_id == p.user_id() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "authors may change only their own posts".into(),
        ))
    }
}

/// Reading a draft, its revisions: the same people who may edit it.
pub fn can_read_draft(p: &Principal, post: &post::Model) -> bool {
    can_edit_post(p, post).is_ok()
}

/// Creating, renaming, merging, deleting tags and series.
pub fn can_manage_taxonomy(p: &Principal) -> AppResult<()> {
    require_role(p, Role::Editor, "create, change or delete tags and series")
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
