//! A post's authors, in order: the one home of "set a post's authors". Position 0 is the
//! primary author, also kept in `posts.author_id` (every writer sets both here or, for
//! the bulk import's raw SQL, from [`rows`]); the byline, the role check on a post and
//! the author filter of listings read the `post_authors` rows.

use std::collections::HashMap;

use entity::{post, post_author, user};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait, Set, sea_query::Expr,
};

use crate::{
    auth::{Principal, policy, rank},
    error::{AppError, AppResult},
};

/// The most authors one post may have.
pub const MAX_AUTHORS: usize = 20;

/// The rows that give `post_id` the authors `user_ids`, in order.
pub fn rows(post_id: i64, user_ids: &[i64]) -> Vec<post_author::ActiveModel> {
    user_ids
        .iter()
        .enumerate()
        .map(|(i, &user_id)| post_author::ActiveModel {
            post_id: Set(post_id),
            user_id: Set(user_id),
            position: Set(i32::try_from(i).unwrap_or(i32::MAX)),
        })
        .collect()
}

/// Gives a new post (inserted with `author_id` = `user_ids[0]`, without author rows yet)
/// its authors, in order.
pub async fn insert<C: ConnectionTrait>(db: &C, post_id: i64, user_ids: &[i64]) -> AppResult<()> {
    if user_ids.is_empty() {
        return Err(AppError::Internal("a post needs an author".into()));
    }
    post_author::Entity::insert_many(rows(post_id, user_ids))
        .exec(db)
        .await?;
    Ok(())
}

/// Replaces the authors of an existing post with `user_ids`, in order, and keeps
/// `posts.author_id` the first of them. Nothing is written when they are unchanged.
pub async fn replace<C: ConnectionTrait>(db: &C, post_id: i64, user_ids: &[i64]) -> AppResult<()> {
    let Some(&primary) = user_ids.first() else {
        return Err(AppError::bad_input(
            "authors",
            "a post needs at least one author",
        ));
    };
    if ids_of(db, post_id).await? == user_ids {
        return Ok(());
    }
    post_author::Entity::delete_many()
        .filter(post_author::Column::PostId.eq(post_id))
        .exec(db)
        .await?;
    post_author::Entity::insert_many(rows(post_id, user_ids))
        .exec(db)
        .await?;
    post::Entity::update_many()
        .col_expr(post::Column::AuthorId, Expr::value(primary))
        .filter(post::Column::Id.eq(post_id))
        .filter(post::Column::AuthorId.ne(primary))
        .exec(db)
        .await?;
    Ok(())
}

/// The user ids of a post's authors, primary first.
pub async fn ids_of<C: ConnectionTrait>(db: &C, post_id: i64) -> AppResult<Vec<i64>> {
    Ok(post_author::Entity::find()
        .select_only()
        .column(post_author::Column::UserId)
        .filter(post_author::Column::PostId.eq(post_id))
        .order_by_asc(post_author::Column::Position)
        .into_tuple()
        .all(db)
        .await?)
}

/// The authors of each of `post_ids`, in order, in one statement; posts without rows
/// are absent.
pub async fn by_posts<C: ConnectionTrait>(
    db: &C,
    post_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<user::Model>>> {
    let rows: Vec<(post_author::Model, Option<user::Model>)> = post_author::Entity::find()
        .find_also_related(user::Entity)
        .filter(post_author::Column::PostId.is_in(post_ids.iter().copied()))
        .order_by_asc(post_author::Column::PostId)
        .order_by_asc(post_author::Column::Position)
        .all(db)
        .await?;
    let mut map: HashMap<i64, Vec<user::Model>> = HashMap::new();
    for (link, u) in rows {
        if let Some(u) = u {
            map.entry(link.post_id).or_default().push(u);
        }
    }
    Ok(map)
}

/// Whether `who` may edit `p` (see [`policy::can_edit_post`]); the post's authors are
/// read only when the role alone does not decide.
pub async fn may_edit<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    p: &post::Model,
) -> AppResult<()> {
    let ids = if rank(who.role()) >= rank(user::Role::Editor) {
        Vec::new()
    } else {
        ids_of(db, p.id).await?
    };
    policy::can_edit_post(who, &ids)
}

/// Whether `who` may read `p`'s draft, its revisions and previews (the people who may
/// edit it).
pub async fn may_read_draft<C: ConnectionTrait>(
    db: &C,
    who: &Principal,
    p: &post::Model,
) -> AppResult<bool> {
    Ok(may_edit(db, who, p).await.is_ok())
}

/// Checks an ordered list of author ids a writer sent: not empty, no repeats, each an
/// existing account (not deleted), and one `who` may set (see
/// [`policy::can_set_authors`]).
pub async fn check<C: ConnectionTrait>(db: &C, who: &Principal, user_ids: &[i64]) -> AppResult<()> {
    if user_ids.is_empty() {
        return Err(AppError::bad_input(
            "authors",
            "a post needs at least one author",
        ));
    }
    if user_ids.len() > MAX_AUTHORS {
        return Err(AppError::bad_input(
            "authors",
            format!("at most {MAX_AUTHORS} authors per post"),
        ));
    }
    for (i, id) in user_ids.iter().enumerate() {
        if user_ids[..i].contains(id) {
            return Err(AppError::bad_input(
                "authors",
                "an author may appear only once",
            ));
        }
    }
    let found: Vec<i64> = user::Entity::find()
        .select_only()
        .column(user::Column::Id)
        .filter(user::Column::Id.is_in(user_ids.iter().copied()))
        .filter(user::Column::DeletedAt.is_null())
        .into_tuple()
        .all(db)
        .await?;
    if let Some(missing) = user_ids.iter().find(|id| !found.contains(id)) {
        return Err(AppError::bad_input(
            "authors",
            format!("no author with id {missing}"),
        ));
    }
    policy::can_set_authors(who, user_ids)
}

/// Posts where `user_id` is any author, as a subquery of post ids.
pub fn posts_of(user_id: i64) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column(post_author::Column::PostId)
        .from(post_author::Entity)
        .and_where(post_author::Column::UserId.eq(user_id))
        .to_owned()
}

/// Posts where the user with slug `slug` is any author, as a subquery of post ids.
pub fn posts_of_slug(slug: &str) -> sea_orm::sea_query::SelectStatement {
    sea_orm::sea_query::Query::select()
        .column((post_author::Entity, post_author::Column::PostId))
        .from(post_author::Entity)
        .join(
            JoinType::InnerJoin,
            user::Entity,
            post_author::Relation::User.def(),
        )
        .and_where(user::Column::Slug.eq(slug))
        .to_owned()
}
