//! `GET /healthz`: 200 when the database answers, 503 when it does not.

use poem::{
    IntoResponse, Response, handler,
    http::StatusCode,
    web::{Data, Json},
};
use serde_json::json;

use super::AppState;
use crate::db;

#[handler]
pub async fn healthz(state: Data<&AppState>) -> Response {
    match db::ping(&state.db).await {
        Ok(()) => Json(json!({ "status": "ok" })).into_response(),
        Err(e) => {
            tracing::warn!(error = %e, "health check: database unreachable");
            Json(json!({ "status": "unavailable", "database": "unreachable" }))
                .with_status(StatusCode::SERVICE_UNAVAILABLE)
                .into_response()
        }
    }
}
