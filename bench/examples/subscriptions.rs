//! Subscription fan-out benchmark (not a test): the release `quire serve` with
//! `--connections` WebSocket clients (tokio-tungstenite, `graphql-transport-ws`), each
//! subscribed to `postPublished`, on SQLite and on PostgreSQL. Prints, per database:
//!
//! - **fan-out**: for each of `--publishes` sequential `publishPost` mutations (sent
//!   over HTTP as an editor), the time from sending the mutation to the first and to
//!   the last client notified, p50/p99;
//! - **memory**: the server's RSS before the clients connect and with them all
//!   subscribed.
//!
//! ```sh
//! QUIRE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo run --release -p bench --example subscriptions -- --connections 1000 --publishes 50
//! ```
//!
//! The `quire` binary of the same profile is used (`cargo build --release -p quire-api`
//! first), or `--quire PATH`.

use std::{
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};
use bench::database::{Backend, FreshDb};
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::{Message, client::IntoClientRequest, http::HeaderValue};

#[derive(Debug, Parser)]
struct Cli {
    /// WebSocket connections, one `postPublished` subscription each.
    #[arg(long, default_value_t = 1000)]
    connections: usize,
    /// Sequential publications measured.
    #[arg(long, default_value_t = 50)]
    publishes: usize,
    /// The `quire` binary (default: the one beside this example's directory).
    #[arg(long)]
    quire: Option<PathBuf>,
}

