//! The `quire` command line: subcommands and their flags (clap, with environment
//! variables). `--data-dir` and `--database-url` are global, so they are accepted before
//! or after any subcommand.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

use crate::config::{DatabaseArgs, HttpConfig, LogArgs, MediaConfig, SecretArgs, WebhookConfig};

#[derive(Debug, Parser)]
#[command(
    name = "quire",
    version,
    about = "A headless CMS for blogs, served over GraphQL"
)]
pub struct Cli {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub secret: SecretArgs,
    #[command(flatten)]
    pub log: LogArgs,
    #[command(flatten)]
    pub media: MediaConfig,
    #[command(subcommand)]
    pub command: Command,
}

// `serve`'s flags make its variant large; the command is parsed once, at start.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the GraphQL API.
    Serve(ServeArgs),
    /// Apply pending migrations and exit.
    Migrate,
    /// Print the GraphQL schema (SDL).
    Schema,
    /// Manage user accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// Manage admin API keys.
    #[command(subcommand)]
    Apikey(ApiKeyCommand),
    /// Import Markdown and text files (Jekyll, Hugo, plain) as posts.
    Import(ImportArgs),
    /// Write every post, drafts included, as Jekyll Markdown under DIR/_posts.
    Export(ExportArgs),
    /// Show or change the site settings (title, language, base URL, menus…).
    #[command(subcommand)]
    Site(SiteCommand),
    /// Write a backup of the database to FILE (SQLite: an online copy, the server may
    /// keep running; PostgreSQL: `pg_dump --format=custom`).
    Backup(BackupArgs),
    /// Replace the database with a backup made by `quire backup`, then migrate it. Stop
    /// the server first; on PostgreSQL the database must be empty.
    Restore(RestoreArgs),
    /// Manage the media library (uploaded images and files).
    #[command(subcommand)]
    Media(MediaCommand),
    /// Check the database's invariants (search index, tag listing copies, series
    /// positions, post authors, orphan rows); exit 1 when any problem is found.
    Doctor(DoctorArgs),
    /// Manage webhook endpoints: add, list, rm, test.
    Webhook(WebhookArgs),
    /// Ask a running server whether it is ready (`GET URL`, by default its `/readyz`):
    /// exit 0 when it answers 200 within two seconds, 1 otherwise. For container health
    /// checks, in an image that has no curl.
    Probe(ProbeArgs),
}

/// `quire probe [URL]`.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// The address to ask.
    #[arg(default_value = "http://127.0.0.1:8080/readyz")]
    pub url: String,
}

/// `quire webhook …` and the delivery settings `test` sends with.
#[derive(Debug, Args)]
pub struct WebhookArgs {
    #[command(subcommand)]
    pub command: WebhookCommand,
    #[command(flatten)]
    pub config: WebhookConfig,
}

#[derive(Debug, Subcommand)]
pub enum WebhookCommand {
    /// Register an endpoint; prints its id and signing secret.
    Add {
        /// Where events are POSTed (http or https).
        url: String,
        /// Event types, families (`post.*`) or `*`, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "*")]
        events: Vec<String>,
        /// A note for admins.
        #[arg(long)]
        description: Option<String>,
    },
    /// List the endpoints with their status and latest delivery.
    List,
    /// Delete an endpoint with its deliveries.
    Rm {
        /// The endpoint's id (from `list`).
        id: i64,
    },
    /// Send a `ping` to an endpoint now and print what it answered.
    Test {
        /// The endpoint's id (from `list`).
        id: i64,
    },
}

