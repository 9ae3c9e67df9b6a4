//! The `quire` binary: parses the command line and runs one subcommand.

use clap::Parser;
use quire::{
    app::Application,
    cli::{Cli, Command},
    config::Config,
    db, graphql,
};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    match cli.command {
        Command::Schema => {
            print!("{}", graphql::sdl());
        }
        Command::User(cmd) => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            quire::cmd::accounts::user(&db, cmd).await?;
        }
        Command::Apikey(cmd) => {
            let db = db::connect(&cli.db.url()).await?;
            db::migrate(&db).await?;
            quire::cmd::accounts::apikey(&db, cli.secret.secret(), cmd).await?;
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
            };
            Application::build(&config)
                .await?
                .run_until_stopped()
                .await?;
        }
    }
    Ok(())
}
