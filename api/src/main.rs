//! The `quire` binary: parses the command line and runs one subcommand.
//!
//! Exit codes: 0 success; 1 when `quire import` could not import some file (each is
//! named in the summary) or `quire doctor` found a problem; 2 when a command could not run at all (bad arguments, no
//! database, no author for an import).

use std::{io::IsTerminal, process::ExitCode};

use clap::Parser;
use migration::{Migrator, MigratorTrait};
use quire::{
    app::Application,
    cli::{Cli, Command, ImportArgs, StatusArg},
    commands,
    config::{Config, LogFormat},
    db, graphql,
    service::import::ImportStatus,
};
use tracing_subscriber::{EnvFilter, Layer, layer::SubscriberExt, util::SubscriberInitExt};

/// jemalloc instead of glibc's malloc: a request allocates on tokio's threads what sqlx
/// allocated on its per-connection threads, and glibc's arenas serialised those frees on
/// their locks (uncached tag page 1.68 -> 1.38 ms of server CPU on SQLite, +36 % req/s on
/// PostgreSQL). It costs ~10 MB of peak RSS; mimalloc was as fast but took 25 MB more.
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log.log_format);
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Logs to standard error: `RUST_LOG` chooses what (default `info`, the migrations'
/// step-by-step lines unless `RUST_LOG` asks for them), `--log-format` how; colours only on
/// a terminal.
/// Beside the log, the database pool's waits for a connection go to `/metrics`.
fn init_logging(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sea_orm_migration=warn"));
    let fmt = tracing_subscriber::fmt::layer().with_writer(std::io::stderr);
    let fmt = match format {
        LogFormat::Json => fmt.json().boxed(),
        LogFormat::Text => fmt.with_ansi(std::io::stderr().is_terminal()).boxed(),
    };
    tracing_subscriber::registry()
        .with(fmt.with_filter(filter))
        .with(quire::pool_wait::layer())
        .init();
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    if !matches!(cli.command, Command::Schema | Command::Probe(_)) {
        cli.db.create_data_dir()?;
    }
    match cli.command {
        Command::Schema => {
            print!("{}", graphql::sdl());
        }
        Command::Probe(args) => return Ok(commands::probe::run(&args.url).await),
        Command::User(cmd) => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            commands::accounts::user(&db, cmd).await?;
        }
        Command::Apikey(cmd) => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            commands::accounts::apikey(&db, cli.secret.secret(), cmd).await?;
        }
        Command::Migrate => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            eprintln!("migrations applied");
        }
        Command::Serve(args) => {
            let config = Config {
                bind: args.bind,
                database_url: cli.db.url(),
                jwt_secret: cli.secret.secret(),
                demo: args.demo,
                trust_forwarded_for: args.trust_forwarded_for,
                http: args.http,
                webhooks: args.webhooks,
                media: cli.media.clone(),
                data_dir: cli.db.data_dir.clone(),
            };
            Application::build(&config)
                .await?
                .run_until_stopped()
                .await?;
        }
        Command::Import(args) => {
            let library = quire::service::media::Library::open(&cli.media, &cli.db.data_dir)?;
            return import(&cli.db.url(), args, &library).await;
        }
        Command::Export(args) => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            let library = quire::service::media::Library::open(&cli.media, &cli.db.data_dir)?;
            let report = commands::export::run_with_media(&db, &args.dir, Some(&library)).await?;
            print!("{}", report.render());
        }
        Command::Backup(args) => {
            let request = commands::backup::BackupRequest {
                file: args.file,
                force: args.force,
            };
            commands::backup::backup(&cli.db.url(), &request).await?;
        }
        Command::Doctor(args) => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            return commands::doctor::run(&db, args.repair).await;
        }
        Command::Webhook(args) => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            return commands::webhook::run(&db, args).await;
        }
        Command::Restore(args) => commands::backup::restore(&cli.db.url(), &args.file).await?,
        Command::Media(cmd) => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            let library = quire::service::media::Library::open(&cli.media, &cli.db.data_dir)?;
            return commands::media::run(&db, &library, cmd).await;
        }
        Command::Site(cmd) => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            commands::site::run(&db, cmd).await?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn import(
    url: &str,
    args: ImportArgs,
    library: &quire::service::media::Library,
) -> anyhow::Result<ExitCode> {
    let mut db = db::connect(url).await?;
    let mut note = None;
    if args.dry_run {
        // A dry run writes nothing, not even migrations: a database that is not migrated
        // yet is empty, so the run is simulated on an empty in-memory one.
        if !Migrator::get_pending_migrations(&db).await?.is_empty() {
            db = db::connect("sqlite::memory:").await?;
            db::migrate(&db).await?;
            note = Some(
                "The database is not migrated yet; simulated on an empty database.".to_owned(),
            );
        }
    } else {
        db::migrate(&db).await?;
    }
    let request = commands::import::ImportRequest {
        paths: args.paths,
        dry_run: args.dry_run,
        author: args.author,
        status: match args.status {
            StatusArg::Draft => ImportStatus::Draft,
            StatusArg::Published => ImportStatus::Published,
        },
    };
    let mut report = commands::import::run_with_media(&db, &request, Some(library)).await?;
    report.notes.extend(note);
    print!("{}", report.render());
    Ok(if report.failed() > 0 || report.files.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