#[derive(Debug, Subcommand)]
pub enum MediaCommand {
    /// Add files to the library (images are checked, turned upright and stripped of
    /// EXIF/GPS as uploads are). Prints each file's URL; the same bytes twice are one file.
    Add {
        /// The files to add.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The owner (an account's email). Default: the oldest admin, else the oldest user.
        #[arg(long)]
        owner: Option<String>,
        /// Alt text for every file added.
        #[arg(long)]
        alt: Option<String>,
    },
    /// List the library, oldest first: ID, type, size, pixels, uses, URL.
    List,
    /// Delete files by ID or SHA-256; refused while something uses them, unless --force.
    Rm {
        /// IDs (as `quire media list` prints them) or hashes.
        #[arg(required = true, value_name = "ID|SHA256")]
        files: Vec<String>,
        /// Delete even while posts, pages, authors or the site use them.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// Repair what can be repaired safely, then check again.
    #[arg(long)]
    pub repair: bool,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The backup file to write.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `quire backup`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// A role on the command line.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    Admin,
    Editor,
    Author,
}

impl From<RoleArg> for entity::user::Role {
    fn from(r: RoleArg) -> Self {
        match r {
            RoleArg::Admin => Self::Admin,
            RoleArg::Editor => Self::Editor,
            RoleArg::Author => Self::Author,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Create an account. The password is read from stdin with --password-stdin, or
    /// generated and printed once.
    Create {
        #[arg(long)]
        email: String,
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Change an account's role.
    SetRole {
        #[arg(long)]
        email: String,
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Set an account's password without the current one (a forgotten password, or the
    /// first one of an imported author). Read from stdin with --password-stdin, or
    /// generated and printed once. The account's sessions are logged out.
    SetPassword {
        #[arg(long)]
        email: String,
        /// Read the password from the first line of stdin.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Change the email an account logs in with.
    SetEmail {
        #[arg(long)]
        email: String,
        /// The new address.
        #[arg(long)]
        to: String,
    },
    /// Disable an account; its tokens stop working at once.
    Disable {
        #[arg(long)]
        email: String,
    },
    /// Re-enable a disabled account.
    Enable {
        #[arg(long)]
        email: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print `keyId:secret` once.
    Create {
        #[arg(long)]
        name: String,
        #[arg(long, value_enum)]
        role: RoleArg,
        /// The admin the key acts for (default: the first admin).
        #[arg(long)]
        admin: Option<String>,
    },
    /// List keys.
    List,
    /// Revoke a key by its key ID.
    Revoke {
        /// Keys made before IDs were hex may start with `-`; they are accepted as values.
        #[arg(long, allow_hyphen_values = true)]
        key_id: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum SiteCommand {
    /// Print the settings as JSON, in the form `quire site set --file` takes.
    Get,
    /// Change the settings from a JSON file and/or single fields (fields win); omitted
    /// keys stay as they are, `null` clears. Prints the settings after the change.
    Set(SiteSetArgs),
}

#[derive(Debug, Args)]
pub struct SiteSetArgs {
    /// A JSON document with the keys `quire site get` prints (`-` reads stdin).
    #[arg(long, value_name = "PATH")]
    pub file: Option<PathBuf>,
    /// The site's name.
    #[arg(long)]
    pub title: Option<String>,
    /// A sentence or two about the site.
    #[arg(long)]
    pub description: Option<String>,
    /// A BCP 47 language tag, e.g. ko.
    #[arg(long)]
    pub language: Option<String>,
    /// An IANA time zone, e.g. Asia/Seoul.
    #[arg(long)]
    pub timezone: Option<String>,
    /// The absolute http(s) URL the site is served at.
    #[arg(long)]
    pub base_url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Files and folders to import (folders recursively: .md, .markdown, .txt).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Report what would happen without writing anything.
    #[arg(long)]
    pub dry_run: bool,
    /// Author (slug) of posts whose front matter names no known author; created when
    /// missing. Default: the oldest admin, else the oldest user.
    #[arg(long, value_name = "SLUG")]
    pub author: Option<String>,
    /// Status of imported posts; front matter `draft: true` always makes a draft.
    #[arg(long, value_enum, default_value_t = StatusArg::Published)]
    pub status: StatusArg,
}

/// The status given to imported posts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusArg {
    Draft,
    Published,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Folder to write `_posts/YYYY-MM-DD-slug.md` files into (created when missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "QUIRE_BIND", default_value = "127.0.0.1:8080")]
    pub bind: SocketAddr,
    /// Load the example blog when the database has no posts.
    #[arg(long)]
    pub demo: bool,
    /// Take the client address for login rate limits from `X-Forwarded-For`. Set it
    /// only behind a load balancer or CDN that sets that header.
    #[arg(long, env = "QUIRE_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,
    #[command(flatten)]
    pub http: HttpConfig,
    #[command(flatten)]
    pub webhooks: WebhookConfig,
}
