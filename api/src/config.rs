//! Configuration: one value, parsed once from flags and environment by clap, passed down.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use clap::Args;

use crate::auth::Secret;

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
    };
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            cors_origins: vec!["*".to_owned()],
            feeds: FeedConfig::default(),
            ..Self::DEFAULT
        }
    }
}

/// The feeds (RSS, Atom, JSON Feed) and sitemaps: their paths and sizes. A feed of the
/// whole blog is at `{prefix}/{file}`; one of a tag, category, series or author under
/// that page's path, `{prefix}/tags/{slug}/{file}`; see `service::feed::paths`.
#[derive(Debug, Clone, Args)]
pub struct FeedConfig {
    /// Path put before every feed's path (empty, or `/` and a path without a trailing
    /// `/`, such as `/feeds`). The sitemap and robots.txt stay at the root.
    #[arg(long, env = "QUIRE_FEED_PREFIX", default_value = "", value_parser = feed_prefix)]
    pub feed_prefix: String,
    /// File name of the RSS 2.0 feeds.
    #[arg(long, env = "QUIRE_FEED_RSS", default_value = "feed.xml", value_parser = feed_file)]
    pub feed_rss: String,
    /// File name of the Atom 1.0 feeds.
    #[arg(long, env = "QUIRE_FEED_ATOM", default_value = "atom.xml", value_parser = feed_file)]
    pub feed_atom: String,
    /// File name of the JSON Feed 1.1 feeds.
    #[arg(long, env = "QUIRE_FEED_JSON", default_value = "feed.json", value_parser = feed_file)]
    pub feed_json: String,
    /// Posts in each feed, newest first (1 to 1000).
    #[arg(long, env = "QUIRE_FEED_ITEMS", default_value_t = FeedConfig::DEFAULT.feed_items,
          value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub feed_items: u32,
    /// URLs in one sitemap file (1 to 50,000, the protocol's limit); past it,
    /// `/sitemap.xml` becomes a sitemap index of `/sitemaps/1.xml`, `/sitemaps/2.xml`….
    #[arg(long, env = "QUIRE_SITEMAP_MAX_URLS", default_value_t = FeedConfig::DEFAULT.sitemap_max_urls,
          value_parser = clap::value_parser!(u32).range(1..=50_000))]
    pub sitemap_max_urls: u32,
}

impl FeedConfig {
    /// The numbers of the defaults; [`FeedConfig::default`] has the paths too.
    pub const DEFAULT: Self = Self {
        feed_prefix: String::new(),
        feed_rss: String::new(),
        feed_atom: String::new(),
        feed_json: String::new(),
        feed_items: 20,
        sitemap_max_urls: 50_000,
    };
}

impl Default for FeedConfig {
    fn default() -> Self {
        Self {
            feed_rss: "feed.xml".to_owned(),
            feed_atom: "atom.xml".to_owned(),
            feed_json: "feed.json".to_owned(),
            ..Self::DEFAULT
        }
    }
}

/// `--feed-prefix`: empty, or `/` followed by path segments, no trailing `/`.
fn feed_prefix(v: &str) -> Result<String, String> {
    if v.is_empty() {
        return Ok(String::new());
    }
    let ok = v.starts_with('/')
        && v[1..]
            .split('/')
            .all(|segment| !segment.is_empty() && plain_segment(segment));
    if ok {
        Ok(v.to_owned())
    } else {
        Err("must be empty or a path such as /feeds (no trailing /)".to_owned())
    }
}

/// A feed's file name: one path segment such as `feed.xml`.
fn feed_file(v: &str) -> Result<String, String> {
    if !v.is_empty() && plain_segment(v) {
        Ok(v.to_owned())
    } else {
        Err("must be one path segment such as feed.xml (letters, digits, '.', '-', '_')".to_owned())
    }
}

