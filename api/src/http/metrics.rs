//! Prometheus metrics, served at `GET /metrics` in the text format:
//!
//! - `quire_http_requests_total{operation, outcome}`: GraphQL requests by operation name
//!   (as the client named it; at most [`MAX_OPERATION_NAMES`] distinct names are kept,
//!   later ones count as `other`; unnamed ones as `anonymous`) and outcome (`ok`,
//!   `error` (data with errors), `hit`, `stale`, `refused` (not run: unreadable,
//!   invalid, over a limit), `unavailable`);
//! - `quire_http_request_duration_seconds`: their latency, a histogram;
//! - `quire_response_cache_total{result}` (`hit`, `miss`, `stale`) and
//!   `quire_response_cache_bytes`;
//! - `quire_db_pool_connections{state}` (`in_use`, `idle`), read at each scrape,
//!   `quire_db_pool_acquire_seconds` (each wait for a connection, a histogram, when the
//!   process's logging installed [`crate::pool_wait::layer`], as `quire serve` does) and
//!   `quire_db_unavailable_total` (times this server found its database unreachable);
//! - `quire_c_heap_bytes{state}` (`in_use`, `free`): glibc's heap, read at each scrape
//!   (see [`c_heap`]);
//! - `quire_import_files_total{outcome}` (`imported`, `updated`, `unchanged`, `failed`);
//! - `quire_webhook_attempts_total{outcome}` (`delivered`, `retried`, `failed`,
//!   `disabled`) and `quire_webhook_attempt_duration_seconds`, a histogram, counted by
//!   the delivery worker of this process.
//!
//! The recorder is the process's global one (`metrics`), installed once.

use std::{
    collections::HashSet,
    sync::{Mutex, OnceLock},
    time::Duration,
};

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use poem::{IntoResponse, Response, handler, web::Data};

use super::AppState;
use crate::{db, pool_wait::ACQUIRE_SECONDS, service::webhook::delivery::ATTEMPT_SECONDS};

/// Distinct operation names counted; more would let clients grow the metrics unbounded.
pub const MAX_OPERATION_NAMES: usize = 200;
const REQUEST_SECONDS: &str = "quire_http_request_duration_seconds";
const DURATION_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];
/// A webhook attempt waits on another server over the network, up to its time limit.
/// A connection is handed out in microseconds when one is idle; PostgreSQL's pool gives up at 1 s.
const ACQUIRE_BUCKETS: &[f64] = &[
    0.00001, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0,
];
const ATTEMPT_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_SECONDS.into()), DURATION_BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(ATTEMPT_SECONDS.into()), ATTEMPT_BUCKETS)
            })
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Full(ACQUIRE_SECONDS.into()), ACQUIRE_BUCKETS)
            })
            .unwrap_or_else(|_| PrometheusBuilder::new())
            .build_recorder();
        let handle = recorder.handle();
        if ::metrics::set_global_recorder(recorder).is_err() {
            tracing::warn!("another metrics recorder is installed: /metrics will be empty");
        }
        handle
    })
}

/// Installs the recorder (before the first request, so nothing is lost).
pub fn install() {
    let _ = handle();
}

/// The label `name` is counted under.
fn operation_label(name: Option<&str>) -> String {
    static SEEN: OnceLock<Mutex<HashSet<String>>> = OnceLock::new();
    let Some(name) = name.filter(|n| {
        !n.is_empty() && n.len() <= 64 && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
    }) else {
        return "anonymous".into();
    };
    let Ok(mut seen) = SEEN.get_or_init(Mutex::default).lock() else {
        return "other".into();
    };
    if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
        seen.insert(name.to_owned());
        name.to_owned()
    } else {
        "other".into()
    }
}

/// Counts one GraphQL request.
pub fn record_request(operation: Option<&str>, outcome: &'static str, took: Duration) {
    ::metrics::counter!(
        "quire_http_requests_total",
        "operation" => operation_label(operation),
        "outcome" => outcome
    )
    .increment(1);
    ::metrics::histogram!(REQUEST_SECONDS).record(took.as_secs_f64());
}

/// Counts a response-cache look-up's result (`hit`, `miss`, `stale`).
pub fn record_cache(result: &'static str) {
    ::metrics::counter!("quire_response_cache_total", "result" => result).increment(1);
}

#[handler]
pub async fn scrape(state: Data<&AppState>) -> Response {
    let (size, idle) = db::pool_stats(&state.db);
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    ::metrics::gauge!("quire_db_pool_connections", "state" => "idle").set(f64::from(idle));
    ::metrics::gauge!("quire_db_pool_connections", "state" => "in_use")
        .set(f64::from(size.saturating_sub(idle)));
    ::metrics::gauge!("quire_response_cache_bytes").set(state.cache.bytes() as f64);
    if let Some((in_use, free)) = c_heap() {
        ::metrics::gauge!("quire_c_heap_bytes", "state" => "in_use").set(in_use as f64);
        ::metrics::gauge!("quire_c_heap_bytes", "state" => "free").set(free as f64);
    }
    let handle = handle();
    handle.run_upkeep();
    handle
        .render()
        .with_content_type("text/plain; version=0.0.4; charset=utf-8")
        .into_response()
}

/// The C heap (glibc's `malloc`): bytes in use and bytes free but kept, or `None` where
/// glibc is not the C library. Rust's own allocations go to jemalloc (`main.rs`), so in
/// `quire serve` this is mostly SQLite: its page caches (up to 2 MB per pooled
/// connection by default) and prepared statements, which grow with the database file.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn c_heap() -> Option<(usize, usize)> {
    // SAFETY: `mallinfo2` takes no arguments and only reads the allocator's counters
    // (glibc 2.33 and later, as Debian 12's 2.36).
    let info = unsafe { libc::mallinfo2() };
    Some((info.uordblks + info.hblkhd, info.fordblks))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn c_heap() -> Option<(usize, usize)> {
    None
}
