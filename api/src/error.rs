//! The one error type of quire's services, and its single mapping to GraphQL errors.
//!
//! Services return [`AppError`]. Resolvers return [`ApiResult`], whose error type
//! [`ApiError`] deliberately does not implement `Display`: async-graphql converts any
//! `Display` error on `?` and would drop the `extensions.code`, so every conversion goes
//! through [`From<AppError> for ApiError`], the only place codes are assigned.

use std::sync::Arc;

use async_graphql::ErrorExtensions;
use sea_orm::DbErr;

/// Stable error codes sent in `extensions.code`; documented in `docs/api.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    Unauthenticated,
    Forbidden,
    NotFound,
    BadUserInput,
    Conflict,
    RateLimited,
    /// The database cannot be reached: try again shortly (HTTP 503, `Retry-After`).
    ServiceUnavailable,
    Internal,
    /// An uploaded file is larger than the configured limit.
    PayloadTooLarge,
    /// An image claims more pixels than the configured limit (a decompression bomb).
    ImageTooLarge,
    /// A file is not what it claims or cannot be read (a corrupt image).
    InvalidMedia,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::NotFound => "NOT_FOUND",
            Self::BadUserInput => "BAD_USER_INPUT",
            Self::Conflict => "CONFLICT",
            Self::RateLimited => "RATE_LIMITED",
            Self::ServiceUnavailable => "SERVICE_UNAVAILABLE",
            Self::Internal => "INTERNAL",
            Self::PayloadTooLarge => "PAYLOAD_TOO_LARGE",
            Self::ImageTooLarge => "IMAGE_TOO_LARGE",
            Self::InvalidMedia => "INVALID_MEDIA",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("{0} not found")]
    NotFound(String),
    #[error("authentication required, or the token is invalid or expired")]
    Unauthenticated,
    #[error("invalid email or password")]
    InvalidCredentials,
    #[error("{0}")]
    Forbidden(String),
    #[error("{field}: {message}")]
    BadInput { field: String, message: String },
    #[error("{0}")]
    Conflict(String),
    #[error("the post was changed meanwhile: it is at version {current}, not {expected}")]
    VersionConflict { expected: i32, current: i32 },
    #[error("too many attempts; try again later")]
    RateLimited,
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    #[error("the database cannot be reached; try again shortly")]
    Unavailable,
    #[error("internal error: {0}")]
    Internal(String),
    #[error("{0}")]
    TooLarge(String),
    #[error("{0}")]
    ImageTooLarge(String),
    #[error("{0}")]
    InvalidMedia(String),
}

impl AppError {
    pub fn bad_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::BadInput {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Self::NotFound(_) => ErrorCode::NotFound,
            Self::Unauthenticated | Self::InvalidCredentials => ErrorCode::Unauthenticated,
            Self::Forbidden(_) => ErrorCode::Forbidden,
            Self::BadInput { .. } => ErrorCode::BadUserInput,
            Self::Conflict(_) | Self::VersionConflict { .. } => ErrorCode::Conflict,
            Self::RateLimited => ErrorCode::RateLimited,
            Self::Unavailable => ErrorCode::ServiceUnavailable,
            Self::Database(e) if crate::db::is_unavailable(e) => ErrorCode::ServiceUnavailable,
            Self::Database(_) | Self::Internal(_) => ErrorCode::Internal,
            Self::TooLarge(_) => ErrorCode::PayloadTooLarge,
            Self::ImageTooLarge(_) => ErrorCode::ImageTooLarge,
            Self::InvalidMedia(_) => ErrorCode::InvalidMedia,
        }
    }
}

impl From<Arc<DbErr>> for AppError {
    fn from(err: Arc<DbErr>) -> Self {
        if crate::db::is_unavailable(&err) {
            Self::Unavailable
        } else {
            Self::Internal(err.to_string())
        }
    }
}

pub type AppResult<T> = Result<T, AppError>;

/// The error resolvers return; see the module docs for why it is not `Display`.
#[derive(Clone)]
pub struct ApiError(async_graphql::Error);

pub type ApiResult<T> = Result<T, ApiError>;

impl From<AppError> for ApiError {
    fn from(err: AppError) -> Self {
        let code = err.code();
        let message = match code {
            ErrorCode::Internal => {
                let incident = uuid::Uuid::new_v4().simple().to_string();
                tracing::error!(incident = %incident, error = %err, "internal error");
                format!("internal error (incident {incident})")
            }
            ErrorCode::ServiceUnavailable => AppError::Unavailable.to_string(),
            _ => err.to_string(),
        };
        let mut gql = async_graphql::Error::new(message);
        gql = gql.extend_with(|_, ext| {
            ext.set("code", code.as_str());
            match &err {
                AppError::BadInput { field, .. } => ext.set("field", field.as_str()),
                AppError::VersionConflict { current, .. } => ext.set("currentVersion", *current),
                _ => {}
            }
        });
        Self(gql)
    }
}

impl From<Arc<DbErr>> for ApiError {
    fn from(err: Arc<DbErr>) -> Self {
        AppError::from(err).into()
    }
}

impl From<ApiError> for async_graphql::Error {
    fn from(err: ApiError) -> Self {
        err.0
    }
}
