//! `cargo run --release -p bench`: quire's delivery benchmark. See `docs/benchmarks.md`
//! "Delivery benchmark" and `--help`.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use bench::{
    database::Backend,
    feeds, report,
    run::{self, Options, ScalePoint, Section},
    server, wrk,
};
use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "bench",
    about = "Generates a corpus, starts the real quire server and drives it with wrk"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Sub>,
    /// Posts in the corpus of the main table.
    #[arg(long, default_value_t = 10_000)]
    posts: usize,
    /// Seconds of load per shape.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Concurrent connections.
    #[arg(long, default_value_t = 32)]
    connections: usize,
    /// Corpus sizes of the scaling table (shapes 1 and 2).
    #[arg(long, value_delimiter = ',', default_value = "1000,10000,100000")]
    scaling_sizes: Vec<usize>,
    /// Skip the scaling table.
    #[arg(long)]
    skip_scaling: bool,
    /// Also run the scaling table on PostgreSQL (generating 100,000 posts there takes
    /// several minutes, so it is not in the default run).
    #[arg(long)]
    scaling_postgres: bool,
    /// Skip PostgreSQL altogether.
    #[arg(long)]
    sqlite_only: bool,
    /// PostgreSQL server to create the benchmark's databases on (each is dropped after).
    #[arg(
        long,
        env = "QUIRE_TEST_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
    /// The quire binary to start; by default the release one next to this binary,
    /// built first with cargo.
    #[arg(long)]
    quire_bin: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// The feeds and the sitemap (cache off, cold, warm) against a static ceiling
    /// serving the RSS feed's bytes, instead of the GraphQL shapes.
    Feeds,
    /// The static ceiling (started by the benchmark itself).
    #[command(hide = true)]
    Static {
        #[arg(long)]
        bind: SocketAddr,
        #[arg(long)]
        body: PathBuf,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Some(Sub::Static { bind, body }) => server::serve_static(*bind, body).await,
        Some(Sub::Feeds) => benchmark(&cli).await,
        None => benchmark(&cli).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn benchmark(cli: &Cli) -> anyhow::Result<()> {
    wrk::ensure_installed()?;
    let quire = match &cli.quire_bin {
        Some(p) => p.clone(),
        None => {
            server::build_quire()?;
            server::default_quire_binary()?
        }
    };
    let work_dir =
        std::env::temp_dir().join(format!("quire-bench-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&work_dir)?;
    let opts = Options {
        quire,
        postgres_url: (!cli.sqlite_only).then(|| cli.postgres_url.clone()),
        duration: Duration::from_secs(cli.duration),
        connections: cli.connections,
        work_dir: work_dir.clone(),
    };
    let result = run_all(cli, &opts).await;
    let _ = std::fs::remove_dir_all(&work_dir);
    result
}

async fn run_all(cli: &Cli, opts: &Options) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    println!("machine: {}", report::machine());
    let backends: &[Backend] = if cli.sqlite_only {
        &[Backend::Sqlite]
    } else {
        &[Backend::Sqlite, Backend::Postgres]
    };

    if matches!(cli.command, Some(Sub::Feeds)) {
        let mut sections = Vec::new();
        for &backend in backends {
            println!(
                "\n== feeds: {} with {} posts (load {})",
                backend.name(),
                cli.posts,
                report::load()
            );
            sections.push(feeds::section(opts, backend, cli.posts).await?);
        }
        println!(
            "\n## Feeds and sitemap\n\nMachine: {}; run took {:.0} s.\n\n{}",
            report::machine(),
            started.elapsed().as_secs_f64(),
            feeds::table(&sections, opts.connections, opts.duration.as_secs())
        );
        return Ok(());
    }
    let mut sections: Vec<Section> = Vec::new();
    for &backend in backends {
        println!(
            "\n== {} with {} posts (load {})",
            backend.name(),
            cli.posts,
            report::load()
        );
        sections.push(run::section(opts, backend, cli.posts).await?);
    }

    let mut points: Vec<ScalePoint> = Vec::new();
    if !cli.skip_scaling {
        for &backend in backends {
            if backend == Backend::Postgres && !cli.scaling_postgres {
                continue;
            }
            for &posts in &cli.scaling_sizes {
                match sections
                    .iter()
                    .find(|s| s.backend == backend && s.corpus.posts == posts)
                {
                    Some(s) => points.push(run::point_from_rows(backend, &s.corpus, &s.rows)),
                    None => {
                        println!(
                            "\n== scaling: {} with {posts} posts (load {})",
                            backend.name(),
                            report::load()
                        );
                        points.push(run::scale_point(opts, backend, posts).await?);
                    }
                }
            }
        }
        points.sort_by_key(|p| (p.backend == Backend::Postgres, p.posts));
    }

    println!(
        "\n## Results\n\nMachine: {}; run took {:.0} s.\n",
        report::machine(),
        started.elapsed().as_secs_f64()
    );
    println!(
        "{}",
        report::main_table(&sections, opts.connections, opts.duration.as_secs())
    );
    println!("Targets:\n\n{}", report::targets(&sections));
    if !points.is_empty() {
        println!(
            "Latency by corpus size:\n\n{}",
            report::scaling_table(&points)
        );
    }
    Ok(())
}
