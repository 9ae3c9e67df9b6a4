//! For profiling by hand: generates the benchmark's corpus into a database that is kept
//! (not dropped), and writes each shape's wrk script next to it, so that a `quire serve`
//! started on that database can be driven and profiled shape by shape.
//!
//! ```sh
//! cargo run --release -p bench --example corpus -- sqlite:///tmp/corpus.db?mode=rwc /tmp/shapes 10000
//! QUIRE_RESPONSE_CACHE_MB=0 target/release/quire serve --database-url 'sqlite:///tmp/corpus.db' --port 8099 &
//! wrk -t2 -c32 -d10s -s /tmp/shapes/tag.lua http://127.0.0.1:8099
//! ```

use std::path::PathBuf;

use anyhow::Context as _;
use bench::{corpus, shapes, wrk};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: corpus DATABASE_URL SCRIPT_DIR [POSTS]";
    let url = args.next().context(usage)?;
    let dir = PathBuf::from(args.next().context(usage)?);
    let posts: usize = match args.next() {
        Some(n) => n.parse().context("POSTS must be a number")?,
        None => 10_000,
    };
    let db = quire::db::connect(&url).await?;
    quire::db::migrate(&db).await?;
    let corpus = corpus::generate(&db, corpus::Spec::blog(posts)).await?;
    db.close().await?;
    std::fs::create_dir_all(&dir)?;
    for shape in [
        shapes::home(),
        shapes::post_pages(&corpus, 250),
        shapes::tag_pages(&corpus),
        shapes::home_apq(),
    ] {
        std::fs::write(dir.join(format!("{}.lua", shape.key)), wrk::script(&shape))?;
    }
    println!(
        "{} posts in {:.1} s; wrk scripts in {} (apq.lua needs one registering POST first)",
        corpus.posts,
        corpus.seconds,
        dir.display()
    );
    Ok(())
}
