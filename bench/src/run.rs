//! One benchmark section: a fresh database with a generated corpus, the server started
//! on it, each shape checked once and then driven by wrk.

use std::{path::PathBuf, time::Duration};

use anyhow::Context as _;
use sea_orm::ConnectionTrait;
use serde_json::Value;

use crate::{
    corpus::{self, Corpus, Spec},
    database::{Backend, FreshDb},
    server::{self, Server},
    shapes::{self, Request, Shape},
    wrk::{self, Figures},
};

/// Settings shared by every section.
#[derive(Debug, Clone)]
pub struct Options {
    pub quire: PathBuf,
    pub postgres_url: Option<String>,
    pub duration: Duration,
    pub connections: usize,
    pub work_dir: PathBuf,
}

/// The state of the server's in-process response cache during a measurement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cache {
    /// On (the default), and empty when the shape starts: the run begins with a miss
    /// for every distinct request of the shape, as after a restart or a content write.
    Cold,
    /// On, right after the cold run of the same shape: every request is a hit.
    Warm,
    /// `QUIRE_RESPONSE_CACHE_MB=0`: every request runs the query.
    Off,
}

impl Cache {
    pub fn label(self) -> &'static str {
        match self {
            Self::Cold => "on, cold start",
            Self::Warm => "on, warm",
            Self::Off => "off (=0)",
        }
    }

    /// The server's setting, whatever the state of its cache.
    pub fn setting(self) -> &'static str {
        match self {
            Self::Cold | Self::Warm => "on (default)",
            Self::Off => "off (=0)",
        }
    }

    fn env(self) -> Option<u32> {
        match self {
            Self::Cold | Self::Warm => None,
            Self::Off => Some(0),
        }
    }

    /// The measurements a server started with this setting gives: cold then warm, or off.
    fn passes(self) -> &'static [Cache] {
        match self {
            Self::Cold | Self::Warm => &[Self::Cold, Self::Warm],
            Self::Off => &[Self::Off],
        }
    }
}

/// A shape's result: figures, or why it could not be measured.
#[derive(Debug, Clone)]
pub struct Row {
    pub key: &'static str,
    pub label: &'static str,
    pub cache: Cache,
    pub outcome: Result<Figures, String>,
}

/// Everything measured on one database.
#[derive(Debug)]
pub struct Section {
    pub backend: Backend,
    pub corpus: Corpus,
    pub db_bytes: Option<u64>,
    pub ceiling: Figures,
    pub rows: Vec<Row>,
    /// Peak RSS of the server with the cache on, and with it off.
    pub rss: Vec<(Cache, u64)>,
}

/// A fresh database of `backend` holding `posts` generated posts.
pub async fn corpus_db(
    opts: &Options,
    backend: Backend,
    posts: usize,
) -> anyhow::Result<(FreshDb, Corpus, Option<u64>)> {
    let db = FreshDb::create(backend, opts.postgres_url.as_deref()).await?;
    let conn = db.connect().await?;
    let corpus = corpus::generate(&conn, Spec::blog(posts)).await?;
    if backend == Backend::Postgres {
        // What autovacuum would do in the next minutes, done now, so that the server
        // is not measured while PostgreSQL still digests the bulk write.
        conn.execute_unprepared("VACUUM (ANALYZE)").await?;
        conn.execute_unprepared("CHECKPOINT").await?;
    }
    let size = db.size_bytes(&conn).await;
    conn.close().await?;
    println!(
        "  {}: generated {} posts ({:.1} KB of Markdown each on average, half Korean) in {:.1} s{}",
        backend.name(),
        corpus.posts,
        corpus.average_markdown_bytes as f64 / 1000.0,
        corpus.seconds,
        size.map_or(String::new(), |b| format!(
            ", database {:.0} MB",
            b as f64 / 1e6
        ))
    );
    Ok((db, corpus, size))
}

