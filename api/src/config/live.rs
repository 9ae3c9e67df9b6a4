//! The GraphQL subscriptions' limits (flags of `quire serve`).

use clap::Args;

/// Limits on subscription connections (WebSocket on `/graphql`). The depth and
/// complexity limits of queries apply to subscription documents too.
#[derive(Debug, Clone, Args)]
pub struct LiveConfig {
    /// Open subscription connections one client address may hold (counted by the same
    /// address as the rate limit); one more is closed with 4029 TOO_MANY_CONNECTIONS.
    /// 0 turns subscriptions off (every connection is closed so).
    #[arg(long, env = "QUIRE_LIVE_CONNECTIONS_PER_CLIENT", default_value_t = LiveConfig::DEFAULT.live_connections_per_client)]
    pub live_connections_per_client: usize,
    /// Subscriptions one connection may have open at once; one more is answered with
    /// an error whose code is TOO_MANY_SUBSCRIPTIONS (the connection stays).
    #[arg(long, env = "QUIRE_LIVE_SUBSCRIPTIONS_PER_CONNECTION", default_value_t = LiveConfig::DEFAULT.live_subscriptions_per_connection)]
    pub live_subscriptions_per_connection: usize,
    /// A connection with no subscription open for this many seconds (none started
    /// after `connection_init`, or all ended) is closed with 4008 IDLE_TIMEOUT.
    #[arg(long, env = "QUIRE_LIVE_IDLE_TIMEOUT_SECS", default_value_t = LiveConfig::DEFAULT.live_idle_timeout_secs)]
    pub live_idle_timeout_secs: u64,
}

impl LiveConfig {
    /// The documented defaults (the flags' defaults too).
    pub const DEFAULT: Self = Self {
        live_connections_per_client: 16,
        live_subscriptions_per_connection: 32,
        live_idle_timeout_secs: 60,
    };
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self::DEFAULT
    }
}
