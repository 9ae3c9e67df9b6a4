//! The media benchmark: making the variants of a 12-megapixel JPEG, upload throughput
//! over HTTP multipart, and the process's peak memory while a 5 MB and a 50 MB file
//! stream in (uploads are streamed to a temporary file and on to the store, so the
//! second should cost what the first does). The server runs in this process, over a
//! temporary SQLite database and a local store; the client streams its file from disk.
//! Then serving under `wrk` (another process): an original (`/media/{hash}/{file}`) and
//! a cached WebP variant, each against the static ceiling (the delivery benchmark's
//! static poem handler, also in this process) answering the same bytes.
//!
//! `cargo run --release -p bench --example media_bench`; `MEDIA_BENCH_ONLY=serve` runs
//! the serving part alone, `MEDIA_BENCH_SECS` (10) and `MEDIA_BENCH_CONNECTIONS` (32)
//! set each wrk run.

use std::{path::Path, time::Instant};

use bytes::Bytes;
use image::{DynamicImage, ImageBuffer, Rgb, codecs::jpeg::JpegEncoder};
use quire::{
    app::Application,
    config::MediaConfig,
    media::{
        MediaStore,
        image::{ImageRules, prepare, variant},
    },
    service::media::Library,
};
use serde_json::json;

fn photo(w: u32, h: u32, seed: u32) -> Vec<u8> {
    let img = ImageBuffer::from_fn(w, h, |x, y| {
        let n = (x.wrapping_mul(2_654_435_761) ^ y.wrapping_mul(40_503) ^ seed) % 32;
        Rgb([
            ((x * 255 / w) + n) as u8,
            ((y * 255 / h) + n) as u8,
            ((x + y) % 256) as u8,
        ])
    });
    let mut out = Vec::new();
    DynamicImage::ImageRgb8(img)
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 90))
        .unwrap_or_else(|e| panic!("encoding: {e}"));
    out
}

/// The process's peak resident set so far (VmHWM), in MiB.
fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

async fn upload(client: &reqwest::Client, base: &str, token: &str, path: &Path) -> f64 {
    let file = tokio::fs::File::open(path)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let len = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    let stream = tokio_util::io::ReaderStream::new(file);
    let part =
        reqwest::multipart::Part::stream_with_length(reqwest::Body::wrap_stream(stream), len)
            .file_name("file.bin");
    let form = reqwest::multipart::Form::new()
        .text(
            "operations",
            json!({ "query": "mutation($f: Upload!) { uploadMedia(file: $f) { created } }", "variables": { "f": null } })
                .to_string(),
        )
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part("0", part);
    let started = Instant::now();
    let resp = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let body: serde_json::Value = resp.json().await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(body["data"]["uploadMedia"]["created"], true, "{body}");
    started.elapsed().as_secs_f64()
}

fn env_number(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[tokio::main]
async fn main() {
    let serve_only = std::env::var("MEDIA_BENCH_ONLY").is_ok_and(|v| v == "serve");
    if !serve_only {
        variants();
    }
    let (dir, base, token, client) = server().await;
    if !serve_only {
        uploads(&dir, &base, &token, &client).await;
    }
    serving(&dir, &base, &token, &client).await;
}

/// Part 1: the variants of a 12-megapixel JPEG.
fn variants() {
    let jpeg = photo(4000, 3000, 1);
    let rules = ImageRules {
        max_pixels: 50_000_000,
        keep_metadata: false,
    };
    let started = Instant::now();
    let prepared =
        prepare(Bytes::from(jpeg.clone()), "image/jpeg", rules).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "12 MP JPEG ({:.1} MB): checked and stripped in {:.0} ms",
        jpeg.len() as f64 / 1e6,
        started.elapsed().as_secs_f64() * 1e3
    );
    let mut total = 0.0;
    for format in ["jpeg", "webp"] {
        for width in MediaConfig::DEFAULT_WIDTHS {
            let started = Instant::now();
            let (bytes, w, h) = variant(
                &prepared.bytes,
                "image/jpeg",
                width,
                format,
                rules.max_pixels,
            )
            .unwrap_or_else(|e| panic!("{e}"));
            let ms = started.elapsed().as_secs_f64() * 1e3;
            total += ms;
            println!(
                "  variant {w}x{h} {format}: {ms:.0} ms, {} KB",
                bytes.len() / 1024
            );
        }
    }
    println!("  all 8 variants: {total:.0} ms (each decodes the original)");
}

