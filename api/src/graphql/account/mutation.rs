//! Logging in and out, the viewer's own profile, and user and API-key admin.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::{ApiKeyNode, AuthPayload, Role, UserNode};
use crate::{
    error::ApiResult,
    graphql::{context::state, node},
    service::account::{admin, passwords, profile, sessions, users},
};

#[derive(InputObject)]
pub struct LoginInput {
    pub email: String,
    pub password: String,
}

#[derive(InputObject)]
pub struct RefreshTokenInput {
    pub refresh_token: String,
}

#[derive(InputObject)]
pub struct LogoutInput {
    /// The refresh token of the session to end.
    pub refresh_token: String,
}

#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// Whether a live session was ended.
    pub revoked: bool,
}

#[derive(InputObject)]
pub struct UpdateViewerInput {
    pub name: Option<String>,
    /// Null clears it.
    pub bio: MaybeUndefined<String>,
    /// Null clears it.
    pub avatar_url: MaybeUndefined<String>,
}

macro_rules! user_payload {
    ($($name:ident),*) => {$(
        /// The account as it is after the mutation.
        #[derive(SimpleObject)]
        pub struct $name {
            pub user: UserNode,
        }
    )*};
}
user_payload!(
    UpdateViewerPayload,
    ChangePasswordPayload,
    UpdateUserPayload
);

#[derive(InputObject)]
pub struct ChangePasswordInput {
    pub current_password: String,
    /// At least 8 characters. Other sessions are logged out.
    pub new_password: String,
}

#[derive(InputObject)]
pub struct CreateUserInput {
    pub email: String,
    pub name: String,
    pub role: Role,
    /// When omitted, one is generated and returned once.
    pub password: Option<String>,
}

macro_rules! user_and_password_payload {
    ($($name:ident),*) => {$(
        /// The account, and the password generated for it when none was given.
        #[derive(SimpleObject)]
        pub struct $name {
            pub user: UserNode,
            /// The generated password, when none was given; shown only now.
            pub generated_password: Option<String>,
        }
    )*};
}
user_and_password_payload!(CreateUserPayload, ResetUserPasswordPayload);

/// The password given, or a generated one (also returned, to be shown once).
fn given_or_generated(given: Option<String>) -> (String, Option<String>) {
    match given {
        Some(p) => (p, None),
        None => {
            let p = passwords::generate_password();
            (p.clone(), Some(p))
        }
    }
}

#[derive(InputObject)]
pub struct UpdateUserInput {
    /// The user's (Author/User) ID.
    pub id: ID,
    pub role: Option<Role>,
    /// Disable (true) or re-enable (false) the account.
    pub disabled: Option<bool>,
    /// The email the account logs in with; imported authors start with a placeholder.
    pub email: Option<String>,
}

#[derive(InputObject)]
pub struct ResetUserPasswordInput {
    /// The user's (Author/User) ID.
    pub id: ID,
    /// At least 8 characters. When omitted, one is generated and returned once.
    pub new_password: Option<String>,
}

#[derive(InputObject)]
pub struct DeleteUserInput {
    pub id: ID,
}

#[derive(SimpleObject)]
pub struct DeleteUserPayload {
    /// The ID the account had.
    pub deleted_user_id: ID,
}

#[derive(InputObject)]
pub struct CreateApiKeyInput {
    pub name: String,
    pub role: Role,
}

#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    pub api_key: ApiKeyNode,
    /// `keyId:secret`, shown only now. Sign HS256 JWTs with the secret (see docs/writing.md).
    pub secret: String,
}

#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    pub key_id: String,
}

