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
        .json(&serde_json::json!({ "query": "{ posts(filter: { tags: [\"docker\"] }) { totalCount nodes { title html tags { name } category { name } } } }" }))
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
        serde_json::json!([{ "name": "Docker" }, { "name": "배포" }])
    );
    assert_eq!(posts["nodes"][1]["category"]["name"], "dev");
    drop(_server);
    std::fs::remove_dir_all(dir).unwrap();
}

fn run(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    quire()
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .output()
        .unwrap()
}

fn stdout(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn users_and_api_keys_from_the_shell() {
    let dir = temp_dir();
    // No admin yet: an API key cannot be created.
    let o = run(
        &dir,
        &["apikey", "create", "--name", "ci", "--role", "editor"],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("no admin exists"));

    let o = run(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "Admin@Example.com",
            "--name",
            "관리자",
            "--role",
            "admin",
        ],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(
        out.contains("created 관리자 <admin@example.com> as ADMIN"),
        "{out}"
    );
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once): "))
        .unwrap();
    assert!(password.len() >= 16);

    let mut child = quire()
        .args([
            "user",
            "create",
            "--email",
            "writer@example.com",
            "--name",
            "작가",
            "--role",
            "author",
            "--password-stdin",
        ])
        .arg("--data-dir")
        .arg(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"my own password\n")
        .unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success());
    assert!(!stdout(&o).contains("password (shown once)"));

    let o = run(
        &dir,
        &[
            "user",
            "create",
            "--email",
            "writer@example.com",
            "--name",
            "중복",
            "--role",
            "author",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));

    let o = run(
        &dir,
        &[
            "user",
            "set-role",
            "--email",
            "writer@example.com",
            "--role",
            "editor",
        ],
    );
    assert_eq!(stdout(&o).trim(), "writer@example.com is now EDITOR");
    // An admin's reset: a new generated password, and a new login email.
    let o = run(
        &dir,
        &["user", "set-password", "--email", "WRITER@example.com"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let out = stdout(&o);
    assert!(
        out.contains("writer@example.com has a new password; its sessions are logged out"),
        "{out}"
    );
    let reset = out
        .lines()
        .find_map(|l| l.strip_prefix("password (shown once): "))
        .unwrap();
    assert!(reset.len() >= 16 && reset != password);
    let o = run(
        &dir,
        &["user", "set-password", "--email", "nobody@example.com"],
    );
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("nobody@example.com: user not found"),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(
        &dir,
        &[
            "user",
            "set-email",
            "--email",
            "writer@example.com",
            "--to",
            "admin@example.com",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("already exists"));
    let o = run(
        &dir,
        &[
            "user",
            "set-email",
            "--email",
            "writer@example.com",
            "--to",
            "Pen@Example.com",
        ],
    );
    assert_eq!(
        stdout(&o).trim(),
        "writer@example.com now logs in as pen@example.com"
    );
    let o = run(
        &dir,
        &[
            "user",
            "set-email",
            "--email",
            "pen@example.com",
            "--to",
            "writer@example.com",
        ],
    );
    assert!(o.status.success());

    let o = run(&dir, &["user", "disable", "--email", "writer@example.com"]);
    assert!(o.status.success());
    let o = run(&dir, &["user", "list"]);
    let list = stdout(&o);
    assert!(list.contains("admin@example.com\tADMIN\tactive"), "{list}");
    assert!(
        list.contains("writer@example.com\tEDITOR\tdisabled"),
        "{list}"
    );
    // The last admin stays an admin.
    let o = run(
        &dir,
        &[
            "user",
            "set-role",
            "--email",
            "admin@example.com",
            "--role",
            "author",
        ],
    );
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("last active admin"));

    let o = run(
        &dir,
        &["apikey", "create", "--name", "배포", "--role", "editor"],
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let line = stdout(&o).trim().to_owned();
    let (kid, secret) = line.split_once(':').unwrap();
    assert!(
        kid.len() == 20 && kid.bytes().all(|b| b.is_ascii_hexdigit()),
        "key IDs are hex, so they never start with '-': {kid}"
    );
    assert!(secret.len() >= 40);
    let o = run(&dir, &["apikey", "list"]);
    assert!(stdout(&o).contains(&format!("{kid}\tEDITOR\tactive\t배포")));
    assert!(!stdout(&o).contains(secret), "secrets are never listed");
    let o = run(&dir, &["apikey", "revoke", "--key-id", kid]);
    assert!(o.status.success());
    assert!(stdout(&run(&dir, &["apikey", "list"])).contains(&format!("{kid}\tEDITOR\trevoked")));
    // A key ID starting with '-' (older keys were base64url) is taken as the value.
    let o = run(&dir, &["apikey", "revoke", "--key-id", "-x3Fq"]);
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("API key -x3Fq"), "{err}");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_short_jwt_secret_is_refused_at_start() {
    let dir = temp_dir();
    let o = quire()
        .args(["serve", "--bind", "127.0.0.1:0"])
        .arg("--data-dir")
        .arg(&dir)
        .env("QUIRE_JWT_SECRET", "too-short")
        .output()
        .unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("QUIRE_JWT_SECRET") && err.contains("at least 32 bytes"),
        "{err}"
    );
    assert!(
        !err.contains("too-short"),
        "the secret must never be printed"
    );
    std::fs::remove_dir_all(dir).unwrap();
}
