//! Who opened a subscription connection ([`LiveSession`], put in the connection's data
//! by the HTTP layer from `connection_init`), and the extension that gives every event
//! of a subscription a request state of its own ([`PerEventState`]).

use std::sync::Arc;

use async_graphql::{
    Context, Data, Response,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute},
};
use sea_orm::DatabaseConnection;

use crate::{
    auth::Secret,
    error::{ApiResult, AppError},
    graphql::RequestState,
    service::now,
};

/// A subscription connection's caller.
#[derive(Clone)]
pub struct LiveSession {
    pub db: DatabaseConnection,
    pub secret: Secret,
    /// The token of `connection_init` (or of the upgrade request's `Authorization`),
    /// checked when a subscription needs the caller.
    pub bearer: Option<String>,
    pub client: String,
}

impl LiveSession {
    /// A fresh request state at this instant, as this caller.
    pub fn request_state(&self) -> RequestState {
        RequestState::new(
            self.db.clone(),
            now(),
            self.secret.clone(),
            self.bearer.clone(),
            self.client.clone(),
        )
    }
}

/// The session of the subscription `ctx` belongs to.
pub fn of<'a>(ctx: &Context<'a>) -> ApiResult<&'a LiveSession> {
    ctx.data::<LiveSession>()
        .map_err(|_| AppError::Internal("live session missing".into()).into())
}

/// Gives each execution inside a subscription connection (each event a subscription
/// sends) a new [`RequestState`]: its own loaders and instant.
pub struct PerEventState;

impl ExtensionFactory for PerEventState {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(PerEventStateExtension)
    }
}

struct PerEventStateExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for PerEventStateExtension {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        match ctx.data_opt::<LiveSession>() {
            Some(session) => {
                let mut data = Data::default();
                data.insert(Arc::new(session.request_state()));
                next.run_with_data(ctx, operation_name, data).await
            }
            None => next.run(ctx, operation_name).await,
        }
    }
}