fn quire_binary(cli: &Cli) -> anyhow::Result<PathBuf> {
    if let Some(p) = &cli.quire {
        return Ok(p.clone());
    }
    let me = std::env::current_exe()?;
    let profile = me
        .parent()
        .and_then(|examples| examples.parent())
        .context("no profile directory")?;
    Ok(profile.join("quire"))
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn rss(&self) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))?;
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .context("no VmRSS")?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()?;
        Ok(kb * 1024)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn start(binary: &PathBuf, url: &str, connections: usize) -> anyhow::Result<Server> {
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let child = Command::new(binary)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", url)
        .env(
            "QUIRE_JWT_SECRET",
            "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        )
        .env("RUST_LOG", "warn")
        .env("QUIRE_RATE_LIMIT_PER_SEC", "0")
        .env(
            "QUIRE_LIVE_CONNECTIONS_PER_CLIENT",
            (connections + 10).to_string(),
        )
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    let client = reqwest::Client::new();
    let started = Instant::now();
    while client
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .map_or(true, |r| !r.status().is_success())
    {
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the server did not start");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Ok(server)
}

async fn gql(
    base: &str,
    token: Option<&str>,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    let mut req = reqwest::Client::new()
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let v: Value = req.send().await?.json().await?;
    if v.get("errors").is_some() {
        bail!("{query}: {v}");
    }
    Ok(v["data"].clone())
}

/// One subscribed client: sends `(client, title, arrival)` for every post it is told of.
async fn subscriber(
    ws_url: String,
    index: usize,
    tx: mpsc::UnboundedSender<(usize, String, Instant)>,
) -> anyhow::Result<()> {
    let mut request = ws_url.into_client_request()?;
    request.headers_mut().insert(
        "sec-websocket-protocol",
        HeaderValue::from_static("graphql-transport-ws"),
    );
    let (mut ws, _) = tokio_tungstenite::connect_async(request).await?;
    ws.send(Message::text(r#"{"type":"connection_init"}"#))
        .await?;
    ws.send(Message::text(
        json!({ "type": "subscribe", "id": "1", "payload": { "query": "subscription { postPublished { title } }" } })
            .to_string(),
    ))
    .await?;
    while let Some(msg) = ws.next().await {
        let Message::Text(text) = msg? else { continue };
        let v: Value = serde_json::from_str(&text)?;
        if v["type"] == "next" {
            let title = v["payload"]["data"]["postPublished"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let _ = tx.send((index, title, Instant::now()));
        }
    }
    Ok(())
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn run(backend: Backend, admin_url: Option<&str>, cli: &Cli) -> anyhow::Result<()> {
    let fresh = FreshDb::create(backend, admin_url).await?;
    let db = quire::db::connect(&fresh.url).await?;
    quire::db::migrate(&db).await?;
    quire::service::account::users::create_user(
        &db,
        quire::service::account::users::NewAccount {
            email: "bench@example.com",
            name: "bench",
            role: entity::user::Role::Editor,
            password: "a benchmark password 1234",
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    db.close().await?;
    let server = start(&quire_binary(cli)?, &fresh.url, cli.connections).await?;
    let base = server.base.clone();
    let login = gql(
        &base,
        None,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        json!({ "i": { "email": "bench@example.com", "password": "a benchmark password 1234" } }),
    )
    .await?;
    let token = login["login"]["accessToken"]
        .as_str()
        .context("token")?
        .to_owned();
    let rss_before = server.rss()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let ws_url = format!("{}/graphql", base.replacen("http://", "ws://", 1));
    let mut clients = Vec::with_capacity(cli.connections);
    for i in 0..cli.connections {
        let (url, tx) = (ws_url.clone(), tx.clone());
        clients.push(tokio::spawn(async move {
            if let Err(e) = subscriber(url, i, tx).await {
                eprintln!("client {i}: {e}");
            }
        }));
        if i % 100 == 99 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
    drop(tx);
    let publish = |title: String| {
        let (base, token) = (base.clone(), token.clone());
        async move {
            let d = gql(
                &base,
                Some(&token),
                "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } } }",
                json!({ "i": { "title": title, "markdown": "구독 벤치마크" } }),
            )
            .await?;
            let id = d["createPost"]["post"]["id"]
                .as_str()
                .context("id")?
                .to_owned();
            let sent = Instant::now();
            gql(
                &base,
                Some(&token),
                "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { status } } }",
                json!({ "i": { "id": id } }),
            )
            .await?;
            anyhow::Ok(sent)
        }
    };
    // Warm-up: publish until every client has been told once (all subscribed).
    let mut told = vec![false; cli.connections];
    let mut warm = 0;
    while told.iter().any(|t| !t) {
        warm += 1;
        if warm > 30 {
            bail!(
                "{} of {} clients never subscribed",
                told.iter().filter(|t| !**t).count(),
                cli.connections
            );
        }
        publish(format!("warm-{warm}")).await?;
        let until = Instant::now() + Duration::from_secs(2);
        while let Ok(Some((i, _, _))) = tokio::time::timeout_at(until.into(), rx.recv()).await {
            told[i] = true;
        }
    }
    let rss_open = server.rss()?;
    let (mut first, mut last) = (Vec::new(), Vec::new());
    for k in 0..cli.publishes {
        let title = format!("bench-{k}");
        let sent = publish(title.clone()).await?;
        let mut arrivals = Vec::with_capacity(cli.connections);
        let until = Instant::now() + Duration::from_secs(30);
        while arrivals.len() < cli.connections {
            match tokio::time::timeout_at(until.into(), rx.recv()).await {
                Ok(Some((_, t, at))) if t == title => arrivals.push(at),
                Ok(Some(_)) => {}
                _ => bail!(
                    "only {} of {} clients told of {title}",
                    arrivals.len(),
                    cli.connections
                ),
            }
        }
        arrivals.sort();
        first.push(arrivals[0].saturating_duration_since(sent));
        last.push(arrivals[arrivals.len() - 1].saturating_duration_since(sent));
    }
    first.sort();
    last.sort();
    println!(
        "{:<10} {:>5} subs  first p50 {:>7.2} ms p99 {:>7.2} ms  last p50 {:>7.2} ms p99 {:>7.2} ms  RSS {:>6.1} MB idle, {:>6.1} MB subscribed ({:.1} KB a subscription)",
        backend.name(),
        cli.connections,
        pct(&first, 0.5),
        pct(&first, 0.99),
        pct(&last, 0.5),
        pct(&last, 0.99),
        rss_before as f64 / 1e6,
        rss_open as f64 / 1e6,
        (rss_open.saturating_sub(rss_before)) as f64 / 1e3 / cli.connections as f64,
    );
    for c in clients {
        c.abort();
    }
    drop(server);
    drop(fresh);
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    run(Backend::Sqlite, None, &cli).await?;
    match std::env::var("QUIRE_TEST_POSTGRES_URL") {
        Ok(url) => run(Backend::Postgres, Some(&url), &cli).await?,
        Err(_) => println!("postgresql: skipped (QUIRE_TEST_POSTGRES_URL is not set)"),
    }
    Ok(())
}
