//! Managing series and the place of posts in them.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::SeriesNode;
use crate::{
    error::ApiResult,
    graphql::{account::mutation::maybe, context::state, node, post::PostNode},
    service::taxonomy::{self, NamedChanges},
};

#[derive(InputObject)]
pub struct CreateSeriesInput {
    pub title: String,
    /// Generated from the title when omitted.
    pub slug: Option<String>,
    pub description: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateSeriesInput {
    pub id: ID,
    pub title: Option<String>,
    pub slug: Option<String>,
    pub description: MaybeUndefined<String>,
}

#[derive(InputObject)]
pub struct DeleteSeriesInput {
    pub id: ID,
}

#[derive(InputObject)]
pub struct SetPostSeriesInput {
    pub post_id: ID,
    /// Null takes the post out of its series.
    pub series_id: Option<ID>,
    /// 1-based; the end of the series when omitted.
    pub position: Option<i32>,
}

#[derive(InputObject)]
pub struct ReorderSeriesInput {
    pub series_id: ID,
    /// Every post of the series, in the new order.
    pub post_ids: Vec<ID>,
}

macro_rules! series_payload {
    ($($name:ident),*) => {$(
        #[derive(SimpleObject)]
        pub struct $name {
            pub series: SeriesNode,
        }
    )*};
}
series_payload!(
    CreateSeriesPayload,
    UpdateSeriesPayload,
    DeleteSeriesPayload,
    ReorderSeriesPayload
);

#[derive(SimpleObject)]
pub struct SetPostSeriesPayload {
    pub post: PostNode,
}

fn series_id(id: &ID, field: &str) -> ApiResult<i64> {
    Ok(node::decode_as(id, node::Kind::Series, field)?)
}

#[derive(Default)]
pub struct SeriesMutation;

#[Object]
impl SeriesMutation {
    /// Editors and admins.
    async fn create_series(
        &self,
        ctx: &Context<'_>,
        input: CreateSeriesInput,
    ) -> ApiResult<CreateSeriesPayload> {
        let s = state(ctx)?;
        let c = NamedChanges {
            name: Some(input.title),
            slug: input.slug,
            description: Some(input.description),
        };
        let series = taxonomy::create_series(&s.db, s.require_principal().await?, c).await?;
        Ok(CreateSeriesPayload {
            series: SeriesNode(series),
        })
    }

    /// Editors and admins.
    async fn update_series(
        &self,
        ctx: &Context<'_>,
        input: UpdateSeriesInput,
    ) -> ApiResult<UpdateSeriesPayload> {
        let s = state(ctx)?;
        let id = series_id(&input.id, "id")?;
        let c = NamedChanges {
            name: input.title,
            slug: input.slug,
            description: maybe(input.description),
        };
        let series = taxonomy::update_series(&s.db, s.require_principal().await?, id, c).await?;
        Ok(UpdateSeriesPayload {
            series: SeriesNode(series),
        })
    }

    /// Deletes a series; its posts stay, detached. Editors and admins.
    async fn delete_series(
        &self,
        ctx: &Context<'_>,
        input: DeleteSeriesInput,
    ) -> ApiResult<DeleteSeriesPayload> {
        let s = state(ctx)?;
        let id = series_id(&input.id, "id")?;
        let series = taxonomy::delete_series(&s.db, s.require_principal().await?, id).await?;
        Ok(DeleteSeriesPayload {
            series: SeriesNode(series),
        })
    }

    /// Puts a post into a series (or takes it out). Authors may do it for their own posts.
    async fn set_post_series(
        &self,
        ctx: &Context<'_>,
        input: SetPostSeriesInput,
    ) -> ApiResult<SetPostSeriesPayload> {
        let s = state(ctx)?;
        let post_id = node::decode_as(&input.post_id, node::Kind::Post, "postId")?;
        let sid = input
            .series_id
            .as_ref()
            .map(|id| series_id(id, "seriesId"))
            .transpose()?;
        let p = taxonomy::set_post_series(
            &s.db,
            s.require_principal().await?,
            post_id,
            sid,
            input.position,
        )
        .await?;
        Ok(SetPostSeriesPayload {
            post: PostNode::new(p, s.now),
        })
    }

    /// Editors and admins.
    async fn reorder_series(
        &self,
        ctx: &Context<'_>,
        input: ReorderSeriesInput,
    ) -> ApiResult<ReorderSeriesPayload> {
        let s = state(ctx)?;
        let id = series_id(&input.series_id, "seriesId")?;
        let ids = input
            .post_ids
            .iter()
            .map(|p| node::decode_as(p, node::Kind::Post, "postIds"))
            .collect::<Result<Vec<_>, _>>()?;
        let series =
            taxonomy::reorder_series(&s.db, s.require_principal().await?, id, &ids).await?;
        Ok(ReorderSeriesPayload {
            series: SeriesNode(series),
        })
    }
}