/// Sends `req` once: the body when the answer is HTTP 200 with `data` and no `errors`
/// (any 200 for a GET outside `/graphql`), else a description of what came back.
pub async fn check(client: &reqwest::Client, base: &str, req: &Request) -> Result<Vec<u8>, String> {
    let sent = match req {
        Request::Post(body) => {
            client
                .post(format!("{base}/graphql"))
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
        }
        Request::Get(path) => client.get(format!("{base}{path}")).send().await,
    };
    let resp = sent.map_err(|e| format!("no answer: {e}"))?;
    let status = resp.status();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| format!("HTTP {status}, unreadable body: {e}"))?;
    let text = String::from_utf8_lossy(&bytes);
    let short: String = text.chars().take(160).collect();
    if status != reqwest::StatusCode::OK {
        return Err(format!("HTTP {} {short}", status.as_u16()));
    }
    if matches!(req, Request::Get(path) if !path.starts_with("/graphql")) {
        return Ok(bytes.to_vec()); // a feed or sitemap: any document with a 200
    }
    let json: Value =
        serde_json::from_slice(&bytes).map_err(|_| format!("HTTP 200, not JSON: {short}"))?;
    if let Some(errors) = json.get("errors") {
        let first: String = errors.to_string().chars().take(160).collect();
        return Err(format!("HTTP 200 with errors {first}"));
    }
    match json.get("data").and_then(Value::as_object) {
        Some(data) if data.values().all(|v| !v.is_null()) => Ok(bytes.to_vec()),
        _ => Err(format!("HTTP 200 without data: {short}")),
    }
}

/// Checks the shape's first request, then drives the server with it.
async fn measure(opts: &Options, server: &Server, shape: &Shape, cache: Cache) -> Row {
    let client = reqwest::Client::new();
    let outcome = match shape.requests.first() {
        None => Err("no requests".to_owned()),
        Some(first) => match check(&client, &server.base, first).await {
            Err(e) => Err(e),
            Ok(_) => wrk::run(
                &server.base,
                shape,
                opts.duration,
                opts.connections,
                &opts.work_dir,
            )
            .map_err(|e| format!("wrk failed: {e:#}")),
        },
    };
    print_row(shape.label, cache, &outcome);
    Row {
        key: shape.key,
        label: shape.label,
        cache,
        outcome,
    }
}

fn print_row(label: &str, cache: Cache, outcome: &Result<Figures, String>) {
    match outcome {
        Ok(f) => println!(
            "    {label:<24} cache {:<12} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  HTTP errors {}  socket errors {}",
            cache.label(),
            f.requests_per_second,
            f.p50_ms,
            f.p99_ms,
            f.http_errors,
            f.socket_errors
        ),
        Err(e) => println!(
            "    {label:<24} cache {:<12} n/a: server answered {e}",
            cache.label()
        ),
    }
}

/// Shape 4: registers the home page document with a POST carrying query and hash, then
/// measures the GET that carries only the hash.
async fn measure_apq(opts: &Options, server: &Server, cache: Cache) -> Row {
    let client = reqwest::Client::new();
    let shape = shapes::home_apq();
    let registered = check(
        &client,
        &server.base,
        &Request::Post(shapes::apq_register()),
    )
    .await;
    match registered {
        Ok(_) => measure(opts, server, &shape, cache).await,
        Err(e) => {
            let outcome = Err(format!("{e} (to the registering POST)"));
            print_row(shape.label, cache, &outcome);
            Row {
                key: shape.key,
                label: shape.label,
                cache,
                outcome,
            }
        }
    }
}

/// Runs `shapes` (and APQ when `apq`) against a server started with `cache` (with the
/// cache on, each shape cold and then warm); returns the rows and the server's peak RSS
/// after them.
pub async fn run_server(
    opts: &Options,
    db: &FreshDb,
    cache: Cache,
    shapes: &[Shape],
    apq: bool,
) -> anyhow::Result<(Vec<Row>, u64)> {
    let server = server::start_quire(&opts.quire, &db.url, cache.env()).await?;
    let mut rows = Vec::new();
    for shape in shapes {
        for pass in cache.passes() {
            rows.push(measure(opts, &server, shape, *pass).await);
        }
    }
    if apq {
        for pass in cache.passes() {
            rows.push(measure_apq(opts, &server, *pass).await);
        }
    }
    let rss = server.peak_rss()?;
    println!(
        "    peak RSS of the quire server (VmHWM), cache {}: {:.1} MB",
        cache.setting(),
        rss as f64 / 1048576.0
    );
    server.stop();
    Ok((rows, rss))
}

