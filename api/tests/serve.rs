//! `quire serve` as an operator runs it, as a process: what its request log holds, how
//! it treats a client that stops half-way through a request, and how it stops.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::TcpStream,
    process::{Child, Command, Stdio},
    sync::mpsc::Receiver,
    time::{Duration, Instant},
};

/// A running `quire serve` on a fresh SQLite database, logging JSON.
struct Served {
    child: Child,
    addr: String,
    lines: Receiver<String>,
    seen: Vec<String>,
    dir: std::path::PathBuf,
}

impl Served {
    fn start(flags: &[&str]) -> Self {
        let dir =
            std::env::temp_dir().join(format!("quire-serve-{}", uuid::Uuid::new_v4().simple()));
        let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
            .env_remove("DATABASE_URL")
            .env_remove("QUIRE_DATA_DIR")
            .env("RUST_LOG", "info")
            .args(["--log-format", "json", "--data-dir"])
            .arg(&dir)
            .args(["serve", "--bind", "127.0.0.1:0"])
            .args(flags)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, lines) = std::sync::mpsc::channel::<String>();
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut served = Self {
            child,
            addr: String::new(),
            lines,
            seen: Vec::new(),
            dir,
        };
        served.addr =
            served.wait_for(|v| v["fields"]["message"] == "quire listening")["fields"]["addr"]
                .as_str()
                .unwrap()
                .to_owned();
        served
    }

    /// The next log line `matches` accepts (every line is kept in `seen`).
    fn wait_for(&mut self, matches: impl Fn(&serde_json::Value) -> bool) -> serde_json::Value {
        loop {
            let line = self.lines.recv_timeout(Duration::from_secs(60)).unwrap();
            let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
            self.seen.push(line);
            if matches(&v) {
                return v;
            }
        }
    }

    /// A connection that has sent the start of a request head and then nothing.
    fn stalled_client(&self) -> TcpStream {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream.write_all(b"GET /healthz HTTP/1.1\r\nHo").unwrap();
        stream
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A GET request's query string (a password in a refused mutation, a preview token in
/// the variables) never reaches the log; its method, path and status do.
#[tokio::test]
async fn request_logs_name_the_path_but_never_the_query_string() {
    let mut served = Served::start(&[]);
    let addr = served.addr.clone();
    let client = reqwest::Client::new();
    let login = format!(
        "http://{addr}/graphql?query={}",
        "mutation{login(input:{email:\"a@b.c\",password:\"hunter2-비밀\"}){token}}"
    );
    let preview = format!(
        "http://{addr}/graphql?query={}&variables={}",
        "query($t:String!){__typename}", "{\"t\":\"preview-token-s3cret\"}"
    );
    let statuses = [
        client.get(&login).send().await.unwrap().status().as_u16(),
        client.get(&preview).send().await.unwrap().status().as_u16(),
    ];
    let logged = [
        served.wait_for(|v| v["fields"]["message"] == "response"),
        served.wait_for(|v| v["fields"]["message"] == "response"),
    ];
    let log = served.seen.join("\n");
    assert!(!log.contains("hunter2"), "{log}");
    assert!(!log.contains("s3cret"), "{log}");
    assert!(!log.contains("query="), "{log}");
    for (v, status) in logged.iter().zip(statuses) {
        assert_eq!(v["span"]["path"], "/graphql", "{v}");
        assert_eq!(v["span"]["method"], "GET", "{v}");
        assert_eq!(v["fields"]["status"], status, "{v}");
    }
}

/// A client that stops in the middle of its request head is disconnected once the idle
/// timeout passes, rather than holding its connection forever (slowloris).
#[test]
fn a_stalled_request_head_is_disconnected_after_the_idle_timeout() {
    let served = Served::start(&["--idle-timeout-secs", "1"]);
    let mut stream = served.stalled_client();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut buf = [0u8; 64];
    // EOF (0 bytes), not a read timeout: the server closed the connection.
    assert_eq!(stream.read(&mut buf).unwrap(), 0);
}

/// SIGTERM with a stalled client connected: the server waits for the shutdown deadline,
/// then closes what is left and exits 0.
#[test]
fn sigterm_exits_zero_after_the_deadline_whatever_clients_do() {
    let mut served = Served::start(&["--shutdown-timeout-secs", "1", "--idle-timeout-secs", "600"]);
    let _stalled = served.stalled_client();
    std::thread::sleep(Duration::from_millis(200));
    let term = Command::new("kill")
        .args(["-TERM", &served.child.id().to_string()])
        .status()
        .unwrap();
    assert!(term.success());
    let signalled = Instant::now();
    let status = loop {
        if let Some(status) = served.child.try_wait().unwrap() {
            break status;
        }
        assert!(
            signalled.elapsed() < Duration::from_secs(30),
            "still running 30 s after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(status.code(), Some(0));
}

/// A keep-alive connection left idle after its answer is closed after the idle timeout.
#[test]
fn an_idle_keep_alive_connection_is_closed() {
    let served = Served::start(&["--idle-timeout-secs", "1"]);
    let mut stream = TcpStream::connect(&served.addr).unwrap();
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: quire\r\n\r\n")
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    loop {
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&buf[..n]);
    }
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}
