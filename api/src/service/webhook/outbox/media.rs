//! `media.*` events (see [`super`]): written inside the upload's, update's or delete's
//! transaction, with what links the file.

use entity::post;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};

use super::{Listeners, record};
use crate::{
    error::AppResult,
    service::webhook::payload::{self, Site},
};

/// Writes `media.<action>` (`created`, `updated`, `deleted`) about file `m`, with what
/// links it (read here, unless `uses` gives the uses a delete found).
pub async fn media<C: ConnectionTrait>(
    txn: &C,
    action: &str,
    m: &entity::media::Model,
    uses: Option<&[crate::service::media::usage::Usage]>,
) -> AppResult<()> {
    use crate::service::media::usage::{self, UsageKind};
    let listeners = Listeners::read(txn).await?;
    let event_type = format!("media.{action}");
    if listeners.wanting(&event_type).is_empty() {
        return Ok(());
    }
    let read;
    let uses = match uses {
        Some(u) => u,
        None => {
            read = usage::used_by(txn, std::slice::from_ref(&m.sha256))
                .await?
                .remove(&m.sha256)
                .unwrap_or_default();
            &read
        }
    };
    let ids: Vec<i64> = uses
        .iter()
        .filter(|u| matches!(u.kind, UsageKind::Post | UsageKind::Page))
        .filter_map(|u| u.id)
        .collect();
    let slugs: std::collections::HashMap<i64, (post::Kind, String)> = if ids.is_empty() {
        Default::default()
    } else {
        post::Entity::find()
            .select_only()
            .column(post::Column::Id)
            .column(post::Column::Kind)
            .column(post::Column::Slug)
            .filter(post::Column::Id.is_in(ids))
            .into_tuple::<(i64, post::Kind, String)>()
            .all(txn)
            .await?
            .into_iter()
            .map(|(id, kind, slug)| (id, (kind, slug)))
            .collect()
    };
    let site = Site::read(txn).await?;
    let data = payload::media_data(&site, m, uses, &slugs);
    record(txn, &listeners, &event_type, data).await
}
