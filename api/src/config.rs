//! Configuration: one value, parsed once from flags and environment by clap, passed down.

use std::{net::SocketAddr, path::PathBuf};

use clap::Args;

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

/// Everything `quire serve` needs.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: String,
    /// Load the example blog when the database has no posts.
    pub demo: bool,
}
