//! Logging in and out, the viewer's own profile, and user and API-key admin.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::{ApiKeyNode, AuthPayload, Role, UserNode};
use crate::{
    error::ApiResult,
    graphql::{context::state, node},
    service::account::{admin, passwords, profile, sessions, users},
};

/// An email and password to log in with.
#[derive(InputObject)]
pub struct LoginInput {
    /// The email the account logs in with.
    pub email: String,
    /// The account's password.
    pub password: String,
}

/// The refresh token to exchange.
#[derive(InputObject)]
pub struct RefreshTokenInput {
    /// The `refreshToken` of an `AuthPayload`; single use.
    pub refresh_token: String,
}

/// The session to end.
#[derive(InputObject)]
pub struct LogoutInput {
    /// The refresh token of the session to end.
    pub refresh_token: String,
}

/// Whether `logout` ended a session.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// Whether a live session was ended.
    pub revoked: bool,
}

/// Changes to the caller's own profile; only the fields given change.
#[derive(InputObject)]
pub struct UpdateViewerInput {
    /// The display name; not empty.
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
            /// The account after the mutation.
            pub user: UserNode,
        }
    )*};
}
user_payload!(
    UpdateViewerPayload,
    ChangePasswordPayload,
    UpdateUserPayload
);

/// The caller's current password and the new one.
#[derive(InputObject)]
pub struct ChangePasswordInput {
    /// The password in use now; a wrong one is BAD_USER_INPUT on `currentPassword`.
    pub current_password: String,
    /// At least 8 characters. Other sessions are logged out.
    pub new_password: String,
}

/// A new account. The email must be unused (else CONFLICT).
#[derive(InputObject)]
pub struct CreateUserInput {
    /// The email the account logs in with: an email address, unused by any other account.
    pub email: String,
    /// The display name (not empty); the account's author slug is made from it.
    pub name: String,
    /// What the account may do.
    pub role: Role,
    /// When omitted, one is generated and returned once.
    pub password: Option<String>,
}

