//! Accounts over GraphQL: `login`, tokens, the viewer, and user and API-key admin.

pub mod mutation;
pub mod query;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{api_key, user};

use super::{
    context::state,
    node,
    pagination::ConnectionArgs,
    post::{
        PostOrder,
        query::{PostConnection, post_page_scoped},
    },
};
use crate::{error::ApiResult, service};

/// What a user or API key may do.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum Role {
    /// Everything, including users, API keys and settings.
    Admin,
    /// All content of everyone.
    Editor,
    /// Their own posts; may attach existing tags and series.
    Author,
}

impl From<user::Role> for Role {
    fn from(r: user::Role) -> Self {
        match r {
            user::Role::Admin => Self::Admin,
            user::Role::Editor => Self::Editor,
            user::Role::Author => Self::Author,
        }
    }
}

impl From<Role> for user::Role {
    fn from(r: Role) -> Self {
        match r {
            Role::Admin => Self::Admin,
            Role::Editor => Self::Editor,
            Role::Author => Self::Author,
        }
    }
}

/// An account as its owner and admins see it (the public sees an `Author`).
pub struct UserNode {
    pub model: user::Model,
    /// The role in force for this request (an API key's role for key callers).
    pub role: user::Role,
}

impl From<user::Model> for UserNode {
    fn from(model: user::Model) -> Self {
        Self {
            role: model.role,
            model,
        }
    }
}

/// An account as its owner and ADMINs see it: the public `Author` plus the login email,
/// role and state. Returned by `viewer` (the caller), `users` (ADMINs) and the account
/// mutations.
#[Object(name = "User")]
impl UserNode {
    /// The same ID as the user's `Author` object.
    async fn id(&self) -> ID {
        node::encode(node::Kind::Author, self.model.id)
    }

    /// URL-safe unique name (Hangul kept).
    async fn slug(&self) -> &str {
        &self.model.slug
    }

    /// Login email; never part of the public `Author` type.
    async fn email(&self) -> &str {
        &self.model.email
    }

    /// Display name.
    async fn name(&self) -> &str {
        &self.model.display_name
    }

    /// A short self-introduction.
    async fn bio(&self) -> Option<&str> {
        self.model.bio.as_deref()
    }

    /// URL of a profile picture.
    async fn avatar_url(&self) -> Option<&str> {
        self.model.avatar_url.as_deref()
    }

    /// What the account may do now.
    async fn role(&self) -> Role {
        self.role.into()
    }

    /// Set when the account is disabled.
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.model.disabled_at
    }

    /// When it was created (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.model.created_at
    }

    /// The user's own posts (any place in the byline) in every status (not the trash),
    /// most recently updated first; 20 a page by default, at most 100. Only the user and
    /// EDITORs/ADMINs: FORBIDDEN for others.
    #[graphql(
        complexity = "crate::graphql::pagination::page_cost(first.or(last), child_complexity)"
    )]
    async fn posts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page forwards: at most this many (default 20, at most 100).")]
        first: Option<i32>,
        #[graphql(desc = "Page forwards from this cursor.")] after: Option<String>,
        #[graphql(desc = "Page backwards: at most this many (at most 100).")] last: Option<i32>,
        #[graphql(desc = "Page backwards from this cursor.")] before: Option<String>,
        #[graphql(desc = "The order (default: most recently updated first).")] order_by: Option<
            PostOrder,
        >,
    ) -> ApiResult<PostConnection> {
        let s = state(ctx)?;
        let scope =
            service::account::own_posts::scope(s.require_principal().await?, self.model.id)?;
        let filter = service::post::PostFilter {
            author_id: Some(self.model.id),
            ..Default::default()
        };
        let args = ConnectionArgs::new(first, after, last, before);
        let order = order_by.as_ref().map_or(
            service::post::PostOrder {
                sort: service::post::PostSort::UpdatedAt,
                descending: true,
                pinned_first: false,
            },
            |o| PostOrder::to_service(Some(o)),
        );
        post_page_scoped(ctx, args, filter, order, scope).await
    }

    /// The user's own pages in every status (not the trash), anywhere in the tree, most
    /// recently updated first.
    #[graphql(complexity = "crate::graphql::pagination::page_cost(first, child_complexity)")]
    async fn pages(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (default 20, at most 100).")] first: Option<i32>,
        #[graphql(desc = "A cursor of a previous edge; pages after it.")] after: Option<String>,
    ) -> ApiResult<crate::graphql::page::query::PageConnection> {
        let s = state(ctx)?;
        let scope =
            service::account::own_posts::scope(s.require_principal().await?, self.model.id)?;
        let under = Some(service::page::listing::Under::Author(self.model.id));
        crate::graphql::page::query::page_listing(ctx, scope, under, first, after).await
    }
}

/// An admin API key (its secret is shown only once, when created).
pub struct ApiKeyNode(pub api_key::Model);

/// An API key with which an admin script signs its own tokens (HS256, header `kid`:
/// `keyId`) and acts with the key's role. Only ADMINs see keys (`apiKeys`); the secret is
/// shown once, by `createApiKey`.
#[Object(name = "ApiKey")]
impl ApiKeyNode {
    /// The public half: the `kid` a script puts in its token header.
    async fn key_id(&self) -> &str {
        &self.0.key_id
    }

    /// The name as written.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the account may do now.
    async fn role(&self) -> Role {
        self.0.role.into()
    }

    /// When it was created (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When the key was revoked (UTC); null while it works.
    async fn revoked_at(&self) -> Option<DateTime<Utc>> {
        self.0.revoked_at
    }
}

/// Tokens handed out by `login` and `refreshToken`.
#[derive(SimpleObject)]
pub struct AuthPayload {
    /// A JWT for `Authorization: Bearer …`, valid 15 minutes.
    pub access_token: String,
    /// When `accessToken` expires.
    pub expires_at: DateTime<Utc>,
    /// Opaque; exchange it with `refreshToken` for new tokens (single use, 30 days).
    pub refresh_token: String,
    /// The account logged in.
    pub user: UserNode,
}

impl From<service::account::sessions::Tokens> for AuthPayload {
    fn from(t: service::account::sessions::Tokens) -> Self {
        Self {
            access_token: t.access_token,
            expires_at: DateTime::from_timestamp(t.expires_at, 0).unwrap_or_default(),
            refresh_token: t.refresh_token,
            user: t.user.into(),
        }
    }
}
