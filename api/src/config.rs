//! Configuration: one value, parsed once from flags and environment by clap, passed down.

use std::{net::SocketAddr, path::PathBuf};

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
}