/// The static ceiling: the bytes of shape 1's answer from `base`, served by `bench
/// static` and driven as shape 1 is.
async fn ceiling(opts: &Options, base: &str) -> anyhow::Result<Figures> {
    let client = reqwest::Client::new();
    let home = shapes::home();
    let bytes = check(&client, base, &home.requests[0])
        .await
        .map_err(|e| anyhow::anyhow!("shape 1 failed its check: {e}"))?;
    let file = opts.work_dir.join("home.json");
    std::fs::write(&file, &bytes)?;
    let server = server::start_static(&file).await?;
    let served = check(&client, &server.base, &home.requests[0])
        .await
        .map_err(|e| anyhow::anyhow!("the static server failed its check: {e}"))?;
    anyhow::ensure!(served == bytes, "the static server changed the bytes");
    let figures = wrk::run(
        &server.base,
        &home,
        opts.duration,
        opts.connections,
        &opts.work_dir,
    )
    .context("driving the static server")?;
    println!(
        "    {:<24} {:>21} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  ({} bytes per answer)",
        "static ceiling",
        "",
        figures.requests_per_second,
        figures.p50_ms,
        figures.p99_ms,
        bytes.len()
    );
    server.stop();
    Ok(figures)
}

/// The main table's section for one database.
pub async fn section(opts: &Options, backend: Backend, posts: usize) -> anyhow::Result<Section> {
    let (db, corpus, db_bytes) = corpus_db(opts, backend, posts).await?;
    let shapes = [
        shapes::home(),
        shapes::post_pages(&corpus, 250),
        shapes::tag_pages(&corpus),
    ];
    // The ceiling serves the bytes of this database's shape 1 answer.
    let ceiling = {
        let server = server::start_quire(&opts.quire, &db.url, Some(0)).await?;
        let c = ceiling(opts, &server.base).await;
        server.stop();
        c?
    };
    let mut rows = Vec::new();
    let mut rss = Vec::new();
    for cache in [Cache::Cold, Cache::Off] {
        let (r, peak) = run_server(opts, &db, cache, &shapes, true).await?;
        rows.extend(r);
        rss.push((cache, peak));
    }
    Ok(Section {
        backend,
        corpus,
        db_bytes,
        ceiling,
        rows,
        rss,
    })
}

/// One point of the scaling table: shapes 1 and 2, cache off.
#[derive(Debug)]
pub struct ScalePoint {
    pub backend: Backend,
    pub posts: usize,
    pub generate_seconds: f64,
    pub home: Result<Figures, String>,
    pub post: Result<Figures, String>,
}

pub async fn scale_point(
    opts: &Options,
    backend: Backend,
    posts: usize,
) -> anyhow::Result<ScalePoint> {
    let (db, corpus, _) = corpus_db(opts, backend, posts).await?;
    let shapes = [shapes::home(), shapes::post_pages(&corpus, 250)];
    let (rows, _) = run_server(opts, &db, Cache::Off, &shapes, false).await?;
    Ok(point_from_rows(backend, &corpus, &rows))
}

/// A scaling point from rows measured for the main table.
pub fn point_from_rows(backend: Backend, corpus: &Corpus, rows: &[Row]) -> ScalePoint {
    let find = |key: &str| {
        rows.iter()
            .find(|r| r.key == key && r.cache == Cache::Off)
            .map_or_else(|| Err("not measured".to_owned()), |r| r.outcome.clone())
    };
    ScalePoint {
        backend,
        posts: corpus.posts,
        generate_seconds: corpus.seconds,
        home: find("home"),
        post: find("post"),
    }
}
