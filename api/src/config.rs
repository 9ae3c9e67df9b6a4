//! Configuration: one value, parsed once from flags and environment by clap, passed down.

use std::{net::SocketAddr, path::PathBuf};

use clap::Args;

use crate::auth::Secret;

mod cache_tags;
mod feeds;
mod live;
mod media;
mod webhooks;

pub use cache_tags::CacheTagConfig;
pub use feeds::FeedConfig;
pub use live::LiveConfig;
pub use media::MediaConfig;
pub use webhooks::WebhookConfig;

/// Where the data lives; accepted by every subcommand.
#[derive(Debug, Clone, Args)]
pub struct DatabaseArgs {
    /// Database URL (`sqlite://…` or `postgres://…`); defaults to `quire.db` in the data dir.
    #[arg(long, env = "DATABASE_URL", global = true, hide_env_values = true)]
    pub database_url: Option<String>,
    /// Directory for the default SQLite database.
    #[arg(long, env = "QUIRE_DATA_DIR", global = true, default_value = ".")]
    pub data_dir: PathBuf,
}

impl DatabaseArgs {
    /// The URL to connect to: the explicit one, or a SQLite file in the data directory
    /// (created when missing).
    pub fn url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!(
                "sqlite://{}?mode=rwc",
                self.data_dir.join("quire.db").display()
            ),
        }
    }

    /// Creates the data directory when the default SQLite database is used and the
    /// directory is missing.
    pub fn create_data_dir(&self) -> anyhow::Result<()> {
        if self.database_url.is_none() {
            std::fs::create_dir_all(&self.data_dir).map_err(|e| {
                anyhow::anyhow!(
                    "cannot create the data directory {}: {e}",
                    self.data_dir.display()
                )
            })?;
        }
        Ok(())
    }
}

/// The signing secret; accepted by every subcommand (API keys are derived from it).
#[derive(Clone, Args)]
pub struct SecretArgs {
    /// Secret for signing tokens, at least 32 bytes. When unset, one is generated on first
    /// start and kept in the database. Prefer the environment variable.
    #[arg(long, env = "QUIRE_JWT_SECRET", global = true, hide_env_values = true)]
    pub jwt_secret: Option<String>,
}

impl std::fmt::Debug for SecretArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretArgs { jwt_secret: [redacted] }")
    }
}

impl SecretArgs {
    pub fn secret(&self) -> Option<Secret> {
        self.jwt_secret
            .as_ref()
            .map(|s| Secret::new(s.as_bytes().to_vec()))
    }
}

/// Everything `quire serve` needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: String,
    /// From `QUIRE_JWT_SECRET`; `None` uses the one kept in the database.
    pub jwt_secret: Option<Secret>,
    /// Load the example blog when the database has no posts.
    pub demo: bool,
    /// Behind a load balancer or CDN: rate-limit by the `X-Forwarded-For` address.
    pub trust_forwarded_for: bool,
    /// Limits, caching and CORS of the HTTP endpoint.
    pub http: HttpConfig,
    /// How webhooks are delivered.
    pub webhooks: WebhookConfig,
    /// Where media is stored and how it is served.
    pub media: MediaConfig,
    /// The data directory (holds the default media folder).
    pub data_dir: PathBuf,
}

