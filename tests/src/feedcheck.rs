//! Real parsers and validators for what quire serves as feeds and sitemaps, run as a
//! program (`tools/feedcheck.py` in the tools' virtualenv): feedparser for RSS and
//! Atom, jsonschema with the JSON Feed 1.1 rules, xmlschema with the sitemap protocol's
//! own XML Schemas (`schemas/`).

use std::{
    io::Write,
    path::{Path, PathBuf},
    process::{Command, Stdio},
};

use serde_json::Value;

use crate::tools::python_tool;

fn here(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

/// Runs `tools/feedcheck.py args…` with `input` on standard input; its JSON output.
fn run(args: &[&str], input: &[u8]) -> Value {
    let mut child = Command::new(python_tool("python"))
        .arg(here("tools/feedcheck.py"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start feedcheck.py");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .expect("write to feedcheck.py");
    let out = child.wait_with_output().expect("feedcheck.py");
    assert!(
        out.status.success(),
        "feedcheck.py {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("feedcheck.py prints JSON")
}

/// An RSS or Atom feed as feedparser reads it: `bozo`, `version`, `title`, `link`,
/// `links`, `entries` (`id`, `title`, `link`, `summary`, `content`, `authors`, `tags`,
/// `published`, `updated`).
pub fn parse_feed(body: &[u8]) -> Value {
    run(&["feed"], body)
}

/// What the JSON Feed 1.1 rules find wrong with `body` (empty when nothing).
pub fn json_feed_errors(body: &[u8]) -> Vec<String> {
    let schema = here("schemas/jsonfeed-1.1.schema.json");
    errors(run(&["jsonfeed", schema.to_str().expect("path")], body))
}

/// What the sitemap protocol's schema `xsd` (`sitemap.xsd` or `siteindex.xsd`) finds
/// wrong with `body` (empty when nothing).
pub fn sitemap_errors(xsd: &str, body: &[u8]) -> Vec<String> {
    let schema = here(&format!("schemas/{xsd}"));
    errors(run(&["xsd", schema.to_str().expect("path")], body))
}

fn errors(v: Value) -> Vec<String> {
    v["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e.as_str().unwrap_or_default().to_owned())
        .collect()
}
