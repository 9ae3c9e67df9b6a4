//! The deployment recipe in containers: `deploy/compose.yaml`, unchanged, brought up by
//! podman-compose with the local images of `deploy/offline/build-images.sh` (stand-ins for
//! the registry images, built once from a debootstrap root file system; quire's image from
//! the test's own binary). podman runs with `deploy/offline/containers.conf` and vfs storage,
//! as `deploy/README.md` explains.

use std::{
    fs::File,
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use crate::processes::{free_port, haproxy_stat, haproxy_status};

/// podman-compose's project: containers are `quirestack_SERVICE_1`.
const PROJECT: &str = "quirestack";
/// The images compose.yaml runs, by its `*_IMAGE` variables.
const IMAGES: [(&str, &str); 4] = [
    ("POSTGRES_IMAGE", "localhost/quire-postgres:latest"),
    ("MINIO_IMAGE", "localhost/quire-s3:latest"),
    ("MC_IMAGE", "localhost/quire-s3:latest"),
    ("HAPROXY_IMAGE", "localhost/quire-haproxy:latest"),
];
/// compose.yaml's services.
const SERVICES: [&str; 6] = ["postgres", "minio", "bucket", "quire1", "quire2", "lb"];
const SECRET: &str = "a-compose-stack-secret-of-at-least-32-bytes";
const INSTALL: &str = "`bash .ci/run` installs them, or `apt-get install podman runc \
                       podman-compose debootstrap binutils`";

/// The repository's top folder.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_owned()
}

/// Panics, saying what to install, unless podman, podman-compose, runc, debootstrap and
/// strip can be run, and the test runs as root (podman's rootful storage, debootstrap).
pub fn require_tools() {
    for tool in ["podman", "podman-compose", "runc", "debootstrap", "strip"] {
        let found = Command::new(tool)
            .arg("--version")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        assert!(
            found.is_ok(),
            "{tool} is missing; the compose stack test needs podman, podman-compose, runc, \
             debootstrap and strip: {INSTALL}"
        );
    }
    let uid = Command::new("id").arg("-u").output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&uid.stdout).trim(),
        "0",
        "the compose stack test runs podman and debootstrap as root (as CI does)"
    );
}

/// `podman ARGS` with the recipe's settings.
pub fn podman(args: &[&str]) -> Output {
    Command::new("podman")
        .arg("--storage-driver=vfs")
        .args(args)
        .env(
            "CONTAINERS_CONF",
            repo().join("deploy/offline/containers.conf"),
        )
        .output()
        .unwrap()
}

