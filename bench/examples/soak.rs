//! Soak benchmark (not a test): mixed anonymous reads and an editor's writes at a fixed
//! rate for a long time against the real `quire serve` on SQLite and on PostgreSQL (two
//! servers, loaded at the same time), printing one line per server and minute: requests
//! sent and completed, errors, read and write p50/p99, and the server's RSS. Exits 1 when
//! any request failed. See docs/benchmarks.md, "Soak".
//!
//! ```sh
//! QUIRE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo run --release -p bench --example soak -- --minutes 30 --rate 100
//! ```

use std::{path::PathBuf, process::ExitCode, sync::Arc, time::Duration};

use bench::{
    database::{Backend, FreshDb},
    report,
    server::{self, Server},
    soak::{
        load::{Load, TIMEOUT},
        seed,
        stats::{self, Line, Reported},
    },
};
use clap::Parser;
use sea_orm::ConnectionTrait;
use tokio::time::Instant;

#[derive(Debug, Parser)]
#[command(
    name = "soak",
    about = "Mixed reads and writes at a fixed rate against quire on SQLite and PostgreSQL"
)]
struct Cli {
    /// How long to load the servers, in reporting intervals (minutes by default).
    #[arg(long, default_value_t = 30)]
    minutes: u64,
    /// Requests a second sent to each server, whether or not earlier ones were answered.
    #[arg(long, default_value_t = 100.0)]
    rate: f64,
    /// Of those, writes (createPost, publishPost, updatePost through an API key).
    #[arg(long, default_value_t = 3.0)]
    writes_per_sec: f64,
    /// Posts in the seeded blog (half of them Korean).
    #[arg(long, default_value_t = 500)]
    posts: usize,
    /// Seconds per reporting interval (60; shorter only to try the benchmark out).
    #[arg(long, default_value_t = 60)]
    interval_secs: u64,
    /// Only SQLite.
    #[arg(long, conflicts_with = "postgres_only")]
    sqlite_only: bool,
    /// Only PostgreSQL.
    #[arg(long)]
    postgres_only: bool,
    /// PostgreSQL server to create the soak's database on (dropped after).
    #[arg(
        long,
        env = "QUIRE_TEST_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
    /// The quire binary to start; by default the release one next to this example's
    /// directory, built first with cargo.
    #[arg(long)]
    quire_bin: Option<PathBuf>,
}

