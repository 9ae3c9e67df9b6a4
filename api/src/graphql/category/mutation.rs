//! Managing categories. Editors and admins.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::CategoryNode;
use crate::{
    error::ApiResult,
    graphql::{account::mutation::maybe, context::state, node},
    service::category::{self, CategoryChanges},
};

/// A new category.
#[derive(InputObject)]
pub struct CreateCategoryInput {
    /// The name as shown (Hangul welcome); at most 200 characters.
    pub name: String,
    /// Generated from the name when omitted; unique across the whole tree.
    pub slug: Option<String>,
    /// The parent category's slug; omitted: a top-level category.
    pub parent: Option<String>,
    /// Longer description, if any.
    pub description: Option<String>,
    /// Order among its siblings, smallest first; omitted: after the last one.
    pub position: Option<i32>,
}

/// Changes to a category; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateCategoryInput {
    /// The category's ID.
    pub id: ID,
    /// A rename keeps every post in the category.
    pub name: Option<String>,
    /// A new slug, unique across the tree (links to the old one stop working).
    pub slug: Option<String>,
    /// `null` removes it.
    pub description: MaybeUndefined<String>,
    /// Moves the category (with its subcategories and posts) under the category with
    /// this slug; `null` makes it top-level. A move under itself or one of its
    /// subcategories is refused (BAD_USER_INPUT, a cycle).
    pub parent: MaybeUndefined<String>,
    /// Order among its siblings, smallest first.
    pub position: Option<i32>,
}

/// The category to delete.
#[derive(InputObject)]
pub struct DeleteCategoryInput {
    /// The category's ID.
    pub id: ID,
}

macro_rules! category_payload {
    ($($name:ident),*) => {$(
        /// The category as it is after the change (as it was, for a deletion).
        #[derive(SimpleObject)]
        pub struct $name {
            /// The category.
            pub category: CategoryNode,
        }
    )*};
}
category_payload!(
    CreateCategoryPayload,
    UpdateCategoryPayload,
    DeleteCategoryPayload
);

fn category_id(id: &ID) -> ApiResult<i64> {
    Ok(node::decode_as(id, node::Kind::Category, "id")?)
}

#[derive(Default)]
pub struct CategoryMutation;

#[Object]
impl CategoryMutation {
    /// Creates a category (EDITORs and ADMINs), at the top level or under `parent`. Errors:
    /// UNAUTHENTICATED; FORBIDDEN below EDITOR; BAD_USER_INPUT for an unknown parent, a bad
    /// name or slug, or nesting deeper than 10 levels; CONFLICT when the slug is taken
    /// anywhere in the tree.
    async fn create_category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category to create.")] input: CreateCategoryInput,
    ) -> ApiResult<CreateCategoryPayload> {
        let s = state(ctx)?;
        s.forget_category_tree().await;
        let c = CategoryChanges {
            name: Some(input.name),
            slug: input.slug,
            description: Some(input.description),
            parent: Some(input.parent),
            position: input.position,
        };
        Ok(CreateCategoryPayload {
            category: CategoryNode(category::create(&s.db, s.require_principal().await?, c).await?),
        })
    }

    /// Renames, re-slugs, re-describes, moves or reorders a category (editors and
    /// admins); changes only the fields given. Its posts and subcategories stay with it.
    /// Errors: UNAUTHENTICATED; FORBIDDEN below EDITOR; NOT_FOUND; BAD_USER_INPUT on
    /// `parent` for a move under itself or a subcategory (a cycle); CONFLICT when the
    /// slug is taken.
    async fn update_category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category and its changes.")] input: UpdateCategoryInput,
    ) -> ApiResult<UpdateCategoryPayload> {
        let s = state(ctx)?;
        s.forget_category_tree().await;
        let id = category_id(&input.id)?;
        let c = CategoryChanges {
            name: input.name,
            slug: input.slug,
            description: maybe(input.description),
            parent: maybe(input.parent),
            position: input.position,
        };
        Ok(UpdateCategoryPayload {
            category: CategoryNode(
                category::update(&s.db, s.require_principal().await?, id, c).await?,
            ),
        })
    }

    /// Deletes a category without subcategories (CONFLICT while it has any); its posts
    /// become uncategorised. Returns the deleted category. EDITORs and ADMINs. Errors:
    /// UNAUTHENTICATED; FORBIDDEN below EDITOR; NOT_FOUND.
    async fn delete_category(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The category to delete.")] input: DeleteCategoryInput,
    ) -> ApiResult<DeleteCategoryPayload> {
        let s = state(ctx)?;
        s.forget_category_tree().await;
        let id = category_id(&input.id)?;
        Ok(DeleteCategoryPayload {
            category: CategoryNode(
                category::delete(&s.db, s.require_principal().await?, id).await?,
            ),
        })
    }
}
