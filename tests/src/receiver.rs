//! A real webhook receiver for tests: `tests/tools/webhook_receiver.py`, run with the
//! tools' Python, verifies each request with the official `standardwebhooks` library and
//! records it. Named hooks (`/hook/<name>`) each have a secret and a mode (ok, fail,
//! gone, hang) the test sets.

use std::{
    io::{BufRead, BufReader},
    path::Path,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use serde_json::Value;

use crate::tools::python_tool;

/// A running receiver; killed when dropped.
pub struct Receiver {
    child: Child,
    pub port: u16,
    client: reqwest::Client,
}

impl Receiver {
    /// Starts the receiver on a free loopback port.
    pub fn start() -> Self {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/webhook_receiver.py");
        let mut child = Command::new(python_tool("python"))
            .arg(script)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the webhook receiver starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("the receiver printed {line:?}, not its port"));
        Self {
            child,
            port,
            client: reqwest::Client::new(),
        }
    }

    /// The URL of hook `name`.
    pub fn url(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/hook/{name}", self.port)
    }

    async fn put(&self, path: &str, body: &str) {
        let r = self
            .client
            .put(format!("http://127.0.0.1:{}{path}", self.port))
            .body(body.to_owned())
            .send()
            .await
            .unwrap();
        assert_eq!(r.status().as_u16(), 204);
    }

    /// The secret hook `name` verifies with.
    pub async fn secret(&self, name: &str, secret: &str) {
        self.put(&format!("/control/{name}/secret"), secret).await;
    }

    /// How hook `name` answers from now on: `ok`, `fail`, `gone` or `hang`.
    pub async fn mode(&self, name: &str, mode: &str) {
        self.put(&format!("/control/{name}/mode"), mode).await;
    }

    /// Every request received so far, in order.
    pub async fn log(&self) -> Vec<Value> {
        self.client
            .get(format!("http://127.0.0.1:{}/control/log", self.port))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }

    /// The requests to hook `name`.
    pub async fn got(&self, name: &str) -> Vec<Value> {
        self.log()
            .await
            .into_iter()
            .filter(|e| e["name"] == name)
            .collect()
    }

    /// Waits (at most `within`) until hook `name` has received `n` requests; returns them.
    pub async fn wait_for(&self, name: &str, n: usize, within: Duration) -> Vec<Value> {
        let deadline = Instant::now() + within;
        loop {
            let got = self.got(name).await;
            if got.len() >= n {
                return got;
            }
            assert!(
                Instant::now() < deadline,
                "hook {name} got {} requests, not {n}, within {within:?}: {got:#?}",
                got.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
