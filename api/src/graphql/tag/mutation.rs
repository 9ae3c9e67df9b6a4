//! Managing tags. Editors and admins.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::TagNode;
use crate::{
    error::ApiResult,
    graphql::{account::mutation::maybe, context::state, node},
    service::taxonomy::{self, NamedChanges},
};

#[derive(InputObject)]
pub struct CreateTagInput {
    pub name: String,
    /// Generated from the name when omitted.
    pub slug: Option<String>,
    pub description: Option<String>,
}

#[derive(InputObject)]
pub struct UpdateTagInput {
    pub id: ID,
    /// A rename keeps every post's link to the tag.
    pub name: Option<String>,
    pub slug: Option<String>,
    pub description: MaybeUndefined<String>,
}

#[derive(InputObject)]
pub struct MergeTagsInput {
    /// The tag that disappears.
    pub from: ID,
    /// The tag its posts move to.
    pub into: ID,
}

#[derive(InputObject)]
pub struct DeleteTagInput {
    pub id: ID,
}

macro_rules! tag_payload {
    ($($name:ident),*) => {$(
        #[derive(SimpleObject)]
        pub struct $name {
            pub tag: TagNode,
        }
    )*};
}
tag_payload!(
    CreateTagPayload,
    UpdateTagPayload,
    MergeTagsPayload,
    DeleteTagPayload
);

fn tag_id(id: &ID, field: &str) -> ApiResult<i64> {
    Ok(node::decode_as(id, node::Kind::Tag, field)?)
}

#[derive(Default)]
pub struct TagMutation;

#[Object]
impl TagMutation {
    async fn create_tag(
        &self,
        ctx: &Context<'_>,
        input: CreateTagInput,
    ) -> ApiResult<CreateTagPayload> {
        let s = state(ctx)?;
        let c = NamedChanges {
            name: Some(input.name),
            slug: input.slug,
            description: Some(input.description),
        };
        Ok(CreateTagPayload {
            tag: TagNode(taxonomy::create_tag(&s.db, s.require_principal().await?, c).await?),
        })
    }

    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        input: UpdateTagInput,
    ) -> ApiResult<UpdateTagPayload> {
        let s = state(ctx)?;
        let id = tag_id(&input.id, "id")?;
        let c = NamedChanges {
            name: input.name,
            slug: input.slug,
            description: maybe(input.description),
        };
        Ok(UpdateTagPayload {
            tag: TagNode(taxonomy::update_tag(&s.db, s.require_principal().await?, id, c).await?),
        })
    }

    /// Moves every post of `from` to `into` and deletes `from`; returns `into`.
    async fn merge_tags(
        &self,
        ctx: &Context<'_>,
        input: MergeTagsInput,
    ) -> ApiResult<MergeTagsPayload> {
        let s = state(ctx)?;
        let (from, into) = (tag_id(&input.from, "from")?, tag_id(&input.into, "into")?);
        Ok(MergeTagsPayload {
            tag: TagNode(
                taxonomy::merge_tags(&s.db, s.require_principal().await?, from, into).await?,
            ),
        })
    }

    /// Returns the deleted tag.
    async fn delete_tag(
        &self,
        ctx: &Context<'_>,
        input: DeleteTagInput,
    ) -> ApiResult<DeleteTagPayload> {
        let s = state(ctx)?;
        let id = tag_id(&input.id, "id")?;
        Ok(DeleteTagPayload {
            tag: TagNode(taxonomy::delete_tag(&s.db, s.require_principal().await?, id).await?),
        })
    }
}
