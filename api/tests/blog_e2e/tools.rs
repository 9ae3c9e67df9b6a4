//! The example blog's tools, as the browser test runs them: Node.js, npm and Chromium
//! (the test fails, rather than skips, when one is missing), commands in
//! `examples/blog/`, the published build, and the blog's own server (`server.mjs`) with
//! its output kept.

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

pub fn blog_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/blog")
}

pub fn chromium() -> PathBuf {
    let path = std::env::var_os("QUIRE_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.exists(),
        "{} is missing: the blog's browser test needs Chromium (Debian: `apt-get install \
         chromium`; `bash .ci/run` installs it), or set QUIRE_CHROMIUM",
        path.display()
    );
    path
}

/// Fails, rather than skips, when a program the example needs is missing.
pub fn require(program: &str, install: &str) {
    let found = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{program}` is required by the blog example: {install}"
    );
}

pub fn shown(out: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

pub fn in_blog(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(blog_dir());
    command
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The site's server (`node server.mjs`), its output kept for the assertions.
pub struct Blog {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Blog {
    pub fn start(port: u16, quire: &str, secret: &str) -> Self {
        let mut child = in_blog("node", &["server.mjs"])
            .env("PORT", port.to_string())
            .env("HOST", "127.0.0.1")
            .env("QUIRE_URL", quire)
            .env("PUBLIC_QUIRE_URL", quire)
            .env("QUIRE_WEBHOOK_SECRET", secret)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node server.mjs");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if line.starts_with("blog at ") {
                        let _ = tx.send(());
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        rx.recv_timeout(Duration::from_secs(30))
            .expect("server.mjs did not start listening");
        Self { child, log }
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Blog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Checks the tools and installs the packages once (`npm ci` when `node_modules` is
/// missing), for both databases' runs.
pub fn prepare() {
    require(
        "node",
        "install Node.js 20 or later (Debian: `apt-get install nodejs npm`)",
    );
    require("npm", "install npm (Debian: `apt-get install npm`)");
    chromium();
    if !blog_dir().join("node_modules").exists() {
        let out = in_blog("npm", &["ci", "--no-audit", "--no-fund"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "npm ci in examples/blog:\n{}",
            shown(&out)
        );
    }
}

/// The published build `dist` points at, if any.
pub fn published() -> Option<PathBuf> {
    std::fs::read_link(blog_dir().join("dist")).ok()
}
