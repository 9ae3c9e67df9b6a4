//! Probes for load balancers and orchestrators: `GET /healthz` (liveness: the process
//! answers; it never touches the database) and `GET /readyz` (readiness: the database
//! answers within a second and has every migration this binary knows applied).

use poem::{
    IntoResponse, Response, handler,
    http::StatusCode,
    web::{Data, Json},
};
use serde_json::json;

use super::AppState;
use crate::db;

#[handler]
pub async fn healthz() -> Response {
    Json(json!({ "status": "ok" })).into_response()
}

#[handler]
pub async fn readyz(state: Data<&AppState>) -> Response {
    let ready = tokio::time::timeout(db::POSTGRES_ACQUIRE_TIMEOUT, db::ready(&state.db)).await;
    let problem = match ready {
        Ok(Ok(true)) => return Json(json!({ "status": "ok" })).into_response(),
        Ok(Ok(false)) => "migrations pending",
        Ok(Err(e)) => {
            tracing::warn!(error = %e, "readiness check: database unreachable");
            "unreachable"
        }
        Err(_) => "unreachable",
    };
    Json(json!({ "status": "unavailable", "database": problem }))
        .with_status(StatusCode::SERVICE_UNAVAILABLE)
        .into_response()
}
