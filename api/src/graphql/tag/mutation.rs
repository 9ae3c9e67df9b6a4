//! Managing tags. Editors and admins.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::TagNode;
use crate::{
    error::ApiResult,
    graphql::{account::mutation::maybe, context::state, node},
    service::taxonomy::{self, NamedChanges},
};

/// A new tag.
#[derive(InputObject)]
pub struct CreateTagInput {
    /// The name as shown (must contain a letter or digit; at most 200 characters).
    pub name: String,
    /// Generated from the name when omitted.
    pub slug: Option<String>,
    /// Longer description, shown on the tag page.
    pub description: Option<String>,
}

/// Changes to a tag; only the fields given change.
#[derive(InputObject)]
pub struct UpdateTagInput {
    /// The tag's ID.
    pub id: ID,
    /// A rename keeps every post's link to the tag.
    pub name: Option<String>,
    /// A new slug (validated; CONFLICT when taken).
    pub slug: Option<String>,
    /// A new description; `null` clears it.
    pub description: MaybeUndefined<String>,
}

/// Two tags to merge into one.
#[derive(InputObject)]
pub struct MergeTagsInput {
    /// The tag that disappears.
    pub from: ID,
    /// The tag its posts move to.
    pub into: ID,
}

/// The tag to delete.
#[derive(InputObject)]
pub struct DeleteTagInput {
    /// The tag's ID.
    pub id: ID,
}

macro_rules! tag_payload {
    ($($name:ident),*) => {$(
        /// What the tag mutation changed.
        #[derive(SimpleObject)]
        pub struct $name {
            /// The tag after the mutation (for `mergeTags`, the one kept; for `deleteTag`,
            /// the one deleted, as it was).
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
    /// Creates a tag without posts. EDITORs and ADMINs. Errors: UNAUTHENTICATED; FORBIDDEN
    /// below EDITOR; BAD_USER_INPUT for a name without a letter or digit, or a bad slug;
    /// CONFLICT when the slug is taken.
    async fn create_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new tag.")] input: CreateTagInput,
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

    /// Renames a tag or changes its slug or description; every post keeps its link to it.
    /// EDITORs and ADMINs. Errors: UNAUTHENTICATED; FORBIDDEN below EDITOR; NOT_FOUND;
    /// BAD_USER_INPUT; CONFLICT when the slug is taken.
    async fn update_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag and its changes.")] input: UpdateTagInput,
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

    /// Moves every post of `from` to `into` and deletes `from`; returns `into`. EDITORs and
    /// ADMINs. Errors: UNAUTHENTICATED; FORBIDDEN below EDITOR; NOT_FOUND; BAD_USER_INPUT
    /// on `into` when both are the same tag.
    async fn merge_tags(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag to merge and the one to keep.")] input: MergeTagsInput,
    ) -> ApiResult<MergeTagsPayload> {
        let s = state(ctx)?;
        let (from, into) = (tag_id(&input.from, "from")?, tag_id(&input.into, "into")?);
        Ok(MergeTagsPayload {
            tag: TagNode(
                taxonomy::merge_tags(&s.db, s.require_principal().await?, from, into).await?,
            ),
        })
    }

    /// Deletes a tag; its posts lose it and stay. Returns the deleted tag. EDITORs and
    /// ADMINs. Errors: UNAUTHENTICATED; FORBIDDEN below EDITOR; NOT_FOUND.
    async fn delete_tag(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The tag to delete.")] input: DeleteTagInput,
    ) -> ApiResult<DeleteTagPayload> {
        let s = state(ctx)?;
        let id = tag_id(&input.id, "id")?;
        Ok(DeleteTagPayload {
            tag: TagNode(taxonomy::delete_tag(&s.db, s.require_principal().await?, id).await?),
        })
    }
}
