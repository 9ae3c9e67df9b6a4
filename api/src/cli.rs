//! The `quire` command line: subcommands and their flags (clap, with environment
//! variables). `--data-dir` and `--database-url` are global, so they are accepted before
//! or after any subcommand.

use std::net::SocketAddr;

use clap::{Args, Parser, Subcommand};

use crate::config::DatabaseArgs;

#[derive(Debug, Parser)]
#[command(name = "quire", version, about = "A headless CMS for blogs, served over GraphQL")]
pub struct Cli {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the GraphQL API.
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL).
    Schema,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "QUIRE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Load the example blog when the database has no posts.
    #[arg(long)]
    pub demo: bool,
}
