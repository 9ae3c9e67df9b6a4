//! The `quire` binary: subcommands, global flags before or after them, and the first
//! command of the README (serve the demo) answering a real query.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::{
    net::TcpListener,
    path::PathBuf,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

fn quire() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quire"));
    c.env_remove("DATABASE_URL")
        .env_remove("QUIRE_DATA_DIR")
        .env_remove("QUIRE_BIND");
    c
}

fn temp_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("quire-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn schema_prints_the_committed_sdl() {
    let out = quire().arg("schema").output().unwrap();
    assert!(out.status.success());
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../schema.graphql")).unwrap();
    assert_eq!(String::from_utf8(out.stdout).unwrap(), committed);
}

#[test]
fn migrate_accepts_the_data_dir_before_or_after_the_subcommand() {
    let before = temp_dir();
    let out = quire()
        .arg("--data-dir")
        .arg(&before)
        .arg("migrate")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(before.join("quire.db").exists());

    let after = temp_dir();
    let out = quire()
        .arg("migrate")
        .arg("--data-dir")
        .arg(&after)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(after.join("quire.db").exists());

    let env = temp_dir();
    let out = quire()
        .arg("migrate")
        .env("QUIRE_DATA_DIR", &env)
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(env.join("quire.db").exists());

    for d in [before, after, env] {
        std::fs::remove_dir_all(d).unwrap();
    }
}

#[test]
fn an_unreachable_database_is_a_clear_failure() {
    let out = quire()
        .args([
            "migrate",
            "--database-url",
            "postgres://nobody@127.0.0.1:1/none",
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Error"), "{err}");
}

#[tokio::test]
async fn serve_demo_answers_a_query() {
    let dir = temp_dir();
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let _server = Killed(
        quire()
            .args(["serve", "--demo", "--bind", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(r) = client.get(format!("{base}/healthz")).send().await
            && r.status() == 200
        {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "quire serve did not become healthy"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let body: serde_json::Value = client
        .post(format!("{base}/graphql"))
        .json(&serde_json::json!({ "query": "{ posts(filter: { tags: [\"docker\"] }) { totalCount nodes { title html tags { name } } } }" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let posts = &body["data"]["posts"];
    assert_eq!(posts["totalCount"], 2, "{body}");
    assert_eq!(posts["nodes"][0]["title"], "도커 컴포즈와 CI 붙이기");
    assert!(
        posts["nodes"][0]["html"]
            .as_str()
            .unwrap()
            .contains("<table>")
    );
    assert_eq!(
        posts["nodes"][1]["tags"],
        serde_json::json!([{ "name": "Docker" }, { "name": "배포" }, { "name": "dev" }])
    );
    drop(_server);
    std::fs::remove_dir_all(dir).unwrap();
}
