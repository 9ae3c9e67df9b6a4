//! Managing series and the place of posts in them.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::SeriesNode;
use crate::{
    error::ApiResult,
    graphql::{account::mutation::maybe, context::state, node, post::PostNode},
    service::taxonomy::{self, NamedChanges},
};

/// A new series.
#[derive(InputObject)]
pub struct CreateSeriesInput {
    /// The title (must contain a letter or digit; at most 200 characters).
    pub title: String,
    /// Generated from the title when omitted.
    pub slug: Option<String>,
    /// Longer description, shown on the series page.
    pub description: Option<String>,
}

/// Changes to a series; only the fields given change.
#[derive(InputObject)]
pub struct UpdateSeriesInput {
    /// The series' ID.
    pub id: ID,
    /// A new title (a letter or digit; at most 200 characters).
    pub title: Option<String>,
    /// A new slug (validated; CONFLICT when taken).
    pub slug: Option<String>,
    /// A new description; `null` clears it.
    pub description: MaybeUndefined<String>,
}

/// The series to delete.
#[derive(InputObject)]
pub struct DeleteSeriesInput {
    /// The series' ID.
    pub id: ID,
}

/// A post and the series (and place) to put it in.
#[derive(InputObject)]
pub struct SetPostSeriesInput {
    /// The post's ID.
    pub post_id: ID,
    /// Null takes the post out of its series.
    pub series_id: Option<ID>,
    /// 1-based; the end of the series when omitted.
    pub position: Option<i32>,
}

/// A series and its posts in their new order.
#[derive(InputObject)]
pub struct ReorderSeriesInput {
    /// The series' ID.
    pub series_id: ID,
    /// Every post of the series, in the new order.
    pub post_ids: Vec<ID>,
}

macro_rules! series_payload {
    ($($name:ident),*) => {$(
        /// The series as it is after the mutation (for `deleteSeries`, as it was).
        #[derive(SimpleObject)]
        pub struct $name {
            /// The series after the mutation (for `deleteSeries`, as it was).
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

/// The post after `setPostSeries`.
#[derive(SimpleObject)]
pub struct SetPostSeriesPayload {
    /// The post, its `series` and `seriesPosition` updated.
    pub post: PostNode,
}

fn series_id(id: &ID, field: &str) -> ApiResult<i64> {
    Ok(node::decode_as(id, node::Kind::Series, field)?)
}

#[derive(Default)]
pub struct SeriesMutation;

#[Object]
impl SeriesMutation {
    /// Creates an empty series. EDITORs and ADMINs. Errors: UNAUTHENTICATED; FORBIDDEN
    /// below EDITOR; BAD_USER_INPUT for a title without a letter or digit, or a bad slug;
    /// CONFLICT when the slug is taken.
    async fn create_series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new series.")] input: CreateSeriesInput,
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

    /// Renames a series or changes its slug or description; its posts stay in it. EDITORs
    /// and ADMINs. Errors: UNAUTHENTICATED; FORBIDDEN below EDITOR; NOT_FOUND;
    /// BAD_USER_INPUT; CONFLICT when the slug is taken.
    async fn update_series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The series and its changes.")] input: UpdateSeriesInput,
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

    /// Deletes a series; its posts stay, detached. EDITORs and ADMINs. Errors:
    /// UNAUTHENTICATED; FORBIDDEN below EDITOR; NOT_FOUND.
    async fn delete_series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The series to delete.")] input: DeleteSeriesInput,
    ) -> ApiResult<DeleteSeriesPayload> {
        let s = state(ctx)?;
        let id = series_id(&input.id, "id")?;
        let series = taxonomy::delete_series(&s.db, s.require_principal().await?, id).await?;
        Ok(DeleteSeriesPayload {
            series: SeriesNode(series),
        })
    }

    /// Puts a post into a series at a position (or takes it out); the other posts move
    /// up or down. EDITORs and ADMINs for any post, AUTHORs for their own posts and an
    /// existing series. Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND; BAD_USER_INPUT for
    /// a position below 1.
    async fn set_post_series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The post, the series and the position.")] input: SetPostSeriesInput,
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

    /// Puts the posts of a series in a new order. EDITORs and ADMINs. Errors:
    /// UNAUTHENTICATED; FORBIDDEN below EDITOR; NOT_FOUND; BAD_USER_INPUT on `postIds`
    /// unless it lists every post of the series exactly once.
    async fn reorder_series(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The series and its posts in order.")] input: ReorderSeriesInput,
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
