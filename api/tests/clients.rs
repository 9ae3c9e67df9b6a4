//! The typed client examples of `examples/clients/` against `quire serve --demo` (the
//! built binary, on SQLite and, with `QUIRE_TEST_POSTGRES_URL`, on PostgreSQL):
//!
//! - GraphQL Code Generator (client preset) over the committed `schema.graphql` and the
//!   blog's documents, and `tsc --noEmit` over the generated types and the scripts;
//! - Apollo Client paging through every post with `fetchMore` and `relayStylePagination`,
//!   and sending automatic persisted queries as GETs; urql reading a post by its Hangul
//!   slug; graphql-request reading tag pages and search (each script asserts what it
//!   reads, and exits non-zero otherwise);
//! - the Python admin script (`gql`) logging in with API keys made by `quire apikey
//!   create`: refused with FORBIDDEN for an AUTHOR key (nothing written), then adding a tag
//!   to every post with an EDITOR key, then changing nothing when run again.
//!
//! Node 20 with npm, and the Python tools of `target/pyenv` (`.ci/requirements.txt`), are
//! required: without them this test fails and says what to install. `npm ci` runs when
//! `examples/clients/node_modules` is missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::{
    path::{Path, PathBuf},
    process::{Command, Output},
};

use serde_json::{Value, json};
use support::{Server, Target};

fn clients_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/clients")
}

