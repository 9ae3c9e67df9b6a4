//! Subscription clients for tests: `tests/tools/live/live.mjs` runs the real
//! `graphql-ws` npm client (over `ws`) with a plan of clients and subscriptions, and
//! prints what happens as JSON lines, which [`LiveClients`] collects. `npm ci` runs in
//! `tests/tools/live` when its `node_modules` is missing; without Node.js and npm the
//! test fails and says what to install.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, OnceLock},
    time::{Duration, Instant},
};

use serde_json::{Value, json};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/live")
}

/// Installs the client's packages once per test process.
fn install() {
    static DONE: OnceLock<()> = OnceLock::new();
    DONE.get_or_init(|| {
        for tool in ["node", "npm"] {
            let found = Command::new(tool).arg("--version").output();
            assert!(
                found.is_ok_and(|o| o.status.success()),
                "{tool} is missing: install Node.js 20 or later with npm (Debian: `apt-get install nodejs npm`), or run `bash .ci/run`"
            );
        }
        if !dir().join("node_modules/graphql-ws").exists() {
            let out = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund"])
                .current_dir(dir())
                .output()
                .expect("npm runs");
            assert!(
                out.status.success(),
                "npm ci in tests/tools/live failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    });
}

/// A subscription of a plan: its id, document and variables.
pub fn sub(id: &str, query: &str, variables: Value) -> Value {
    json!({ "id": id, "query": query, "variables": variables })
}

/// A client of a plan: `name`, connecting to `base` (`http://…`), with a
/// `connection_init` payload and its subscriptions.
pub fn client(name: &str, base: &str, init: Option<Value>, subs: Vec<Value>) -> Value {
    let url = format!("{}/graphql", base.replacen("http://", "ws://", 1));
    json!({ "name": name, "url": url, "init": init, "subs": subs })
}

/// The running Node.js client program; killed when dropped.
pub struct LiveClients {
    child: Child,
    lines: Arc<Mutex<Vec<Value>>>,
}

impl LiveClients {
    /// Starts `clients` (each made by [`client`]).
    pub fn start(clients: Vec<Value>) -> Self {
        install();
        let plan = json!({ "clients": clients }).to_string();
        let mut child = Command::new("node")
            .arg(dir().join("live.mjs"))
            .arg(plan)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("node starts");
        let stdout = child.stdout.take().unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let v: Value = serde_json::from_str(&line)
                    .unwrap_or_else(|_| panic!("the client printed {line:?}"));
                sink.lock().unwrap().push(v);
            }
        });
        Self { child, lines }
    }

    /// Everything printed so far.
    pub fn seen(&self) -> Vec<Value> {
        self.lines.lock().unwrap().clone()
    }

    /// The `next` payloads of subscription `sub` of client `client` so far.
    pub fn nexts(&self, client: &str, sub: &str) -> Vec<Value> {
        self.seen()
            .into_iter()
            .filter(|l| l["client"] == client && l["sub"] == sub && l["event"] == "next")
            .map(|l| l["payload"].clone())
            .collect()
    }

    /// Waits (at most `within`) until `count` lines match `pred`; returns them.
    pub async fn wait_for(
        &self,
        what: &str,
        count: usize,
        within: Duration,
        pred: impl Fn(&Value) -> bool,
    ) -> Vec<Value> {
        let deadline = Instant::now() + within;
        loop {
            let found: Vec<Value> = self.seen().into_iter().filter(|l| pred(l)).collect();
            if found.len() >= count {
                return found;
            }
            assert!(
                Instant::now() < deadline,
                "waited {within:?} for {count} × {what}; the clients printed {:#?}",
                self.seen()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Waits for `count` `next` payloads of `client`'s subscription `sub`.
    pub async fn wait_nexts(&self, client: &str, sub: &str, count: usize) -> Vec<Value> {
        self.wait_for(
            &format!("{client}/{sub} next"),
            count,
            Duration::from_secs(15),
            |l| l["client"] == client && l["sub"] == sub && l["event"] == "next",
        )
        .await
        .into_iter()
        .map(|l| l["payload"].clone())
        .collect()
    }
}

impl Drop for LiveClients {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Waits until `hub` has `count` subscribers (the server has started that many
/// subscriptions), at most 15 s.
pub async fn subscribed(hub: &quire::service::live::hub::Hub, count: usize) {
    let deadline = Instant::now() + Duration::from_secs(15);
    while hub.subscribers() < count {
        assert!(
            Instant::now() < deadline,
            "the server has {} subscriptions, not {count}",
            hub.subscribers()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
