//! How long a request waits for a database connection, from sqlx's own measurement: the
//! pool (set up by [`crate::db::connect`] to report every hand-out) emits a tracing event
//! with `acquired_after_secs` on the target [`TARGET`], and [`layer`] records it in the
//! histogram [`ACQUIRE_SECONDS`] of `/metrics`. The wait includes opening a new
//! connection when the pool had none idle. Neither sea-orm nor sqlx offers a counter or
//! a hook for this; the event is the one place the pool says it.

use tracing::{
    Event, Level, Subscriber,
    field::{Field, Visit},
};
use tracing_subscriber::{Layer, filter::Targets, layer::Context, registry::LookupSpan};

/// Where sqlx reports each connection it hands out.
pub const TARGET: &str = "sqlx::pool::acquire";
/// The histogram of waits for a connection (its buckets are set where the recorder is made).
pub const ACQUIRE_SECONDS: &str = "quire_db_pool_acquire_seconds";
/// The level the pool reports at: below anything `RUST_LOG=debug` shows.
pub const LEVEL: Level = Level::TRACE;

/// The layer that counts the waits; it sees the pool's events only, whatever `RUST_LOG` says.
pub fn layer<S>() -> impl Layer<S>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    AcquireTimes.with_filter(Targets::new().with_target(TARGET, LEVEL))
}

struct AcquireTimes;

impl<S: Subscriber> Layer<S> for AcquireTimes {
    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let mut seconds = Seconds(None);
        event.record(&mut seconds);
        if let Some(s) = seconds.0 {
            metrics::histogram!(ACQUIRE_SECONDS).record(s);
        }
    }
}

struct Seconds(Option<f64>);

impl Visit for Seconds {
    fn record_f64(&mut self, field: &Field, value: f64) {
        if field.name() == "acquired_after_secs" {
            self.0 = Some(value);
        }
    }

    fn record_debug(&mut self, _field: &Field, _value: &dyn std::fmt::Debug) {}
}
