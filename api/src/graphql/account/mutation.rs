//! Logging in and out, the viewer's own profile, and user and API-key admin.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};
use entity::user;

use super::{ApiKeyNode, AuthPayload, Role, UserNode};
use crate::{
    auth::{Principal, policy},
    error::{ApiResult, AppError},
    graphql::{context::state, node},
    service::{self, account},
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
            let p = account::generate_password();
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
    /// `keyId:secret`, shown only now. Sign HS256 JWTs with the secret (see README).
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

fn own_user(p: &Principal) -> ApiResult<i64> {
    match p {
        Principal::User(u) => Ok(u.id),
        Principal::ApiKey { .. } => {
            Err(AppError::Forbidden("API keys have no profile or password".into()).into())
        }
    }
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
            account::login(&s.db, &s.secret, &input.email, &input.password, &s.client)
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
        Ok(account::refresh(&s.db, &s.secret, &input.refresh_token)
            .await?
            .into())
    }

    /// Ends a session by revoking its refresh token.
    async fn logout(&self, ctx: &Context<'_>, input: LogoutInput) -> ApiResult<LogoutPayload> {
        let s = state(ctx)?;
        Ok(LogoutPayload {
            revoked: account::logout(&s.db, &input.refresh_token).await?,
        })
    }

    /// Changes the caller's own profile.
    async fn update_viewer(
        &self,
        ctx: &Context<'_>,
        input: UpdateViewerInput,
    ) -> ApiResult<UpdateViewerPayload> {
        let s = state(ctx)?;
        let id = own_user(s.require_principal().await?)?;
        let change = account::ProfileChange {
            name: input.name,
            bio: maybe(input.bio),
            avatar_url: maybe(input.avatar_url),
        };
        Ok(UpdateViewerPayload {
            user: account::update_profile(&s.db, id, change).await?.into(),
        })
    }

    async fn change_password(
        &self,
        ctx: &Context<'_>,
        input: ChangePasswordInput,
    ) -> ApiResult<ChangePasswordPayload> {
        let s = state(ctx)?;
        let id = own_user(s.require_principal().await?)?;
        let u = account::change_password(&s.db, id, &input.current_password, &input.new_password)
            .await?;
        Ok(ChangePasswordPayload { user: u.into() })
    }

    /// Admins only.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        input: CreateUserInput,
    ) -> ApiResult<CreateUserPayload> {
        let s = state(ctx)?;
        policy::require_role(
            s.require_principal().await?,
            user::Role::Admin,
            "create users",
        )?;
        let (password, generated) = given_or_generated(input.password);
        let u = account::create_user(
            &s.db,
            account::NewAccount {
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
        policy::require_role(
            s.require_principal().await?,
            user::Role::Admin,
            "change users",
        )?;
        let id = node::decode_as(&input.id, node::Kind::Author, "id")?;
        let change = account::UserChange {
            role: input.role.map(Into::into),
            disabled: input.disabled,
            email: input.email.as_deref(),
        };
        let u = account::update_user(&s.db, id, change).await?;
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
        policy::require_role(
            s.require_principal().await?,
            user::Role::Admin,
            "reset passwords",
        )?;
        let id = node::decode_as(&input.id, node::Kind::Author, "id")?;
        let (password, generated) = given_or_generated(input.new_password);
        let u = account::set_password(&s.db, id, &password).await?;
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
        policy::require_role(
            s.require_principal().await?,
            user::Role::Admin,
            "delete users",
        )?;
        let id = node::decode_as(&input.id, node::Kind::Author, "id")?;
        let u = account::delete_user(&s.db, id).await?;
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
        policy::require_role(who, user::Role::Admin, "create API keys")?;
        let (key, secret) = service::apikey::create(
            &s.db,
            &s.secret,
            &input.name,
            input.role.into(),
            who.user_id(),
        )
        .await?;
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
        policy::require_role(
            s.require_principal().await?,
            user::Role::Admin,
            "revoke API keys",
        )?;
        Ok(RevokeApiKeyPayload {
            api_key: ApiKeyNode(service::apikey::revoke(&s.db, &input.key_id).await?),
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