macro_rules! user_and_password_payload {
    ($($name:ident),*) => {$(
        /// The account, and the password generated for it when none was given.
        #[derive(SimpleObject)]
        pub struct $name {
            /// The account after the mutation.
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

/// Changes to an account; only the fields given change.
#[derive(InputObject)]
pub struct UpdateUserInput {
    /// The user's (Author/User) ID.
    pub id: ID,
    /// A new role; taking ADMIN from the last active admin is CONFLICT.
    pub role: Option<Role>,
    /// Disable (true) or re-enable (false) the account.
    pub disabled: Option<bool>,
    /// The email the account logs in with; imported authors start with a placeholder.
    pub email: Option<String>,
}

/// The account whose password to set.
#[derive(InputObject)]
pub struct ResetUserPasswordInput {
    /// The user's (Author/User) ID.
    pub id: ID,
    /// At least 8 characters. When omitted, one is generated and returned once.
    pub new_password: Option<String>,
}

/// The account to delete.
#[derive(InputObject)]
pub struct DeleteUserInput {
    /// The user's (Author/User) ID.
    pub id: ID,
}

/// What `deleteUser` removed.
#[derive(SimpleObject)]
pub struct DeleteUserPayload {
    /// The ID the account had.
    pub deleted_user_id: ID,
}

/// A new API key for an admin script.
#[derive(InputObject)]
pub struct CreateApiKeyInput {
    /// A name to recognise the key by (not empty), such as the script that uses it.
    pub name: String,
    /// What tokens signed with the key may do.
    pub role: Role,
}

/// The new key: its public half and, once, its secret.
#[derive(SimpleObject)]
pub struct CreateApiKeyPayload {
    /// The key as stored (without its secret).
    pub api_key: ApiKeyNode,
    /// `keyId:secret`, shown only now. Sign HS256 JWTs with the secret (see
    /// docs/writing.md).
    pub secret: String,
}

/// The key to revoke.
#[derive(InputObject)]
pub struct RevokeApiKeyInput {
    /// The key's `keyId`; an unknown one is NOT_FOUND.
    pub key_id: String,
}

/// The key after `revokeApiKey`.
#[derive(SimpleObject)]
pub struct RevokeApiKeyPayload {
    /// The key, its `revokedAt` now set.
    pub api_key: ApiKeyNode,
}

#[derive(Default)]
pub struct AccountMutation;

#[Object]
impl AccountMutation {
    /// Exchanges an email and password for tokens: a 15-minute access token and a 30-day
    /// refresh token. Anyone may call it. Errors: UNAUTHENTICATED for a wrong email or
    /// password or a disabled account (never saying whether the email exists);
    /// RATE_LIMITED after 5 failed attempts a minute per account or client address.
    async fn login(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Email and password.")] input: LoginInput,
    ) -> ApiResult<AuthPayload> {
        let s = state(ctx)?;
        Ok(
            sessions::login(&s.db, &s.secret, &input.email, &input.password, &s.client)
                .await?
                .into(),
        )
    }

    /// Exchanges a refresh token for new tokens; the old refresh token stops working
    /// (reusing a spent one ends all of the user's sessions). Anyone holding one may call
    /// it. Errors: UNAUTHENTICATED for an unknown, spent, expired or revoked token.
    async fn refresh_token(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The refresh token to exchange.")] input: RefreshTokenInput,
    ) -> ApiResult<AuthPayload> {
        let s = state(ctx)?;
        Ok(sessions::refresh(&s.db, &s.secret, &input.refresh_token)
            .await?
            .into())
    }

    /// Ends a session by revoking its refresh token (access tokens already handed out
    /// run until they expire). Anyone holding the token may call it; an unknown token
    /// gives `revoked: false`.
    async fn logout(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The session to end.")] input: LogoutInput,
    ) -> ApiResult<LogoutPayload> {
        let s = state(ctx)?;
        Ok(LogoutPayload {
            revoked: sessions::logout(&s.db, &input.refresh_token).await?,
        })
    }

    /// Changes the caller's own profile (name, bio, avatar). Any logged-in user; API keys
    /// have no profile. Errors: UNAUTHENTICATED; FORBIDDEN for an API key; BAD_USER_INPUT
    /// for an empty name.
    async fn update_viewer(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The profile changes.")] input: UpdateViewerInput,
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

    /// Changes the caller's own password and revokes every refresh token of the account:
    /// each session, this one too once its access token expires, must log in again. Any
    /// logged-in user; API keys have no password. Errors: UNAUTHENTICATED; FORBIDDEN for
    /// an API key; BAD_USER_INPUT on `currentPassword` when it is wrong, on `newPassword`
    /// when it is shorter than 8 characters.
    async fn change_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The current and the new password.")] input: ChangePasswordInput,
    ) -> ApiResult<ChangePasswordPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let u =
            passwords::change_own(&s.db, who, &input.current_password, &input.new_password).await?;
        Ok(ChangePasswordPayload { user: u.into() })
    }

    /// Creates an account; without a password, one is generated and returned once. ADMINs
    /// only. Errors: UNAUTHENTICATED, FORBIDDEN; BAD_USER_INPUT for a malformed email, an
    /// empty name or a short password; CONFLICT when the email is taken.
    async fn create_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The new account.")] input: CreateUserInput,
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

    /// Changes a user's role or email, or disables or re-enables the account (a disabled
    /// account's tokens stop working at once). ADMINs only. Errors: UNAUTHENTICATED,
    /// FORBIDDEN, NOT_FOUND; CONFLICT for an email in use or for demoting or disabling the
    /// last active admin; BAD_USER_INPUT for a malformed email.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and its changes.")] input: UpdateUserInput,
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
    /// ADMINs only. Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND; BAD_USER_INPUT for a
    /// password under 8 characters.
    async fn reset_user_password(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account and, optionally, its new password.")]
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

    /// Deletes an account; its posts stay. ADMINs only. Errors: UNAUTHENTICATED,
    /// FORBIDDEN, NOT_FOUND; CONFLICT for the last active admin.
    async fn delete_user(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The account to delete.")] input: DeleteUserInput,
    ) -> ApiResult<DeleteUserPayload> {
        let s = state(ctx)?;
        let who = s.require_principal().await?;
        let id = node::decode_as(&input.id, node::Kind::Author, "id")?;
        let u = admin::delete_user(&s.db, who, id).await?;
        Ok(DeleteUserPayload {
            deleted_user_id: node::encode(node::Kind::Author, u.id),
        })
    }

    /// Creates an API key for admin scripts; its secret is returned once. Scripts sign
    /// HS256 JWTs with it (header `kid`: the key ID) and act with the key's role. ADMINs
    /// only. Errors: UNAUTHENTICATED, FORBIDDEN; BAD_USER_INPUT for an empty name.
    async fn create_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key's name and role.")] input: CreateApiKeyInput,
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

    /// Revokes an API key: tokens signed with it stop working at once. ADMINs only.
    /// Errors: UNAUTHENTICATED, FORBIDDEN, NOT_FOUND.
    async fn revoke_api_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key to revoke.")] input: RevokeApiKeyInput,
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