/// Fails, rather than skips, when a program the examples need is missing.
fn require(program: &str, install: &str) {
    let found = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{program}` is required by the client examples: {install}"
    );
}

fn python() -> PathBuf {
    let pyenv = std::env::var_os("QUIRE_PYENV").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/pyenv"),
        PathBuf::from,
    );
    let python = pyenv.join("bin/python");
    assert!(
        python.exists(),
        "{} is missing: `bash .ci/run` installs the test tools, or run `python3 -m venv \
         target/pyenv && target/pyenv/bin/pip install -r .ci/requirements.txt`",
        python.display()
    );
    python
}

/// Runs `command`, failing with its output unless it succeeds; returns its stdout.
fn run(command: &mut Command, what: &str) -> String {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{what} did not start: {e}"));
    assert!(out.status.success(), "{what} failed:\n{}", shown(&out));
    String::from_utf8(out.stdout).unwrap()
}

fn shown(out: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn npm(args: &[&str]) -> Command {
    let mut command = Command::new("npm");
    command
        .args(["--no-audit", "--no-fund"])
        .args(args)
        .current_dir(clients_dir());
    command
}

/// Installs the packages (once), generates the types and type-checks everything.
fn prepare() {
    require(
        "node",
        "install Node.js 20 or later (Debian: `apt-get install nodejs npm`)",
    );
    require("npm", "install npm (Debian: `apt-get install npm`)");
    if !clients_dir().join("node_modules").exists() {
        run(&mut npm(&["ci"]), "npm ci in examples/clients");
    }
    run(&mut npm(&["run", "codegen"]), "GraphQL Code Generator");
    let generated = std::fs::read_to_string(clients_dir().join("src/gql/graphql.ts")).unwrap();
    for document in [
        "HomePostsDocument",
        "PostBySlugDocument",
        "TagPageDocument",
        "SearchDocument",
    ] {
        assert!(
            generated.contains(&format!("export const {document} ")),
            "{document} generated"
        );
    }
    // The schema's descriptions reach the generated types as doc comments.
    assert!(generated.contains("A blog post (pages are `Page`)."));
    run(&mut npm(&["run", "typecheck"]), "tsc --noEmit");
}

/// A token for the admin API key `key`, made the way the examples' docs say.
fn api_key(target: &Target, role: &str) -> String {
    let out = target.quire(&[
        "apikey",
        "create",
        "--name",
        &format!("clients-{role}"),
        "--role",
        role,
    ]);
    assert!(
        out.status.success(),
        "quire apikey create:\n{}",
        shown(&out)
    );
    let key = String::from_utf8(out.stdout).unwrap().trim().to_owned();
    assert!(key.contains(':'), "keyId:secret, got {key:?}");
    key
}

fn bulk_tag(server: &Server, key: &str, tag: &str) -> Output {
    Command::new(python())
        .arg(clients_dir().join("python/bulk_tag.py"))
        .arg(tag)
        .env("QUIRE_URL", format!("http://{}/graphql", server.addr))
        .env("QUIRE_API_KEY", key)
        .output()
        .unwrap()
}

async fn graphql(server: &Server, query: &str, variables: Value) -> Value {
    let body: Value = reqwest::Client::new()
        .post(format!("http://{}/graphql", server.addr))
        .json(&json!({"query": query, "variables": variables}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(body["errors"].is_null(), "{body}");
    body["data"].clone()
}

/// Every post's slug, version and tag names, in the listing's order.
async fn posts(server: &Server) -> Vec<(String, i64, Vec<String>)> {
    let data = graphql(
        server,
        "{ posts(first: 100) { nodes { slug version tags { name } } } }",
        json!({}),
    )
    .await;
    data["posts"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let tags = p["tags"].as_array().unwrap();
            (
                p["slug"].as_str().unwrap().to_owned(),
                p["version"].as_i64().unwrap(),
                tags.iter()
                    .map(|t| t["name"].as_str().unwrap().to_owned())
                    .collect(),
            )
        })
        .collect()
}

async fn clients_against(target: Target) {
    let admin = target.quire(&[
        "user",
        "create",
        "--email",
        "admin@example.com",
        "--name",
        "Admin",
        "--role",
        "admin",
    ]);
    assert!(
        admin.status.success(),
        "quire user create:\n{}",
        shown(&admin)
    );
    let editor_key = api_key(&target, "editor");
    let author_key = api_key(&target, "author");
    let server = Server::start_with(&target, &["--demo"]);
    let url = format!("http://{}/graphql", server.addr);

    for (script, said) in [
        ("apollo", "apollo: 7 posts in 4 requests, merged in order"),
        ("urql", "urql: 도커 컴포즈와 CI 붙이기 (part 2 of 2)"),
        (
            "apq",
            "apq: the hash alone over GET, public, max-age=30, stale-while-revalidate=60",
        ),
        (
            "graphql-request",
            "graphql-request: tag Docker with 2 posts; 도커 in 3",
        ),
    ] {
        let out = run(
            npm(&["run", "--silent", script]).env("QUIRE_URL", &url),
            &format!("the {script} example"),
        );
        assert_eq!(out.trim(), said, "{script}");
    }

    // The admin script: an AUTHOR key may not change the demo authors' posts.
    let tag = "보관함";
    let before = posts(&server).await;
    assert_eq!(before.len(), 7);
    let refused = bulk_tag(&server, &author_key, tag);
    assert_eq!(refused.status.code(), Some(1), "{}", shown(&refused));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("['FORBIDDEN']"),
        "{}",
        shown(&refused)
    );
    assert_eq!(
        posts(&server).await,
        before,
        "a refused script wrote nothing"
    );

    // An EDITOR key adds the tag to every post, keeping the others in order.
    let out = bulk_tag(&server, &editor_key, tag);
    assert!(out.status.success(), "{}", shown(&out));
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(summary["tag"], tag);
    assert_eq!(summary["unchanged"], json!([]));
    let updated: Vec<&str> = summary["updated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["slug"].as_str().unwrap())
        .collect();
    let slugs: Vec<&str> = before.iter().map(|(s, _, _)| s.as_str()).collect();
    assert_eq!(updated, slugs, "every post, in the listing's order");
    let after = posts(&server).await;
    for ((slug, version, tags), (slug2, version2, tags2)) in before.iter().zip(&after) {
        assert_eq!(slug, slug2);
        assert_eq!(*version2, version + 1, "{slug}: one write");
        let mut expected = tags.clone();
        expected.push(tag.to_owned());
        assert_eq!(tags2, &expected, "{slug}");
    }
    let data = graphql(
        &server,
        "query($s: String!) { tag(slug: $s) { name postCount } }",
        json!({"s": tag}),
    )
    .await;
    assert_eq!(data["tag"], json!({"name": tag, "postCount": 7}));

    // Run again, it finds nothing to do.
    let again = bulk_tag(&server, &editor_key, tag);
    assert!(again.status.success(), "{}", shown(&again));
    let summary: Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(summary["updated"], json!([]));
    assert_eq!(summary["unchanged"].as_array().unwrap().len(), 7);
    assert_eq!(posts(&server).await, after);
    server.stop();
}

#[tokio::test]
async fn typed_clients_and_the_admin_script_against_the_demo_blog() {
    prepare();
    clients_against(Target::sqlite()).await;
    if let Some(target) = Target::postgres().await {
        clients_against(target).await;
    }
}
