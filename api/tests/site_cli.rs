//! `quire site get` and `quire site set`: JSON out, a file and flags in, and errors that
//! name the field with a non-zero exit code.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
};

use serde_json::{Value, json};

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-site-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn site(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quire"))
        .env_remove("DATABASE_URL")
        .env_remove("QUIRE_DATA_DIR")
        .arg("site")
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn refused(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains(needle), "{err}");
}

#[test]
fn get_and_set_round_trip() {
    let dir = temp_dir();
    let fresh = json_of(&site(&dir, &["get"]));
    assert_eq!(fresh["title"], "quire");
    assert_eq!(fresh["language"], "en");
    assert_eq!(fresh["baseUrl"], Value::Null);
    assert_eq!(fresh["primaryMenu"], json!([]));

    let out = site(
        &dir,
        &[
            "set",
            "--title",
            "하늘의 개발 노트",
            "--language",
            "ko",
            "--timezone",
            "Asia/Seoul",
            "--base-url",
            "https://blog.example.com",
        ],
    );
    let after = json_of(&out);
    assert_eq!(after["title"], "하늘의 개발 노트");
    assert_eq!(after["baseUrl"], "https://blog.example.com/");

    // What `get` prints, `set --file` takes back; flags win over the file.
    let mut doc = after.clone();
    doc["primaryMenu"] = json!([{ "label": "홈", "url": "/" }]);
    doc["accentColor"] = json!("#AABBCC");
    let file = dir.join("site.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = site(
        &dir,
        &[
            "set",
            "--file",
            file.to_str().unwrap(),
            "--title",
            "덮어쓴 제목",
        ],
    );
    let after = json_of(&out);
    assert_eq!(after["title"], "덮어쓴 제목");
    assert_eq!(after["accentColor"], "#aabbcc");
    assert_eq!(after["primaryMenu"], json!([{ "label": "홈", "url": "/" }]));
    assert_eq!(json_of(&site(&dir, &["get"])), after);

    // From stdin.
    let mut child = Command::new(env!("CARGO_BIN_EXE_quire"))
        .env_remove("DATABASE_URL")
        .args(["site", "set", "--file", "-", "--data-dir"])
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(br#"{"description": "stdin"}"#)
        .unwrap();
    let after = json_of(&child.wait_with_output().unwrap());
    assert_eq!(after["description"], "stdin");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn bad_values_name_their_field_and_change_nothing() {
    let dir = temp_dir();
    let before = json_of(&site(&dir, &["get"]));
    refused(
        &site(&dir, &["set", "--title", "새", "--timezone", "Mars/Base"]),
        "timezone",
    );
    refused(
        &site(&dir, &["set", "--base-url", "example.com"]),
        "baseUrl",
    );
    refused(&site(&dir, &["set", "--language", "ko_KR"]), "language");
    let file = dir.join("bad.json");
    std::fs::write(&file, r#"{"titel": "오타"}"#).unwrap();
    refused(
        &site(&dir, &["set", "--file", file.to_str().unwrap()]),
        "titel",
    );
    std::fs::write(
        &file,
        r#"{"primaryMenu": [{"label": "없음", "target": {"kind": "TAG", "slug": "없는-태그"}}]}"#,
    )
    .unwrap();
    refused(
        &site(&dir, &["set", "--file", file.to_str().unwrap()]),
        "primaryMenu[0].target",
    );
    refused(&site(&dir, &["set"]), "nothing to change");
    assert_eq!(json_of(&site(&dir, &["get"])), before);
    std::fs::remove_dir_all(dir).unwrap();
}
