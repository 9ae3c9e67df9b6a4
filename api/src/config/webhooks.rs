//! How webhooks are delivered (flags of `quire serve`).

use std::time::Duration;

use clap::Args;

/// How the webhook delivery worker of `quire serve` sends events: where it may send them,
/// how long it waits, how often it retries. Flags of `quire serve`, each with an
/// environment variable; [`WebhookConfig::default`] gives the documented defaults.
#[derive(Debug, Clone, Args)]
pub struct WebhookConfig {
    /// Let endpoints point at loopback, private, link-local and other non-public
    /// addresses (refused otherwise, at registration and after DNS resolution at each
    /// delivery, against server-side request forgery). For receivers on the same
    /// machine or network, and tests.
    #[arg(
        long,
        env = "QUIRE_WEBHOOK_ALLOW_PRIVATE",
        default_value_t = false,
        action = clap::ArgAction::Set,
        value_parser = clap::builder::BoolishValueParser::new()
    )]
    pub webhook_allow_private: bool,
    /// Longest an attempt may take (connecting, sending, the answer's head), e.g. `10s`.
    #[arg(long, env = "QUIRE_WEBHOOK_TIMEOUT", value_parser = humantime::parse_duration, default_value = "10s")]
    pub webhook_timeout: Duration,
    /// The waits before each retry of a failed delivery, comma-separated (`5s,5m,30m`);
    /// one more attempt than waits. Each wait is stretched or shrunk by up to a fifth at
    /// random (jitter), so retries of many deliveries do not arrive together.
    #[arg(
        long,
        env = "QUIRE_WEBHOOK_RETRY_SCHEDULE",
        value_parser = humantime::parse_duration,
        value_delimiter = ',',
        default_value = "5s,5m,30m,2h,5h,10h,10h"
    )]
    pub webhook_retry_schedule: Vec<Duration>,
    /// An endpoint whose attempts fail this many times in a row (no success between) is
    /// disabled with the status FAILING.
    #[arg(long, env = "QUIRE_WEBHOOK_MAX_FAILURES", default_value_t = WebhookConfig::DEFAULT_MAX_FAILURES)]
    pub webhook_max_failures: u32,
    /// How often the worker looks for due deliveries that no wake-up announced (written
    /// by the command line, other servers on SQLite, scheduled posts, retries), e.g. `1s`.
    #[arg(long, env = "QUIRE_WEBHOOK_POLL", value_parser = humantime::parse_duration, default_value = "1s")]
    pub webhook_poll: Duration,
    /// Deliveries a server sends at once.
    #[arg(long, env = "QUIRE_WEBHOOK_CONCURRENCY", default_value_t = WebhookConfig::DEFAULT_CONCURRENCY)]
    pub webhook_concurrency: usize,
}

impl WebhookConfig {
    pub const DEFAULT_MAX_FAILURES: u32 = 16;
    pub const DEFAULT_CONCURRENCY: usize = 16;
}

impl Default for WebhookConfig {
    /// The documented defaults (the flags' defaults too).
    fn default() -> Self {
        const H: u64 = 3600;
        Self {
            webhook_allow_private: false,
            webhook_timeout: Duration::from_secs(10),
            webhook_retry_schedule: [5, 300, 1800, 2 * H, 5 * H, 10 * H, 10 * H]
                .into_iter()
                .map(Duration::from_secs)
                .collect(),
            webhook_max_failures: Self::DEFAULT_MAX_FAILURES,
            webhook_poll: Duration::from_secs(1),
            webhook_concurrency: Self::DEFAULT_CONCURRENCY,
        }
    }
}
