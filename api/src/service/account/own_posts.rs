//! A user's own post listing (`User.posts`: those they are any author of): every status
//! but the trash, drafts included, so only the user and editors may see it.

use crate::{
    auth::{Principal, policy},
    error::AppResult,
    service::post::Scope,
};

/// The scope in which `who` may list `user_id`'s posts.
pub fn scope(who: &Principal, user_id: i64) -> AppResult<Scope> {
    policy::can_see_user_posts(who, user_id)?;
    Ok(Scope::Everything)
}
