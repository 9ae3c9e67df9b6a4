//! Schemathesis in GraphQL mode against `quire serve --demo` (the built binary, a fresh
//! SQLite database): a bounded run of a few hundred generated operations, anonymous and
//! as an admin, with quire's own checks (`tests/fuzz/quire_checks.py`): no 5xx status,
//! every error with `extensions.code`, none `INTERNAL`.
//!
//! The tool lives in a virtualenv that `.ci/run` makes (`target/pyenv`, from
//! `.ci/requirements.txt`, or the executable `QUIRE_SCHEMATHESIS` names); without it this test fails and says how to
//! install it. `QUIRE_FUZZ_EXAMPLES` (cases per operation) and `QUIRE_FUZZ_SEED` make
//! longer or different runs (docs/operations.md, "Fuzzing").

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::{BufRead, BufReader, Write},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::{Arc, Mutex, mpsc},
    time::Duration,
};

const PASSWORD: &str = "fuzz password 퍼즈 123";

fn schemathesis() -> PathBuf {
    let path = std::env::var_os("QUIRE_SCHEMATHESIS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/pyenv/bin/schemathesis"),
        PathBuf::from,
    );
    assert!(
        path.exists(),
        "schemathesis is not installed at {}: `bash .ci/run` installs it, or run \
         `python3 -m venv target/pyenv && target/pyenv/bin/pip install \
         -r .ci/requirements.txt` (Debian: `apt-get install python3-venv` first), or point \
         QUIRE_SCHEMATHESIS at an installed `schemathesis`",
        path.display()
    );
    path
}

fn quire(dir: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_quire"));
    command
        .env_remove("DATABASE_URL")
        .env_remove("QUIRE_DATA_DIR")
        .arg("--data-dir")
        .arg(dir);
    command
}

/// `quire serve --demo` on port 0 with an admin account; killed and cleaned up on drop.
struct Server {
    child: Child,
    addr: String,
    dir: PathBuf,
    /// The server's log lines at WARN and ERROR, shown when a run fails.
    alarms: Arc<Mutex<Vec<String>>>,
}

impl Server {
    fn start() -> Self {
        let dir =
            std::env::temp_dir().join(format!("quire-fuzz-{}", uuid::Uuid::new_v4().simple()));
        let mut create = quire(&dir)
            .args([
                "user",
                "create",
                "--email",
                "fuzz@example.com",
                "--name",
                "Fuzz",
            ])
            .args(["--role", "admin", "--password-stdin"])
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        create
            .stdin
            .take()
            .unwrap()
            .write_all(PASSWORD.as_bytes())
            .unwrap();
        assert!(create.wait().unwrap().success());
        let mut child = quire(&dir)
            .env("RUST_LOG", "info")
            .args([
                "--log-format",
                "json",
                "serve",
                "--demo",
                "--bind",
                "127.0.0.1:0",
            ])
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Reads the log to its end (a full pipe would stall the server) and hands over
        // the address it listens on.
        let (tx, rx) = mpsc::channel::<String>();
        let stderr = child.stderr.take().unwrap();
        let alarms = Arc::new(Mutex::new(Vec::new()));
        let kept = alarms.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
                if v["level"] == "WARN" || v["level"] == "ERROR" || v.is_null() {
                    kept.lock().unwrap().push(line.clone());
                }
                if v["fields"]["message"] == "quire listening" {
                    let _ = tx.send(v["fields"]["addr"].as_str().unwrap_or_default().to_owned());
                }
            }
        });
        let addr = rx.recv_timeout(Duration::from_secs(120)).unwrap();
        Self {
            child,
            addr,
            dir,
            alarms,
        }
    }

    async fn admin_token(&self) -> String {
        let login = serde_json::json!({
            "query": "mutation($p:String!){login(input:{email:\"fuzz@example.com\",password:$p}){accessToken}}",
            "variables": {"p": PASSWORD},
        });
        let body: serde_json::Value = reqwest::Client::new()
            .post(format!("http://{}/graphql", self.addr))
            .json(&login)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        body["data"]["login"]["accessToken"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Runs schemathesis against `server` and returns how many cases it generated; panics
/// with its report when any check failed.
fn run(tool: &Path, server: &Server, examples: &str, headers: &[String]) -> u64 {
    let work = server.dir.join(format!("schemathesis-{}", headers.len()));
    std::fs::create_dir_all(&work).unwrap();
    let hooks = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz/quire_checks.py");
    let seed = std::env::var("QUIRE_FUZZ_SEED").unwrap_or_else(|_| "17".into());
    let mut command = Command::new(tool);
    command
        .current_dir(&work)
        .env("SCHEMATHESIS_HOOKS", &hooks)
        .env("NO_COLOR", "1")
        .arg("run")
        .arg(format!("http://{}/graphql", server.addr))
        .args([
            "--checks",
            "no_server_error_status,every_error_has_a_code,no_internal_error",
        ])
        .args([
            "--max-examples",
            examples,
            "--seed",
            &seed,
            "--workers",
            "1",
        ])
        .args(["--request-timeout", "30", "--no-color"]);
    for h in headers {
        command.args(["--header", h]);
    }
    let out = command.output().unwrap();
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "schemathesis found failures:\n{report}\nthe server's warnings and errors:\n{}",
        server.alarms.lock().unwrap().join("\n")
    );
    let generated = report
        .lines()
        .find_map(|l| l.trim().strip_suffix(" passed")?.split_once(" generated, "))
        .and_then(|(n, _)| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("no case count in the report:\n{report}"));
    println!(
        "schemathesis ({} headers): {generated} cases passed",
        headers.len()
    );
    generated
}

/// Found by schemathesis: an `Int` literal past 32 bits failed to parse when the field
/// ran, and the error had no `extensions.code`.
#[tokio::test]
async fn an_out_of_range_int_argument_is_bad_user_input() {
    let server = Server::start();
    let query = serde_json::json!({ "query": "{ posts(page: -32347361590139) { totalCount } }" });
    let body: serde_json::Value = reqwest::Client::new()
        .post(format!("http://{}/graphql", server.addr))
        .json(&query)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["errors"].as_array().map(Vec::len), Some(1), "{body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "BAD_USER_INPUT",
        "{body}"
    );
}

/// A few hundred generated operations, anonymous and as an admin: no 5xx, every error
/// with a code, no INTERNAL.
#[tokio::test(flavor = "multi_thread")]
async fn schemathesis_finds_no_server_error_and_no_error_without_a_code() {
    let tool = schemathesis();
    let server = Server::start();
    let token = server.admin_token().await;
    let examples = std::env::var("QUIRE_FUZZ_EXAMPLES").unwrap_or_else(|_| "3".into());
    let anonymous = run(&tool, &server, &examples, &[]);
    let admin = run(
        &tool,
        &server,
        &examples,
        &[format!("Authorization: Bearer {token}")],
    );
    // Every query and mutation of the schema, several cases each.
    assert!(anonymous + admin >= 300, "{anonymous} + {admin} cases");
}
