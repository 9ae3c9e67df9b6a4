//! `cargo run --release -p bench -- feeds`: the feeds and the sitemap under wrk, with the
//! response cache off (every request builds the document: the cold cost), on from a
//! cold start, and warm, against a static poem server answering the RSS feed's bytes
//! (the machine's ceiling for an answer of that size). The corpus is the delivery
//! benchmark's, with a base URL set so the feeds answer.

use anyhow::Context as _;
use quire::service::site::{self, SiteChanges};

use crate::{
    database::Backend,
    run::{self, Cache, Options, Row},
    server,
    shapes::{Request, Shape, url_encode},
    wrk::{self, Figures},
};

/// What was measured on one database.
pub struct FeedSection {
    pub backend: Backend,
    pub posts: usize,
    /// The static server with the RSS feed's bytes, and their size.
    pub ceiling: (Figures, usize),
    pub rows: Vec<Row>,
}

fn get(key: &'static str, label: &'static str, paths: Vec<String>) -> Shape {
    Shape {
        key,
        label,
        requests: paths.into_iter().map(Request::Get).collect(),
    }
}

/// The shapes: the blog's RSS and JSON feeds, tag feeds (Atom, rotating over every
/// tag), and the sitemap.
fn shapes(tag_slugs: &[String]) -> Vec<Shape> {
    vec![
        get("rss", "RSS /feed.xml (20 posts)", vec!["/feed.xml".into()]),
        get("json", "JSON Feed /feed.json", vec!["/feed.json".into()]),
        get(
            "tag",
            "Atom /tags/{slug}/atom.xml",
            tag_slugs
                .iter()
                .map(|s| format!("/tags/{}/atom.xml", url_encode(s)))
                .collect(),
        ),
        get("sitemap", "/sitemap.xml", vec!["/sitemap.xml".into()]),
    ]
}

/// The static ceiling: the bytes of the RSS feed served by `bench static`.
async fn ceiling(opts: &Options, base: &str) -> anyhow::Result<(Figures, usize)> {
    let client = reqwest::Client::new();
    let bytes = run::check(&client, base, &Request::Get("/feed.xml".into()))
        .await
        .map_err(|e| anyhow::anyhow!("/feed.xml failed its check: {e}"))?;
    let file = opts.work_dir.join("feed.xml");
    std::fs::write(&file, &bytes)?;
    let server = server::start_static(&file).await?;
    let shape = get("static", "static", vec!["/graphql".into()]);
    let figures = wrk::run(
        &server.base,
        &shape,
        opts.duration,
        opts.connections,
        &opts.work_dir,
    )
    .context("driving the static server")?;
    server.stop();
    println!(
        "    {:<28} {:>8.0} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  ({} bytes per answer)",
        "static ceiling",
        figures.requests_per_second,
        figures.p50_ms,
        figures.p99_ms,
        bytes.len()
    );
    Ok((figures, bytes.len()))
}

/// Every shape on one database.
pub async fn section(
    opts: &Options,
    backend: Backend,
    posts: usize,
) -> anyhow::Result<FeedSection> {
    let (db, corpus, _) = run::corpus_db(opts, backend, posts).await?;
    let conn = db.connect().await?;
    site::set(
        &conn,
        SiteChanges {
            base_url: Some(Some("https://blog.example.com/".to_owned())),
            ..SiteChanges::default()
        },
    )
    .await
    .map_err(|e| anyhow::anyhow!("setting the base URL: {e}"))?;
    conn.close().await?;
    let ceiling = {
        let server = server::start_quire(&opts.quire, &db.url, Some(0)).await?;
        let c = ceiling(opts, &server.base).await;
        server.stop();
        c?
    };
    let shapes = shapes(&corpus.tag_slugs);
    let mut rows = Vec::new();
    for cache in [Cache::Off, Cache::Cold] {
        rows.extend(run::run_server(opts, &db, cache, &shapes, false).await?.0);
    }
    Ok(FeedSection {
        backend,
        posts: corpus.posts,
        ceiling,
        rows,
    })
}

/// The table of every section: req/s and p99 by cache state, and the warm figure as a
/// share of the static ceiling.
pub fn table(sections: &[FeedSection], connections: usize, seconds: u64) -> String {
    let mut out = format!(
        "Concurrency {connections}, {seconds} s per shape and cache state, wrk on the same machine.\n\n\
         | database | posts | document | cache off (cold) req/s, p99 ms | cache on, cold start | warm | warm vs static |\n\
         |---|---:|---|---:|---:|---:|---:|\n"
    );
    for s in sections {
        let (c, bytes) = &s.ceiling;
        out.push_str(&format!(
            "| {} | {} | static ceiling ({bytes} bytes, the RSS feed's) | | | {:.0}, {:.2} | 100% |\n",
            s.backend.name(),
            s.posts,
            c.requests_per_second,
            c.p99_ms
        ));
        let mut keys: Vec<(&str, &str)> = Vec::new();
        for r in &s.rows {
            if !keys.iter().any(|(k, _)| *k == r.key) {
                keys.push((r.key, r.label));
            }
        }
        for (key, label) in keys {
            let cell = |cache: Cache| {
                s.rows
                    .iter()
                    .find(|r| r.key == key && r.cache == cache)
                    .map_or_else(
                        || "n/a".to_owned(),
                        |r| match &r.outcome {
                            Ok(f) => format!("{:.0}, {:.2}", f.requests_per_second, f.p99_ms),
                            Err(e) => format!("n/a: {e}"),
                        },
                    )
            };
            let share = s
                .rows
                .iter()
                .find(|r| r.key == key && r.cache == Cache::Warm)
                .and_then(|r| r.outcome.as_ref().ok())
                .map_or_else(
                    || "n/a".to_owned(),
                    |f| {
                        format!(
                            "{:.1}%",
                            100.0 * f.requests_per_second / c.requests_per_second
                        )
                    },
                );
            out.push_str(&format!(
                "| {} | {} | {label} | {} | {} | {} | {share} |\n",
                s.backend.name(),
                s.posts,
                cell(Cache::Off),
                cell(Cache::Cold),
                cell(Cache::Warm),
            ));
        }
    }
    out
}