/// One server under load, with its database (dropped after the server stops).
struct Target {
    load: Arc<Load>,
    server: Server,
    db: FreshDb,
    lines: Vec<Line>,
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match soak(&cli).await {
        Ok(0) => ExitCode::SUCCESS,
        Ok(errors) => {
            eprintln!("{errors} requests failed");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("Error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The quire binary: given, or `target/release/quire` built now.
fn quire_binary(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(p) = &cli.quire_bin {
        return Ok(p.clone());
    }
    server::build_quire()?;
    // This example runs from target/release/examples/; quire is one directory up.
    let me = std::env::current_exe()?;
    let release = me
        .parent()
        .and_then(|examples| examples.parent())
        .ok_or_else(|| anyhow::anyhow!("cannot find target/release from {}", me.display()))?;
    Ok(release.join("quire"))
}

async fn start(cli: &Cli, quire: &std::path::Path, backend: Backend) -> anyhow::Result<Target> {
    let started = std::time::Instant::now();
    let db = FreshDb::create(backend, Some(&cli.postgres_url)).await?;
    let conn = db.connect().await?;
    let tag_slugs = seed::before_start(&conn, cli.posts).await?;
    if backend == Backend::Postgres {
        conn.execute_unprepared("VACUUM (ANALYZE)").await?;
    }
    conn.close().await?;
    let server = server::start_quire(quire, &db.url, None).await?;
    let client = reqwest::Client::new();
    let seeded = seed::through_api(&client, &server.base, tag_slugs).await?;
    println!(
        "{}: {} posts, 3 categories, 2 pages, site menus and an editor's API key seeded in {:.1} s; server pid {}",
        backend.name(),
        cli.posts,
        started.elapsed().as_secs_f64(),
        server.pid()
    );
    let load = Arc::new(Load::new(backend.name(), server.base.clone(), seeded)?);
    Ok(Target {
        load,
        server,
        db,
        lines: Vec::new(),
    })
}

async fn soak(cli: &Cli) -> anyhow::Result<u64> {
    anyhow::ensure!(cli.rate > 0.0, "--rate must be above 0");
    anyhow::ensure!(
        cli.writes_per_sec < cli.rate,
        "--writes-per-sec must be below --rate"
    );
    let quire = quire_binary(cli)?;
    println!("machine: {}", report::machine());
    let mut backends = Vec::new();
    if !cli.postgres_only {
        backends.push(Backend::Sqlite);
    }
    if !cli.sqlite_only {
        backends.push(Backend::Postgres);
    }
    let mut targets = Vec::new();
    for backend in backends {
        targets.push(start(cli, &quire, backend).await?);
    }

    let interval = Duration::from_secs(cli.interval_secs.max(1));
    println!(
        "\n{} interval(s) of {} s at {} req/s per server ({} writes/s), load {}\n",
        cli.minutes,
        interval.as_secs(),
        cli.rate,
        cli.writes_per_sec,
        report::load()
    );
    println!("{}", stats::header());
    let begin = Instant::now();
    let end = begin + interval * u32::try_from(cli.minutes).unwrap_or(u32::MAX);
    let mut runs = Vec::new();
    for (k, t) in targets.iter().enumerate() {
        let seed = 0x5eed_0000 + k as u64;
        runs.push(tokio::spawn(t.load.clone().run(
            cli.rate,
            cli.writes_per_sec,
            end,
            seed,
        )));
    }
    for minute in 1..=cli.minutes {
        tokio::time::sleep_until(begin + interval * u32::try_from(minute).unwrap_or(u32::MAX))
            .await;
        if minute == cli.minutes {
            // The last interval also takes the answers still on their way.
            let drain = Instant::now() + TIMEOUT + Duration::from_secs(2);
            while targets.iter().any(|t| t.load.in_flight() > 0) && Instant::now() < drain {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        for t in &mut targets {
            let (i, in_flight) = t.load.take_interval();
            let rss = t.server.rss().unwrap_or_else(|e| {
                eprintln!("  {}: no RSS ({e}); has the server died?", t.load.name);
                0
            });
            let reported = reported(&t.server.base).await;
            let line = Line::new(minute, i, in_flight, rss, reported);
            println!("{}", stats::row(t.load.name, &line));
            t.lines.push(line);
        }
    }
    for r in runs {
        let _ = r.await;
    }

    println!("\nSummary (load {}):", report::load());
    let mut errors = 0;
    for t in targets {
        let peak = t.server.peak_rss().ok();
        println!("- {}", stats::summary(t.load.name, &t.lines, peak));
        if let Some((hits, misses)) = cache_lookups(&t.server.base).await {
            println!(
                "  response cache: {hits} hits, {misses} misses ({:.0} % hits)",
                100.0 * hits / (hits + misses).max(1.0)
            );
        }
        errors += t.lines.iter().map(|l| l.errors).sum::<u64>();
        t.server.stop();
        drop(t.db);
    }
    Ok(errors)
}

/// The server's `/metrics` text.
async fn metrics(base: &str) -> Option<String> {
    reqwest::get(format!("{base}/metrics"))
        .await
        .ok()?
        .text()
        .await
        .ok()
}

/// The memory the server reports: the C heap in use (SQLite's) and the response cache.
async fn reported(base: &str) -> Reported {
    let Some(text) = metrics(base).await else {
        return Reported::default();
    };
    let gauge = |name: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse::<f64>().ok())
    };
    Reported {
        c_heap_bytes: gauge("quire_c_heap_bytes{state=\"in_use\"}"),
        cache_bytes: gauge("quire_response_cache_bytes"),
    }
}

/// The response cache's hits and misses, from the server's `/metrics`.
async fn cache_lookups(base: &str) -> Option<(f64, f64)> {
    let text = metrics(base).await?;
    let count = |result: &str| {
        text.lines()
            .filter(|l| {
                l.starts_with("quire_response_cache_total")
                    && l.contains(&format!("result=\"{result}\""))
            })
            .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
            .sum::<f64>()
    };
    Some((count("hit"), count("miss")))
}