/// The server, in this process: its folder, base URL, an admin's token and a client.
async fn server() -> (tempfile::TempDir, String, String, reqwest::Client) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let db_url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("bench.db").display()
    );
    let db = quire::db::connect(&db_url)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    quire::db::migrate(&db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let email = "bench@example.com";
    quire::service::account::users::create_user(
        &db,
        quire::service::account::users::NewAccount {
            email,
            name: "bench",
            role: entity::user::Role::Admin,
            password: "bench password 123",
        },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let config = MediaConfig {
        media_max_bytes: 64 * 1024 * 1024,
        ..MediaConfig::default()
    };
    let store = MediaStore::local(&dir.path().join("media")).unwrap_or_else(|e| panic!("{e}"));
    let app = Application::build_with_db(
        "127.0.0.1:0".parse().unwrap_or_else(|e| panic!("{e}")),
        db,
        None,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .media(Library::with_store(store, &config));
    let base = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    let client = reqwest::Client::new();
    let login: serde_json::Value = client
        .post(format!("{base}/graphql"))
        .json(&json!({ "query": "mutation($i: LoginInput!) { login(input: $i) { accessToken } }", "variables": { "i": { "email": email, "password": "bench password 123" } } }))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let token = login["data"]["login"]["accessToken"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    (dir, base, token, client)
}

/// Part 2: upload throughput and memory, over HTTP to the in-process server.
async fn uploads(dir: &tempfile::TempDir, base: &str, token: &str, client: &reqwest::Client) {
    let (base, token) = (base.to_owned(), token.to_owned());

    let write = |name: &str, mb: usize, seed: u8| {
        let path = dir.path().join(name);
        let data: Vec<u8> = (0..mb * 1024 * 1024)
            .map(|i| (i % 251) as u8 ^ seed)
            .collect();
        std::fs::write(&path, data).unwrap_or_else(|e| panic!("{e}"));
        path
    };
    let mut seconds = 0.0;
    for i in 0..10u8 {
        let path = write(&format!("f{i}"), 5, i + 1);
        seconds += upload(client, &base, &token, &path).await;
        let _ = std::fs::remove_file(path);
    }
    println!(
        "upload: 10 x 5 MB files in {seconds:.2} s = {:.0} MB/s",
        50.0 / seconds
    );
    let photos: Vec<_> = (0..3)
        .map(|i| {
            let path = dir.path().join(format!("p{i}.jpg"));
            std::fs::write(&path, photo(4000, 3000, i + 2)).unwrap_or_else(|e| panic!("{e}"));
            path
        })
        .collect();
    let started = Instant::now();
    for p in &photos {
        upload(client, &base, &token, p).await;
    }
    println!(
        "upload: 3 x 12 MP JPEG in {:.2} s ({:.0} ms each, checked, stripped and hashed)",
        started.elapsed().as_secs_f64(),
        started.elapsed().as_secs_f64() * 1e3 / 3.0
    );

    let small = write("small", 5, 200);
    let big = write("big", 50, 201);
    let before = peak_rss_mib();
    upload(client, &base, &token, &small).await;
    let after_small = peak_rss_mib();
    upload(client, &base, &token, &big).await;
    let after_big = peak_rss_mib();
    println!(
        "peak RSS (server and client in one process): {before:.1} MiB before, {after_small:.1} MiB after a 5 MB upload, {after_big:.1} MiB after a 50 MB upload"
    );
}

/// Part 3, serving under wrk: an original and a cached WebP variant, each against the
/// static ceiling answering the same bytes.
async fn serving(dir: &tempfile::TempDir, base: &str, token: &str, client: &reqwest::Client) {
    bench::wrk::ensure_installed().unwrap_or_else(|e| panic!("{e}"));
    let secs = env_number("MEDIA_BENCH_SECS", 10);
    let connections = usize::try_from(env_number("MEDIA_BENCH_CONNECTIONS", 32)).unwrap_or(32);
    // A blog-sized photo: 1600 x 1200 JPEG.
    let path = dir.path().join("사진.jpg");
    std::fs::write(&path, photo(1600, 1200, 99)).unwrap_or_else(|e| panic!("{e}"));
    let operations = json!({ "query": "mutation($f: Upload!) { uploadMedia(file: $f) { media { url webp: url(width: 640, format: WEBP) } } }", "variables": { "f": null } });
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text("map", json!({ "0": ["variables.f"] }).to_string())
        .part(
            "0",
            reqwest::multipart::Part::bytes(bytes).file_name("사진.jpg"),
        );
    let body: serde_json::Value = client
        .post(format!("{base}/graphql"))
        .bearer_auth(token)
        .multipart(form)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let media = &body["data"]["uploadMedia"]["media"];
    let original = media["url"].as_str().unwrap_or_default().to_owned();
    let webp = media["webp"].as_str().unwrap_or_default().to_owned();
    assert!(webp.contains("/640.webp/"), "{body}");
    println!(
        "serving under wrk ({connections} connections, {secs} s each, server and static ceiling in this process):"
    );
    for (label, path) in [("original JPEG", original), ("cached 640 px WebP", webp)] {
        // The first request makes the variant; every measured one reads it back.
        let resp = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(resp.status(), 200, "{path}");
        let served = resp.bytes().await.unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join(format!("ceiling-{}", served.len()));
        std::fs::write(&file, &served).unwrap_or_else(|e| panic!("{e}"));
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("{e}"));
        let bind: std::net::SocketAddr = format!("127.0.0.1:{port}")
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        let static_file = file.clone();
        let ceiling_task = tokio::spawn(async move {
            let _ = bench::server::serve_static(bind, &static_file).await;
        });
        let ceiling_base = format!("http://127.0.0.1:{port}");
        for _ in 0..100 {
            if client
                .get(format!("{ceiling_base}/healthz"))
                .send()
                .await
                .is_ok()
            {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        let measure = |base: String, path: String, key: &'static str| {
            let work = dir.path().to_path_buf();
            tokio::task::spawn_blocking(move || {
                let shape = bench::shapes::Shape {
                    key,
                    label: key,
                    requests: vec![bench::shapes::Request::Get(path)],
                };
                bench::wrk::run(
                    &base,
                    &shape,
                    std::time::Duration::from_secs(secs),
                    connections,
                    &work,
                )
                .unwrap_or_else(|e| panic!("{e}"))
            })
        };
        let ceiling = measure(ceiling_base, "/graphql".into(), "ceiling")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        ceiling_task.abort();
        let quire = measure(base.to_owned(), path.clone(), "media")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(quire.http_errors + quire.socket_errors, 0, "{path}");
        println!(
            "  {label} ({} KB): {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms; static ceiling {:.0} req/s, p50 {:.2} ms, p99 {:.2} ms ({:.0} % of it)",
            served.len() / 1024,
            quire.requests_per_second,
            quire.p50_ms,
            quire.p99_ms,
            ceiling.requests_per_second,
            ceiling.p50_ms,
            ceiling.p99_ms,
            100.0 * quire.requests_per_second / ceiling.requests_per_second.max(1.0)
        );
    }
}
