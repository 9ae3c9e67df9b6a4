//! What `quire` writes to standard error: nothing from the migrations by default (a CLI
//! run is quiet), no colour codes when standard error is not a terminal, and one JSON
//! object a line with `--log-format json`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Output};

fn quire(data: &std::path::Path, log: Option<&str>, args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_quire"));
    cmd.env_remove("DATABASE_URL")
        .env_remove("QUIRE_DATA_DIR")
        .env_remove("QUIRE_LOG_FORMAT")
        .env_remove("RUST_LOG")
        .arg("--data-dir")
        .arg(data);
    if let Some(filter) = log {
        cmd.env("RUST_LOG", filter);
    }
    cmd.args(args).output().unwrap()
}

fn temp_dir() -> std::path::PathBuf {
    std::env::temp_dir().join(format!("quire-logging-{}", uuid::Uuid::new_v4().simple()))
}

#[test]
fn migrating_a_new_database_is_quiet_by_default() {
    let dir = temp_dir();
    let out = quire(&dir, None, &["migrate"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(!stderr.contains("Applying migration"), "{stderr}");
    assert!(
        !stderr.contains('\u{1b}'),
        "colour codes in a pipe: {stderr:?}"
    );
}

#[test]
fn json_logs_are_one_object_a_line_and_debug_shows_the_migrations() {
    let dir = temp_dir();
    let out = quire(&dir, Some("debug"), &["--log-format", "json", "migrate"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.status.success(), "{out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    // The command's own report is text for a person; every log line is JSON.
    let (json, text): (Vec<&str>, Vec<&str>) = stderr.lines().partition(|l| l.starts_with('{'));
    assert_eq!(text, ["migrations applied"]);
    let lines: Vec<serde_json::Value> = json
        .into_iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let applied = lines
        .iter()
        .filter(|l| {
            l["fields"]["message"]
                .as_str()
                .is_some_and(|m| m.starts_with("Applying migration"))
        })
        .count();
    assert!(applied >= 15, "{applied} migrations logged: {stderr}");
    assert!(
        lines
            .iter()
            .all(|l| l["level"].is_string() && l["timestamp"].is_string())
    );
}

/// A GET request's query string (a password in a refused mutation, a preview token in
/// the variables) never reaches the log; its method, path and status do.
#[tokio::test]
async fn request_logs_name_the_path_but_never_the_query_string() {
    use std::io::{BufRead, BufReader};

    let dir = temp_dir();
    let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
        .env_remove("DATABASE_URL")
        .env_remove("QUIRE_DATA_DIR")
        .env("RUST_LOG", "info")
        .args(["--log-format", "json", "--data-dir"])
        .arg(&dir)
        .args(["serve", "--bind", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel::<String>();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let mut seen = Vec::new();
    let addr = loop {
        let line = rx.recv_timeout(std::time::Duration::from_secs(60)).unwrap();
        let v: serde_json::Value = serde_json::from_str(&line).unwrap_or_default();
        seen.push(line);
        if v["fields"]["message"] == "quire listening" {
            break v["fields"]["addr"].as_str().unwrap().to_owned();
        }
    };
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
    // Wait for both requests' lines, then stop the server.
    let mut responses = 0;
    while responses < 2 {
        let line = rx.recv_timeout(std::time::Duration::from_secs(30)).unwrap();
        if line.contains("\"response\"") {
            responses += 1;
        }
        seen.push(line);
    }
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let log = seen.join("\n");
    assert!(!log.contains("hunter2"), "{log}");
    assert!(!log.contains("s3cret"), "{log}");
    assert!(!log.contains("query="), "{log}");
    let logged: Vec<serde_json::Value> = seen
        .iter()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["fields"]["message"] == "response")
        .collect();
    assert_eq!(logged.len(), 2, "{log}");
    for (v, status) in logged.iter().zip(statuses) {
        assert_eq!(v["span"]["path"], "/graphql", "{v}");
        assert_eq!(v["span"]["method"], "GET", "{v}");
        assert_eq!(v["fields"]["status"], status, "{v}");
    }
}