/// How the HTTP endpoint protects itself and caches: limits on queries, the response
/// cache, HTTP caching headers and CORS. Flags of `quire serve`, each with an
/// environment variable; [`HttpConfig::default`] gives the documented defaults.
#[derive(Debug, Clone, Args)]
pub struct HttpConfig {
    /// Deepest selection nesting a query may have.
    #[arg(long, env = "QUIRE_MAX_DEPTH", default_value_t = HttpConfig::DEFAULT.max_depth)]
    pub max_depth: usize,
    /// Highest cost a query may have: a field costs 1, a list field its page size times
    /// its children.
    #[arg(long, env = "QUIRE_MAX_COMPLEXITY", default_value_t = HttpConfig::DEFAULT.max_complexity)]
    pub max_complexity: usize,
    /// Largest POST body, in bytes (GET requests are bounded by the URL length).
    #[arg(long, env = "QUIRE_MAX_BODY_BYTES", default_value_t = HttpConfig::DEFAULT.max_body_bytes)]
    pub max_body_bytes: usize,
    /// Most directives (`@skip`, `@include`, ...) in one document.
    #[arg(long, env = "QUIRE_MAX_DIRECTIVES", default_value_t = HttpConfig::DEFAULT.max_directives)]
    pub max_directives: usize,
    /// Most aliased fields in one document.
    #[arg(long, env = "QUIRE_MAX_ALIASES", default_value_t = HttpConfig::DEFAULT.max_aliases)]
    pub max_aliases: usize,
    /// Longest a query may run, in milliseconds (mutations are not cut short).
    #[arg(long, env = "QUIRE_QUERY_TIMEOUT_MS", default_value_t = HttpConfig::DEFAULT.query_timeout_ms)]
    pub query_timeout_ms: u64,
    /// Answer introspection queries (GraphiQL and code generators need them). When off,
    /// error messages also stop suggesting field names.
    #[arg(long, env = "QUIRE_INTROSPECTION", default_value_t = HttpConfig::DEFAULT.introspection, action = clap::ArgAction::Set)]
    pub introspection: bool,
    /// `max-age` of anonymous GET responses, in seconds (for CDNs and browsers).
    #[arg(long, env = "QUIRE_CACHE_MAX_AGE", default_value_t = HttpConfig::DEFAULT.cache_max_age)]
    pub cache_max_age: u32,
    /// `stale-while-revalidate` of anonymous GET responses, in seconds.
    #[arg(long, env = "QUIRE_CACHE_STALE_WHILE_REVALIDATE", default_value_t = HttpConfig::DEFAULT.cache_stale_while_revalidate)]
    pub cache_stale_while_revalidate: u32,
    /// Memory for the in-process cache of anonymous query responses, in MiB; 0 turns it off.
    #[arg(long, env = "QUIRE_RESPONSE_CACHE_MB", default_value_t = HttpConfig::DEFAULT.response_cache_mb)]
    pub response_cache_mb: usize,
    /// How often to look for content written by other servers or the command line, in
    /// milliseconds. Writes through this server invalidate its cache at once.
    #[arg(long, env = "QUIRE_CACHE_POLL_MS", default_value_t = HttpConfig::DEFAULT.cache_poll_ms)]
    pub cache_poll_ms: u64,
    /// Persisted queries (APQ) kept in memory.
    #[arg(long, env = "QUIRE_PERSISTED_QUERIES", default_value_t = HttpConfig::DEFAULT.persisted_queries)]
    pub persisted_queries: usize,
    /// Origins that browsers may call from, comma-separated, or `*` for any origin
    /// (anonymous reads only: the Authorization header is then not allowed).
    #[arg(
        long,
        env = "QUIRE_CORS_ORIGINS",
        value_delimiter = ',',
        default_value = "*"
    )]
    pub cors_origins: Vec<String>,
    /// How long browsers may cache a CORS preflight answer, in seconds.
    #[arg(long, env = "QUIRE_CORS_MAX_AGE", default_value_t = HttpConfig::DEFAULT.cors_max_age)]
    pub cors_max_age: u32,
    /// Requests a second each client address may send that the response cache cannot
    /// answer (a token bucket; cached answers are never limited); 0 turns the limit off.
    #[arg(long, env = "QUIRE_RATE_LIMIT_PER_SEC", default_value_t = HttpConfig::DEFAULT.rate_limit_per_sec)]
    pub rate_limit_per_sec: u32,
    /// How many such requests a client may send at once before the per-second rate
    /// applies (the bucket's size).
    #[arg(long, env = "QUIRE_RATE_LIMIT_BURST", default_value_t = HttpConfig::DEFAULT.rate_limit_burst)]
    pub rate_limit_burst: u32,
    /// A connection that sends and receives nothing for this long is closed, in seconds:
    /// an idle keep-alive connection, or a client that stopped half-way through its
    /// request head (slowloris).
    #[arg(long, env = "QUIRE_IDLE_TIMEOUT_SECS", default_value_t = HttpConfig::DEFAULT.idle_timeout_secs)]
    pub idle_timeout_secs: u64,
    /// After SIGTERM or Ctrl-C, how long requests in flight may take to finish, in
    /// seconds; then the remaining connections are closed and the process exits 0.
    #[arg(long, env = "QUIRE_SHUTDOWN_TIMEOUT_SECS", default_value_t = HttpConfig::DEFAULT.shutdown_timeout_secs)]
    pub shutdown_timeout_secs: u64,
    /// Where the feeds and sitemaps are served, and how much they hold.
    #[command(flatten)]
    pub feeds: FeedConfig,
    /// The cache-tag header for CDNs.
    #[command(flatten)]
    pub cache_tags: CacheTagConfig,
    /// The subscriptions' limits.
    #[command(flatten)]
    pub live: LiveConfig,
}

impl HttpConfig {
    /// The documented defaults (the flags' defaults too).
    pub const DEFAULT: Self = Self {
        max_depth: 12,
        max_complexity: 2_000,
        max_body_bytes: 1024 * 1024,
        max_directives: 100,
        max_aliases: 50,
        query_timeout_ms: 5_000,
        introspection: true,
        cache_max_age: 30,
        cache_stale_while_revalidate: 60,
        response_cache_mb: 32,
        cache_poll_ms: 1_000,
        persisted_queries: 1_000,
        cors_origins: Vec::new(),
        cors_max_age: 86_400,
        rate_limit_per_sec: 100,
        rate_limit_burst: 500,
        idle_timeout_secs: 30,
        shutdown_timeout_secs: 10,
        feeds: FeedConfig::DEFAULT,
        cache_tags: CacheTagConfig::DEFAULT,
        live: LiveConfig::DEFAULT,
    };
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            cors_origins: vec!["*".to_owned()],
            feeds: FeedConfig::default(),
            cache_tags: CacheTagConfig::default(),
            ..Self::DEFAULT
        }
    }
}

/// How the log is written (to standard error). What is logged is set by `RUST_LOG`
/// (default `info` without the migrations' step-by-step lines; `RUST_LOG=debug` shows them).
#[derive(Debug, clap::Args)]
pub struct LogArgs {
    /// `text` (colours only when standard error is a terminal) or `json` (one object a
    /// line, for log collectors).
    #[arg(long, global = true, env = "QUIRE_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
}

/// The log's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}