fn plain_segment(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        && s != "."
        && s != ".."
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
/// Where uploaded media is kept and how it is served and processed; accepted by every
/// subcommand (`quire serve`, `quire media …`). [`MediaConfig::default`] is the local
/// `media/` folder with the documented limits.
#[derive(Clone, Args)]
pub struct MediaConfig {
    /// Where media objects are stored: `s3://bucket/prefix` for S3-compatible storage
    /// (credentials from the usual AWS variables), or a folder; default `media/` in the
    /// data directory.
    #[arg(long, env = "QUIRE_MEDIA_URL", global = true)]
    pub media_url: Option<String>,
    /// The S3 endpoint, for stores other than AWS (MinIO, R2, moto…); `http://` allows
    /// plain HTTP.
    #[arg(long, env = "AWS_ENDPOINT_URL", global = true)]
    pub media_s3_endpoint: Option<String>,
    /// The S3 region.
    #[arg(long, env = "AWS_REGION", global = true, default_value = "us-east-1")]
    pub media_s3_region: String,
    /// The S3 access key ID.
    #[arg(long, env = "AWS_ACCESS_KEY_ID", global = true, hide_env_values = true)]
    pub media_s3_access_key_id: Option<String>,
    /// The S3 secret access key. Prefer the environment variable.
    #[arg(
        long,
        env = "AWS_SECRET_ACCESS_KEY",
        global = true,
        hide_env_values = true
    )]
    pub media_s3_secret_access_key: Option<String>,
    /// An S3 session token (temporary credentials).
    #[arg(long, env = "AWS_SESSION_TOKEN", global = true, hide_env_values = true)]
    pub media_s3_session_token: Option<String>,
    /// Where media URLs point, e.g. a CDN in front of this server
    /// (`https://cdn.example.com`); default: paths on this server (`/media/…`).
    #[arg(long, env = "QUIRE_MEDIA_BASE_URL", global = true)]
    pub media_base_url: Option<String>,
    /// Largest file an upload may carry, in bytes; refused while it streams in.
    #[arg(long, env = "QUIRE_MEDIA_MAX_BYTES", global = true, default_value_t = MediaConfig::DEFAULT_MAX_BYTES)]
    pub media_max_bytes: u64,
    /// Most pixels (width × height) an image may have; larger ones (decompression
    /// bombs) are refused before they are decoded.
    #[arg(long, env = "QUIRE_MEDIA_MAX_PIXELS", global = true, default_value_t = MediaConfig::DEFAULT_MAX_PIXELS)]
    pub media_max_pixels: u64,
    /// The widths of the responsive variants, in pixels, comma-separated.
    #[arg(long, env = "QUIRE_MEDIA_WIDTHS", global = true, value_delimiter = ',', default_values_t = MediaConfig::DEFAULT_WIDTHS)]
    pub media_widths: Vec<u32>,
    /// Keep images' EXIF/XMP metadata (camera, GPS position); stripped by default.
    #[arg(long, env = "QUIRE_MEDIA_KEEP_METADATA", global = true)]
    pub media_keep_metadata: bool,
}

impl MediaConfig {
    pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;
    pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;
    pub const DEFAULT_WIDTHS: [u32; 4] = [320, 640, 1024, 1600];
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            media_url: None,
            media_s3_endpoint: None,
            media_s3_region: "us-east-1".to_owned(),
            media_s3_access_key_id: None,
            media_s3_secret_access_key: None,
            media_s3_session_token: None,
            media_base_url: None,
            media_max_bytes: Self::DEFAULT_MAX_BYTES,
            media_max_pixels: Self::DEFAULT_MAX_PIXELS,
            media_widths: Self::DEFAULT_WIDTHS.to_vec(),
            media_keep_metadata: false,
        }
    }
}

impl std::fmt::Debug for MediaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaConfig")
            .field("media_url", &self.media_url)
            .field("media_s3_endpoint", &self.media_s3_endpoint)
            .field("media_s3_region", &self.media_s3_region)
            .field("media_s3_secret_access_key", &"[redacted]")
            .field("media_base_url", &self.media_base_url)
            .field("media_max_bytes", &self.media_max_bytes)
            .field("media_max_pixels", &self.media_max_pixels)
            .field("media_widths", &self.media_widths)
            .field("media_keep_metadata", &self.media_keep_metadata)
            .finish_non_exhaustive()
    }
}
