//! The HTTP surface, and the only module that knows poem: routes, the GraphQL-over-HTTP
//! endpoint, GraphiQL and the health check.

mod graphql;
mod health;

use poem::{
    EndpointExt, IntoEndpoint, Route, get,
    middleware::{Cors, Tracing},
};
use sea_orm::DatabaseConnection;

use crate::{auth::Secret, graphql::QuireSchema};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: QuireSchema,
    pub db: DatabaseConnection,
    pub secret: Secret,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
}

/// The largest request body accepted (a 1 MiB post, JSON-escaped, with room to spare).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// The routes of a quire server.
pub fn routes(state: AppState) -> impl IntoEndpoint {
    Route::new()
        .at("/graphql", get(graphql::graphql).post(graphql::graphql))
        .at("/graphiql", get(graphql::graphiql))
        .at("/healthz", get(health::healthz))
        .data(state)
        .with(
            Cors::new()
                .allow_methods(["GET", "POST", "OPTIONS"])
                .allow_headers(["content-type", "authorization", "accept"])
                .max_age(86_400),
        )
        .with(Tracing)
}
