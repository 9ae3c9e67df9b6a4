//! Import benchmark (not a test): generates 10,000 posts of about 5 KB, half of them in
//! Korean, and imports them with the real `quire import` code path (files read from
//! disk, each file atomic) into a fresh SQLite database and, when
//! `QUIRE_TEST_POSTGRES_URL` is set, into a PostgreSQL database it creates and drops.
//!
//! ```sh
//! QUIRE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo run --release -p bench --example import_bench [POSTS]
//! ```

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    collections::BTreeMap,
    path::Path,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use bench::corpus::text::{self, Rng, TOPICS};
use entity::user::Role;
use quire::{
    commands::import::{ImportRequest, run},
    db,
    import::parse_bytes,
    render::render,
    service::{
        author,
        import::{ImportStatus, Outcome},
        search::SearchDocument,
    },
};
use sea_orm::{ConnectionTrait, DatabaseConnection};

/// The first ten topics: the tags these posts carry.
const TAGS: usize = 10;

/// Writes `n` posts of about 5 KB into `dir`.
fn generate(dir: &Path, n: usize) {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..n {
        let tags: Vec<&str> = (0..3).map(|_| TOPICS[rng.below(TAGS)]).collect();
        let series = if i % 10 == 0 {
            format!("series: 연재 {}\n", i % 100)
        } else {
            String::new()
        };
        let body = text::body(&mut rng, i, 4, 1100);
        let text = format!(
            "---\ntitle: \"{}\"\ndate: 2024-{:02}-{:02} {:02}:{:02}:00 +0900\ntags: [{}]\n{series}---\n\n{body}",
            text::title(i),
            1 + i % 12,
            1 + i % 28,
            i % 24,
            i % 60,
            tags.join(", ")
        );
        std::fs::write(dir.join(format!("post-{i:05}.md")), text).unwrap();
    }
}

/// Time spent in the database per kind of statement (first words of the SQL).
type StatementTimes = Arc<Mutex<BTreeMap<String, (usize, Duration)>>>;

fn count_statements(conn: &mut DatabaseConnection) -> StatementTimes {
    let times = StatementTimes::default();
    let sink = times.clone();
    conn.set_metric_callback(move |info| {
        let sql = info.statement.sql.as_str();
        let key: String = sql.split_whitespace().take(3).collect::<Vec<_>>().join(" ");
        let mut t = sink.lock().unwrap();
        let e = t.entry(key).or_default();
        e.0 += 1;
        e.1 += info.elapsed;
    });
    times
}

fn print_statements(times: &StatementTimes, n: usize) {
    for (k, (count, spent)) in times.lock().unwrap().iter() {
        println!(
            "    {:>6.2} per post, {:>7.1} us each: {k}",
            *count as f64 / n as f64,
            spent.as_secs_f64() * 1e6 / *count as f64
        );
    }
}

/// CPU time this process has used so far (all threads, user + system), from
/// `/proc/self/stat`; zero where that file does not exist.
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which ends with the last ')'): utime is the 12th,
    // stime the 13th, in clock ticks of 1/100 s.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

async fn bench(name: &str, conn: &DatabaseConnection, dir: &Path, n: usize) {
    db::migrate(conn).await.unwrap();
    author::ensure(
        conn,
        author::NewUser {
            slug: "bench",
            display_name: "Bench",
            email: "bench@example.com",
            bio: None,
            role: Role::Admin,
        },
    )
    .await
    .unwrap();
    let req = ImportRequest {
        paths: vec![dir.to_path_buf()],
        dry_run: false,
        author: None,
        status: ImportStatus::Published,
    };
    let (started, cpu) = (Instant::now(), cpu_time());
    let report = run(conn, &req).await.unwrap();
    let (first, first_cpu) = (started.elapsed(), cpu_time() - cpu);
    assert_eq!(report.count(Outcome::Imported), n, "{}", report.render());
    let (started, cpu) = (Instant::now(), cpu_time());
    let again = run(conn, &req).await.unwrap();
    let (second, second_cpu) = (started.elapsed(), cpu_time() - cpu);
    assert_eq!(again.count(Outcome::Unchanged), n, "{}", again.render());
    println!(
        "{name:<10} import {n} posts: {:>6.2} s = {:>6.0} posts/s ({:.2} ms of this process's CPU per post) | re-import (all unchanged): {:>6.2} s = {:>6.0} posts/s ({:.2} ms CPU per post)",
        first.as_secs_f64(),
        n as f64 / first.as_secs_f64(),
        first_cpu.as_secs_f64() * 1e3 / n as f64,
        second.as_secs_f64(),
        n as f64 / second.as_secs_f64(),
        second_cpu.as_secs_f64() * 1e3 / n as f64,
    );
}

#[tokio::main]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(10_000);
    let id = uuid::Uuid::new_v4().simple().to_string();
    let dir = std::env::temp_dir().join(format!("quire-bench-{id}"));
    generate(&dir, n);
    let bytes: u64 = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "generated {n} posts, {:.1} KB on average, half in Korean",
        bytes as f64 / n as f64 / 1000.0
    );

    // The part of an import that needs no database, on one thread, to tell where the
    // time goes.
    let started = Instant::now();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let doc = parse_bytes(&path.to_string_lossy(), &std::fs::read(&path).unwrap()).unwrap();
        std::hint::black_box(render(&doc.markdown));
        std::hint::black_box(SearchDocument::new(
            &doc.title,
            doc.subtitle.as_deref(),
            &doc.markdown,
        ));
    }
    let prep = started.elapsed();
    println!(
        "read + parse + render + tokenize for search only (one thread, no database): {:>6.0} posts/s",
        n as f64 / prep.as_secs_f64()
    );

    let sqlite_path = std::env::temp_dir().join(format!("quire-bench-{id}.db"));
    let sqlite = db::connect(&format!("sqlite://{}?mode=rwc", sqlite_path.display()))
        .await
        .unwrap();
    bench("SQLite", &sqlite, &dir, n).await;
    sqlite.close().await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", sqlite_path.display()));
    }

    match std::env::var("QUIRE_TEST_POSTGRES_URL") {
        Ok(admin_url) => {
            let name = format!("quire_bench_{id}");
            let admin = db::connect(&admin_url).await.unwrap();
            admin
                .execute_unprepared(&format!("CREATE DATABASE \"{name}\" ENCODING 'UTF8'"))
                .await
                .unwrap();
            let url = match admin_url.rsplit_once('/') {
                Some((base, _)) => format!("{base}/{name}"),
                None => panic!("QUIRE_TEST_POSTGRES_URL has no database name"),
            };
            let mut pg = db::connect(&url).await.unwrap();
            let times = count_statements(&mut pg);
            bench("PostgreSQL", &pg, &dir, n).await;
            if std::env::var_os("QUIRE_BENCH_STATEMENTS").is_some() {
                print_statements(&times, 2 * n);
            }
            pg.close().await.unwrap();
            admin
                .execute_unprepared(&format!("DROP DATABASE \"{name}\" WITH (FORCE)"))
                .await
                .unwrap();
        }
        Err(_) => println!("PostgreSQL skipped: QUIRE_TEST_POSTGRES_URL is not set"),
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
