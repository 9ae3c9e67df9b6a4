//! Server processes under test: the real `quire serve`, and the static ceiling (this
//! binary re-executed as `bench static`), each started, waited for and stopped.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use anyhow::{Context as _, bail};

/// A running server process; killed when dropped.
pub struct Server {
    child: Child,
    pub base: String,
}

impl Server {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Peak resident memory of the process so far (`VmHWM`), in bytes.
    pub fn peak_rss(&self) -> anyhow::Result<u64> {
        self.status_bytes("VmHWM")
    }

    /// Resident memory of the process now (`VmRSS`), in bytes.
    pub fn rss(&self) -> anyhow::Result<u64> {
        self.status_bytes("VmRSS")
    }

    /// A `kB` figure of `/proc/<pid>/status`, in bytes.
    fn status_bytes(&self, field: &str) -> anyhow::Result<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid()))?;
        let kb: u64 = status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .with_context(|| format!("no {field} in /proc/<pid>/status"))?
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()?;
        Ok(kb * 1024)
    }

    /// Stops the process (SIGKILL; nothing to flush in a read-only benchmark).
    pub fn stop(mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free TCP port on 127.0.0.1.
fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn wait_until_up(child: &mut Child, url: &str) -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            bail!("the server exited before it answered: {status}");
        }
        if let Ok(r) = client.get(url).send().await
            && r.status().is_success()
        {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the server did not answer {url} within 60 s");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The `quire` binary next to this one (both in `target/release`).
pub fn default_quire_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe()?;
    Ok(me.with_file_name("quire"))
}

/// Builds the release `quire` binary with the cargo that runs this benchmark (a no-op
/// when it is up to date), so `cargo run --release -p bench` always measures the
/// current code. Both packages' binaries are named so that the dependencies get the
/// same features as in `cargo run -p bench` and are not compiled a second time.
pub fn build_quire() -> anyhow::Result<()> {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    println!(
        "building the release `quire` binary (cargo build --release -p bench -p quire-api --bins)"
    );
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "-p",
            "bench",
            "-p",
            "quire-api",
            "--bins",
        ])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build of the quire binary failed");
    }
    Ok(())
}

/// Starts `quire serve` over `database_url`; `cache_mb` sets `QUIRE_RESPONSE_CACHE_MB`
/// (`None` leaves the server's default).
pub async fn start_quire(
    binary: &Path,
    database_url: &str,
    cache_mb: Option<u32>,
) -> anyhow::Result<Server> {
    let port = free_port()?;
    let mut cmd = Command::new(binary);
    cmd.args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .env("DATABASE_URL", database_url)
        .env(
            "QUIRE_JWT_SECRET",
            "bench-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
        )
        .env("RUST_LOG", "warn")
        // The benchmark is one client sending as fast as it can: no front-door limit.
        .env("QUIRE_RATE_LIMIT_PER_SEC", "0")
        .env_remove("QUIRE_RESPONSE_CACHE_MB")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    if let Some(mb) = cache_mb {
        cmd.env("QUIRE_RESPONSE_CACHE_MB", mb.to_string());
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", binary.display()))?;
    let base = format!("http://127.0.0.1:{port}");
    wait_until_up(&mut child, &format!("{base}/healthz")).await?;
    Ok(Server { child, base })
}

/// Starts this binary as `bench static`, serving the bytes of `body_file`.
pub async fn start_static(body_file: &Path) -> anyhow::Result<Server> {
    let port = free_port()?;
    let mut child = Command::new(std::env::current_exe()?)
        .args(["static", "--bind", &format!("127.0.0.1:{port}"), "--body"])
        .arg(body_file)
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting the static server")?;
    let base = format!("http://127.0.0.1:{port}");
    wait_until_up(&mut child, &format!("{base}/healthz")).await?;
    Ok(Server { child, base })
}

/// The static ceiling: poem on tokio's multi-thread runtime, as quire, answering
/// `/graphql` (GET or POST) with the same bytes every time.
pub async fn serve_static(bind: std::net::SocketAddr, body_file: &Path) -> anyhow::Result<()> {
    use poem::{
        EndpointExt, Response, Route, Server as PoemServer, get, handler, http::header,
        listener::TcpListener, web::Data,
    };

    #[derive(Clone, Copy)]
    struct Bytes(&'static [u8]);

    #[handler]
    fn answer(Data(b): Data<&Bytes>) -> Response {
        Response::builder()
            .header(header::CONTENT_TYPE, "application/json")
            .body(b.0)
    }

    #[handler]
    fn health() -> &'static str {
        "ok"
    }

    // Leaked once, so each response points at the same bytes without copying them.
    let bytes = Bytes(std::fs::read(body_file)?.leak());
    let app = Route::new()
        .at("/graphql", get(answer).post(answer))
        .at("/healthz", get(health))
        .data(bytes);
    PoemServer::new(TcpListener::bind(bind)).run(app).await?;
    Ok(())
}
