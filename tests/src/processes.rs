//! Programs a test runs as processes of their own: the `quire` binary (a test passes
//! its path, `env!("CARGO_BIN_EXE_quire-server")`), and HAProxy started from the
//! deployment's own configuration, `deploy/haproxy.cfg`, with loopback addresses in its
//! environment variables, so the recipe is what the test runs.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    time::{Duration, Instant},
};

/// How long a process has to get ready.
const READY_WITHIN: Duration = Duration::from_secs(60);

/// A port nothing listens on now.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A `quire serve` process on a loopback port; restartable with the same settings;
/// killed when dropped.
pub struct Server {
    bin: PathBuf,
    env: Vec<(String, String)>,
    child: Option<Child>,
    pub port: u16,
}

impl Server {
    /// Starts `bin serve` on a free port with `env` (the deployment's variables).
    pub fn start(bin: &Path, env: &[(&str, &str)]) -> Self {
        let mut server = Self {
            bin: bin.to_owned(),
            env: env
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
            child: None,
            port: free_port(),
        };
        server.spawn();
        server
    }

    fn spawn(&mut self) {
        let child = Command::new(&self.bin)
            .arg("serve")
            .env("QUIRE_BIND", format!("127.0.0.1:{}", self.port))
            .env("RUST_LOG", "warn")
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        self.child = Some(child);
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Waits until `/readyz` answers 200.
    pub async fn ready(&self) {
        let client = reqwest::Client::new();
        let deadline = Instant::now() + READY_WITHIN;
        while Instant::now() < deadline {
            if let Ok(r) = client.get(format!("{}/readyz", self.base())).send().await
                && r.status() == 200
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("quire did not get ready at {}", self.base());
    }

    /// Sends SIGTERM (a graceful stop, as an orchestrator does) and waits for the exit.
    pub fn stop(&mut self) -> ExitStatus {
        let mut child = self.child.take().expect("the server is running");
        let killed = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        child.wait().unwrap()
    }

    /// Starts the server again on its port.
    pub fn restart(&mut self) {
        assert!(self.child.is_none(), "stop the server first");
        self.spawn();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The deployment's load balancer configuration.
pub fn haproxy_config() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/haproxy.cfg")
}

/// HAProxy running `deploy/haproxy.cfg` in front of two servers; killed when dropped.
pub struct Haproxy {
    child: Child,
    pub port: u16,
    pub stats_port: u16,
}

impl Haproxy {
    /// Starts HAProxy with the servers `quire1` and `quire2` at `servers` (host:port),
    /// checking their `/readyz` every `check_inter` (an HAProxy time: `200ms`).
    pub async fn start(servers: [&str; 2], check_inter: &str) -> Self {
        let (port, stats_port) = (free_port(), free_port());
        let child = Command::new("haproxy")
            .args(["-db", "-f"])
            .arg(haproxy_config())
            .env("QUIRE_LB_BIND", format!("127.0.0.1:{port}"))
            .env("QUIRE_LB_STATS", format!("127.0.0.1:{stats_port}"))
            .env("QUIRE1_ADDR", servers[0])
            .env("QUIRE2_ADDR", servers[1])
            .env("QUIRE_LB_CHECK_INTER", check_inter)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "haproxy could not be started ({e}): `bash .ci/run` installs it, or \
                     `apt-get install haproxy`"
                )
            });
        let mut lb = Self {
            child,
            port,
            stats_port,
        };
        for server in ["quire1", "quire2"] {
            lb.wait_status(server, "UP", READY_WITHIN).await;
        }
        lb
    }

    /// `http://127.0.0.1:PORT{path}` through the balancer.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// The health of server `name` as HAProxy's stats say (`UP`, `DOWN`, `UP 1/2`…);
    /// `None` while HAProxy does not answer yet.
    pub async fn status(&self, name: &str) -> Option<String> {
        haproxy_status(self.stats_port, name).await
    }

    /// Waits (at most `within`) until server `name`'s status is `want`.
    pub async fn wait_status(&mut self, name: &str, want: &str, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let status = self.status(name).await;
            if status.as_deref() == Some(want) {
                return;
            }
            if let Some(exit) = self.child.try_wait().unwrap() {
                panic!("haproxy exited ({exit}); `haproxy -c -f deploy/haproxy.cfg` says why");
            }
            assert!(
                Instant::now() < deadline,
                "HAProxy's {name} is {status:?}, not {want}, after {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Haproxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The health of server `name` in HAProxy's backend `quire`, from the stats page on
/// `stats_port` (`UP`, `DOWN`, `UP 1/2`…); `None` while HAProxy does not answer yet.
pub async fn haproxy_status(stats_port: u16, name: &str) -> Option<String> {
    haproxy_stat(stats_port, name, "status").await
}

/// Column `want` of server `name`'s line in HAProxy's stats (`status`, `check_status`:
/// `L7OK` once a check has passed, `INI` before any…); `None` while HAProxy does not
/// answer yet.
pub async fn haproxy_stat(stats_port: u16, name: &str, want: &str) -> Option<String> {
    let url = format!("http://127.0.0.1:{stats_port}/stats;csv");
    let csv = reqwest::get(url).await.ok()?.text().await.ok()?;
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next()?.trim_start_matches("# ").split(',').collect();
    let column = |n: &str| header.iter().position(|h| *h == n).unwrap();
    let (px, sv, wanted) = (column("pxname"), column("svname"), column(want));
    lines
        .map(|l| l.split(',').collect::<Vec<_>>())
        .find(|f| f[px] == "quire" && f[sv] == name)
        .map(|f| f[wanted].to_owned())
        .or_else(|| panic!("no server {name} in HAProxy's stats:\n{csv}"))
}