#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    pub api_key: ApiKeyNode,
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Exchanges an email and password for tokens. Rate limited per account and per
    /// client address; the error never tells whether the email exists.
    async fn login(&self, ctx: &Context<'_>, input: LoginInput) -> ApiResult<AuthPayload> {
        let s = state(ctx)?;
        Ok(
            sessions::login(&s.db, &s.secret, &input.email, &input.password, &s.client)
                .await?
                .into(),
        )
    }

    /// Exchanges a refresh token for new tokens; the old refresh token stops working.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        input: RefreshTokenInput,
    ) -> ApiResult<AuthPayload> {
        let s = state(ctx)?;
        Ok(sessions::refresh(&s.db, &s.secret, &input.refresh_token)
            .await?
            .into())
    }

    /// Ends a session by revoking its refresh token.
    async fn logout(&self, ctx: &Context<'_>, input: LogoutInput) -> ApiResult<LogoutPayload> {
        let s = state(ctx)?;
        Ok(LogoutPayload {
            revoked: sessions::logout(&s.db, &input.refresh_token).await?,
        })
    }

    /// Changes the caller's own profile.
    async fn update_viewer(
        &self,
        ctx: &Context<'_>,
        input: UpdateViewerInput,
    ) -> ApiResult<UpdateViewerPayload> {
        let s = state(ctx)?;
        let change = profile::ProfileChange {
            name: input.name,
            bio: maybe(input.bio),
            avatar_url: maybe(input.avatar_url),
        };
        let u = profile::update_own(&s.db, s.require_principal().await?, change).await?;
        Ok(UpdateViewerPayload { user: u.into() })
    }

    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> ApiResult<ChangePasswordPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let u =
            passwords::change_own(&s.db, who, &input.current_password, &input.new_password).await?;
        Ok(ChangePasswordPayload { user: u.into() })
    }

    /// Admins only.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> ApiResult<CreateUserPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let (password, generated) = given_or_generated(input.password);
        let u = admin::create_user(
            &s.db,
            who,
            users::NewAccount {
                email: &input.email,
                name: &input.name,
                role: input.role.into(),
                password: &password,
            },
        )
        .await?;
        Ok(CreateUserPayload {
            user: u.into(),
            generated_password: generated,
        })
    }

    /// Changes a user's role or disables the account. Admins only.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        input: UpdateUserInput,
    ) -> ApiResult<UpdateUserPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let id = node::decode_as(&input.id, node::Kind::Author, "id")?;
        let change = users::UserChange {
            role: input.role.map(Into::into),
            disabled: input.disabled,
            email: input.email.as_deref(),
        };
        let u = admin::update_user(&s.db, who, id, change).await?;
        Ok(UpdateUserPayload { user: u.into() })
    }

    /// Sets a user's password without the current one (a forgotten password, or the
    /// first password of an imported author); the user's sessions are logged out.
    /// Admins only.
    async fn reset_user_password(
        &self,
        ctx: &Context<'_>,
        input: ResetUserPasswordInput,
    ) -> ApiResult<ResetUserPasswordPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let id = node::decode_as(&input.id, node::Kind::Author, "id")?;
        let (password, generated) = given_or_generated(input.new_password);
        let u = admin::reset_password(&s.db, who, id, &password).await?;
        Ok(ResetUserPasswordPayload {
            user: u.into(),
            generated_password: generated,
        })
    }

    /// Deletes an account; its posts stay. Admins only.
    async fn delete_user(
        &self,
        ctx: &Context<'_>,
        input: DeleteUserInput,
    ) -> ApiResult<DeleteUserPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let id = node::decode_as(&input.id, node::Kind::Author, "id")?;
        let u = admin::delete_user(&s.db, who, id).await?;
        Ok(DeleteUserPayload {
            deleted_user_id: node::encode(node::Kind::Author, u.id),
        })
    }

    /// Admins only.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        input: CreateApiKeyInput,
    ) -> ApiResult<CreateApiKeyPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let (key, secret) =
            admin::create_api_key(&s.db, &s.secret, who, &input.name, input.role.into()).await?;
        let secret = format!("{}:{secret}", key.key_id);
        Ok(CreateApiKeyPayload {
            api_key: ApiKeyNode(key),
            secret,
        })
    }

    /// Admins only. Tokens signed with the key stop working at once.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        input: RevokeApiKeyInput,
    ) -> ApiResult<RevokeApiKeyPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        Ok(RevokeApiKeyPayload {
            api_key: ApiKeyNode(admin::revoke_api_key(&s.db, who, &input.key_id).await?),
        })
    }
}

/// Absent → no change; null → clear; value → set.
pub fn maybe<T>(v: MaybeUndefined<T>) -> Option<Option<T>> {
    match v {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(x) => Some(Some(x)),
    }
}
