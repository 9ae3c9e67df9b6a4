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
