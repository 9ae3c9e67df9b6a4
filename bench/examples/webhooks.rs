//! Webhook benchmark (not a test): a quire server delivering to a receiver on loopback,
//! on SQLite and on PostgreSQL. Prints, per database:
//!
//! - **latency**: the delay from a write's commit (`createTag` through the service, in
//!   this process) to the signed request's arrival at the receiver, p50/p99 over
//!   sequential writes;
//! - **throughput**: deliveries a second when a backlog of events written while no
//!   server ran is sent by one starting server (its worker, 16 at a time).
//!
//! ```sh
//! QUIRE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo run --release -p bench --example webhooks -- --writes 300 --backlog 3000
//! ```

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bench::database::{Backend, FreshDb};
use clap::Parser;
use poem::{EndpointExt, Route, handler, listener::TcpListener, post, web::Data};
use quire::{
    app::Application,
    auth::Principal,
    config::WebhookConfig,
    service::{
        account::users,
        taxonomy::{self, NamedChanges},
        webhook::endpoints,
    },
};
use tokio::sync::mpsc;

#[derive(Debug, Parser)]
struct Cli {
    /// Sequential writes whose commit-to-delivery delay is measured.
    #[arg(long, default_value_t = 300)]
    writes: usize,
    /// Events written before the server starts, for the throughput.
    #[arg(long, default_value_t = 3000)]
    backlog: usize,
}

type Arrivals = mpsc::UnboundedSender<(String, Instant)>;

#[handler]
async fn hook(body: String, Data(tx): Data<&Arrivals>) -> &'static str {
    let now = Instant::now();
    let v: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
    let slug = v["data"]["tag"]["slug"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let _ = tx.send((slug, now));
    "ok"
}

async fn receiver() -> anyhow::Result<(String, mpsc::UnboundedReceiver<(String, Instant)>)> {
    let (tx, rx) = mpsc::unbounded_channel();
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    drop(listener);
    let app = Route::new().at("/hook", post(hook)).data(tx);
    tokio::spawn(poem::Server::new(TcpListener::bind(format!("127.0.0.1:{port}"))).run(app));
    tokio::time::sleep(Duration::from_millis(200)).await;
    Ok((format!("http://127.0.0.1:{port}/hook"), rx))
}

fn config() -> WebhookConfig {
    WebhookConfig {
        webhook_allow_private: true,
        ..WebhookConfig::default()
    }
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn admin(db: &sea_orm::DatabaseConnection) -> anyhow::Result<Principal> {
    let u = users::create_user(
        db,
        users::NewAccount {
            email: "bench@example.com",
            name: "bench",
            role: entity::user::Role::Admin,
            password: "a benchmark password 1234",
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(Principal::User(u))
}

async fn tag(
    db: &sea_orm::DatabaseConnection,
    who: &Principal,
    name: String,
) -> anyhow::Result<()> {
    let c = NamedChanges {
        name: Some(name),
        ..Default::default()
    };
    taxonomy::create_tag(db, who, c)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(())
}

async fn run(backend: Backend, admin_url: Option<&str>, cli: &Cli) -> anyhow::Result<()> {
    // Throughput: a backlog written with no server running, then one server sends it.
    let fresh = FreshDb::create(backend, admin_url).await?;
    let db = quire::db::connect(&fresh.url).await?;
    quire::db::migrate(&db).await?;
    let who = admin(&db).await?;
    let (url, mut rx) = receiver().await?;
    let c = endpoints::EndpointChanges {
        url: Some(url),
        events: Some(vec!["tag.created".into()]),
        ..Default::default()
    };
    endpoints::create(&db, c, true)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for i in 0..cli.backlog {
        tag(&db, &who, format!("backlog-{i}")).await?;
    }
    let app = Application::build_with_db("127.0.0.1:0".parse()?, db.clone(), None)
        .await?
        .webhook_config(config());
    let started = Instant::now();
    tokio::spawn(app.run_until_stopped());
    let mut last = started;
    for _ in 0..cli.backlog {
        let (_, at) = tokio::time::timeout(Duration::from_secs(120), rx.recv())
            .await?
            .ok_or_else(|| anyhow::anyhow!("receiver closed"))?;
        last = at;
    }
    let secs = (last - started).as_secs_f64();
    // Latency: sequential writes to the running server's database.
    let mut commits: HashMap<String, Instant> = HashMap::new();
    let arrivals = Arc::new(Mutex::new(HashMap::new()));
    let collector = {
        let arrivals = arrivals.clone();
        tokio::spawn(async move {
            while let Some((slug, at)) = rx.recv().await {
                if let Ok(mut a) = arrivals.lock() {
                    a.insert(slug, at);
                }
            }
        })
    };
    for i in 0..cli.writes {
        let name = format!("latency-{i}");
        tag(&db, &who, name.clone()).await?;
        commits.insert(name, Instant::now());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let deadline = Instant::now() + Duration::from_secs(30);
    while arrivals.lock().map(|a| a.len()).unwrap_or(0) < cli.writes && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    collector.abort();
    let got = arrivals.lock().map(|a| a.clone()).unwrap_or_default();
    let mut delays: Vec<Duration> = commits
        .iter()
        .filter_map(|(slug, committed)| {
            got.get(slug)
                .map(|at| at.saturating_duration_since(*committed))
        })
        .collect();
    delays.sort_unstable();
    anyhow::ensure!(!delays.is_empty(), "no delivery arrived");
    println!(
        "{:<10}  backlog {:>5} in {:>6.2} s = {:>7.0} deliveries/s   commit→delivery over {} writes: p50 {:>6.2} ms  p99 {:>6.2} ms",
        backend.name(),
        cli.backlog,
        secs,
        cli.backlog as f64 / secs,
        delays.len(),
        pct(&delays, 0.5),
        pct(&delays, 0.99),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    run(Backend::Sqlite, None, &cli).await?;
    match std::env::var("QUIRE_TEST_POSTGRES_URL") {
        Ok(url) => run(Backend::Postgres, Some(&url), &cli).await?,
        Err(_) => println!("PostgreSQL: skipped (QUIRE_TEST_POSTGRES_URL is not set)"),
    }
    Ok(())
}
