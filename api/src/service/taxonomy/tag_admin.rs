//! Managing tags: create, change, merge and delete (editors and admins).

use entity::{post_tag, tag};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};

use super::{NamedChanges, create_named, load_named, update_named};
use crate::{
    auth::{Principal, policy},
    error::{AppError, AppResult},
    service::{site::TargetKind, webhook::outbox},
};

async fn load_tag<C: ConnectionTrait>(db: &C, id: i64) -> AppResult<tag::Model> {
    load_named::<tag::Entity, _>(db, id).await
}

pub async fn create_tag(
    db: &DatabaseConnection,
    who: &Principal,
    c: NamedChanges,
) -> AppResult<tag::Model> {
    create_named::<tag::Entity>(db, who, c).await
}

/// Renames or re-describes a tag; its posts keep it.
pub async fn update_tag(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
    c: NamedChanges,
) -> AppResult<tag::Model> {
    update_named::<tag::Entity>(db, who, id, c).await
}

/// Moves every post of `from` to `into` (once each, keeping its place) and deletes `from`.
pub async fn merge_tags(
    db: &DatabaseConnection,
    who: &Principal,
    from: i64,
    into: i64,
) -> AppResult<tag::Model> {
    policy::can_manage_taxonomy(who)?;
    if from == into {
        return Err(AppError::bad_input(
            "into",
            "cannot merge a tag into itself",
        ));
    }
    let txn = crate::db::begin_write(db).await?;
    let mark = outbox::open(&txn).await?;
    let source = load_tag(&txn, from).await?;
    let target = load_tag(&txn, into).await?;
    let links = post_tag::Entity::find()
        .filter(post_tag::Column::TagId.eq(from))
        .all(&txn)
        .await?;
    for link in links {
        let has_target = post_tag::Entity::find_by_id((link.post_id, into))
            .one(&txn)
            .await?
            .is_some();
        if !has_target {
            post_tag::ActiveModel {
                post_id: Set(link.post_id),
                tag_id: Set(into),
                position: Set(link.position),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
        }
    }
    tag::Entity::delete_by_id(from).exec(&txn).await?;
    let into_slug = TargetKind::Tag.path(&target.slug);
    let merged = serde_json::json!({ "mergedInto": { "slug": target.slug, "name": target.name, "path": into_slug } });
    let mut named = super::named_of(TargetKind::Tag, source.id, &source.slug, None, &source.name);
    named.also = vec![into];
    outbox::taxonomy(&txn, mark, "deleted", named, Some(merged)).await?;
    txn.commit().await?;
    Ok(target)
}

/// Deletes a tag; posts lose it.
pub async fn delete_tag(
    db: &DatabaseConnection,
    who: &Principal,
    id: i64,
) -> AppResult<tag::Model> {
    policy::can_manage_taxonomy(who)?;
    let txn = crate::db::begin_write(db).await?;
    let mark = outbox::open(&txn).await?;
    let t = load_tag(&txn, id).await?;
    tag::Entity::delete_by_id(id).exec(&txn).await?;
    outbox::taxonomy(
        &txn,
        mark,
        "deleted",
        super::named_of(TargetKind::Tag, t.id, &t.slug, None, &t.name),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(t)
}