/// Output's stdout, trimmed; panics with both streams when the command failed.
pub fn stdout(what: &str, out: &Output) -> String {
    assert!(
        out.status.success(),
        "{what}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_owned()
}

/// Runs `deploy/offline/build-images.sh all` with `prebuilt` as quire's binary, tagged
/// `image`: the stand-in base images are built when missing (or waited for, when `.ci/run`
/// is building them), quire's image every time. Returns how long it took.
pub fn build_images(prebuilt: &Path, image: &str) -> Duration {
    let start = Instant::now();
    let out = Command::new("timeout")
        .args(["3600", "bash"])
        .arg(repo().join("deploy/offline/build-images.sh"))
        .arg("all")
        .env("QUIRE_PREBUILT", prebuilt)
        .env("QUIRE_IMAGE", image)
        .output()
        .unwrap();
    eprintln!("{}", stdout("deploy/offline/build-images.sh", &out));
    start.elapsed()
}

/// compose.yaml up under podman-compose; taken down (`down -v`, volumes too) when dropped,
/// after printing the containers' last log lines if the test failed.
pub struct Stack {
    env: Vec<(String, String)>,
    pub http_port: u16,
    pub stats_port: u16,
    _lock: File,
}

impl Stack {
    /// Brings the stack up with `quire_image` for both servers, HAProxy published on free
    /// loopback ports. One stack test at a time on a machine: a lock file is held.
    pub fn up(quire_image: &str) -> Self {
        let lock = File::create(std::env::temp_dir().join("quire-compose-stack.lock")).unwrap();
        lock.lock().unwrap();
        let (http_port, stats_port) = (free_port(), free_port());
        let mut env: Vec<(String, String)> = IMAGES
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        env.extend([
            ("QUIRE_IMAGE".to_owned(), quire_image.to_owned()),
            ("QUIRE_JWT_SECRET".to_owned(), SECRET.to_owned()),
            (
                "QUIRE_HTTP_PUBLISH".to_owned(),
                format!("127.0.0.1:{http_port}"),
            ),
            (
                "QUIRE_STATS_PUBLISH".to_owned(),
                format!("127.0.0.1:{stats_port}"),
            ),
        ]);
        let stack = Self {
            env,
            http_port,
            stats_port,
            _lock: lock,
        };
        // Whatever a killed run left behind.
        stack.down();
        let up = stack.compose(&["up", "-d"]);
        stdout("podman-compose up -d", &up);
        stack
    }

    fn compose(&self, args: &[&str]) -> Output {
        Command::new("timeout")
            .args([
                "600",
                "podman-compose",
                "--podman-args=--storage-driver=vfs",
                "-p",
            ])
            .arg(PROJECT)
            .arg("-f")
            .arg(repo().join("deploy/compose.yaml"))
            .args(args)
            .env(
                "CONTAINERS_CONF",
                repo().join("deploy/offline/containers.conf"),
            )
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .output()
            .unwrap()
    }

    /// The container of compose service `service`.
    pub fn container(service: &str) -> String {
        format!("{PROJECT}_{service}_1")
    }

    /// `podman exec` in `service`'s container, with `stdin` as its standard input.
    pub fn exec(service: &str, args: &[&str], stdin: &str) -> Output {
        let mut child = Command::new("podman")
            .args([
                "--storage-driver=vfs",
                "exec",
                "-i",
                &Self::container(service),
            ])
            .args(args)
            .env(
                "CONTAINERS_CONF",
                repo().join("deploy/offline/containers.conf"),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    }

    /// `http://127.0.0.1:PORT{path}` through HAProxy.
    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.http_port)
    }

    /// HAProxy's health of server `name` (`UP`, `DOWN`…); `None` while it does not answer.
    pub async fn status(&self, name: &str) -> Option<String> {
        haproxy_status(self.stats_port, name).await
    }

    /// Waits (at most `within`) until HAProxy has seen server `name` pass a check and
    /// holds it UP. (HAProxy counts a server UP from its start, before any check: a
    /// server still migrating or waiting for PostgreSQL would pass for ready.)
    pub async fn wait_ready(&self, name: &str, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let status = self.status(name).await;
            let check = haproxy_stat(self.stats_port, name, "check_status").await;
            if status.as_deref() == Some("UP") && check.as_deref() == Some("L7OK") {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "HAProxy's {name} is {status:?}, last check {check:?}, after {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Waits (at most `within`) until HAProxy says server `name` is `want`.
    pub async fn wait_status(&self, name: &str, want: &str, within: Duration) {
        let deadline = Instant::now() + within;
        loop {
            let status = self.status(name).await;
            if status.as_deref() == Some(want) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "HAProxy's {name} is {status:?}, not {want}, after {within:?}"
            );
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// Removes the containers with their anonymous volumes (the image's `/data`, which
    /// `podman-compose down` would leave), the named volumes and the network.
    fn down(&self) {
        let report = |what: &str, out: Output| {
            if !out.status.success() {
                eprintln!(
                    "{what} failed ({}): {}",
                    out.status,
                    String::from_utf8_lossy(&out.stderr)
                );
            }
        };
        let mut rm = vec!["rm", "--force", "--volumes", "--ignore"];
        let names = SERVICES.map(Self::container);
        rm.extend(names.iter().map(String::as_str));
        report("podman rm", podman(&rm));
        report("podman-compose down -v", self.compose(&["down", "-v"]));
        // podman-compose 1.0.3 leaves the project's network.
        let network = format!("{PROJECT}_default");
        if podman(&["network", "exists", &network]).status.success() {
            report("podman network rm", podman(&["network", "rm", &network]));
        }
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        if std::thread::panicking() {
            for service in SERVICES {
                let logs = podman(&["logs", "--tail", "20", &Self::container(service)]);
                eprintln!(
                    "--- {service}:\n{}{}",
                    String::from_utf8_lossy(&logs.stdout),
                    String::from_utf8_lossy(&logs.stderr)
                );
            }
        }
        self.down();
    }
}
