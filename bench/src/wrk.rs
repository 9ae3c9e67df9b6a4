//! Driving a server with `wrk` (Debian's package), from a Lua script that rotates over a
//! shape's requests and prints the figures in one parseable line.

use std::{path::Path, process::Command, time::Duration};

use anyhow::{Context as _, bail};

use crate::shapes::{Request, Shape};

/// What one wrk run measured.
#[derive(Debug, Clone, Copy)]
pub struct Figures {
    pub requests: u64,
    pub requests_per_second: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Responses with a status of 400 or more (wrk's `errors.status`).
    pub http_errors: u64,
    /// Connect, read, write and timeout errors.
    pub socket_errors: u64,
}

/// Installs wrk with apt-get when it is missing.
pub fn ensure_installed() -> anyhow::Result<()> {
    if Command::new("wrk").arg("--version").output().is_ok() {
        return Ok(());
    }
    println!("wrk is not installed: installing it with `apt-get install -y wrk`");
    let install = || {
        Command::new("apt-get")
            .args(["install", "-y", "wrk"])
            .status()
    };
    let mut ok = install().is_ok_and(|s| s.success());
    if !ok {
        println!("apt-get install failed: running `apt-get update` and trying again");
        let _ = Command::new("apt-get").arg("update").status();
        ok = install().is_ok_and(|s| s.success());
    }
    if !ok || Command::new("wrk").arg("--version").output().is_err() {
        bail!("wrk is needed: install it with `apt-get install -y wrk`");
    }
    Ok(())
}

/// A Lua string literal holding `s` byte for byte.
fn lua_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for b in s.bytes() {
        if (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\' {
            out.push(char::from(b));
        } else {
            // Always three digits: `\34` before a digit would read as a larger number.
            out.push_str(&format!("\\{b:03}"));
        }
    }
    out.push('"');
    out
}

/// The Lua script for `shape`: requests formatted once per thread, each thread starting
/// at another place in the rotation, and a `done` that prints one `QUIRE_WRK` line.
pub fn script(shape: &Shape) -> String {
    let mut s = String::from("local specs = {\n");
    for r in &shape.requests {
        match r {
            Request::Post(body) => s.push_str(&format!(
                "  {{ \"POST\", \"/graphql\", {} }},\n",
                lua_string(body)
            )),
            Request::Get(path) => {
                s.push_str(&format!("  {{ \"GET\", {}, nil }},\n", lua_string(path)))
            }
        }
    }
    s.push_str(
        r#"}
local reqs = {}
local i = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  for k, spec in ipairs(specs) do
    if spec[1] == "POST" then
      reqs[k] = wrk.format("POST", spec[2], { ["Content-Type"] = "application/json" }, spec[3])
    else
      reqs[k] = wrk.format("GET", spec[2], {}, nil)
    end
  end
  i = (offset or 0) % #reqs
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "QUIRE_WRK requests=%d duration_us=%d p50_us=%d p99_us=%d status=%d socket=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
"#,
    );
    s
}

/// Runs wrk against `base` (`http://127.0.0.1:port`) with `shape` for `duration` at
/// `connections` connections on two threads.
pub fn run(
    base: &str,
    shape: &Shape,
    duration: Duration,
    connections: usize,
    work_dir: &Path,
) -> anyhow::Result<Figures> {
    let path = work_dir.join(format!("{}.lua", shape.key));
    std::fs::write(&path, script(shape))?;
    let out = Command::new("wrk")
        .args([
            "-t2",
            &format!("-c{connections}"),
            &format!("-d{}s", duration.as_secs().max(1)),
            "--timeout",
            "10s",
            "-s",
        ])
        .arg(&path)
        .arg(base)
        .output()
        .context("running wrk")?;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(line) = stdout.lines().find(|l| l.starts_with("QUIRE_WRK ")) else {
        bail!(
            "wrk printed no figures: {}{}",
            stdout,
            String::from_utf8_lossy(&out.stderr)
        );
    };
    let field = |name: &str| -> anyhow::Result<u64> {
        line.split_whitespace()
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .with_context(|| format!("no {name} in {line}"))?
            .parse()
            .with_context(|| format!("bad {name} in {line}"))
    };
    let duration_us = field("duration_us")?.max(1);
    let requests = field("requests")?;
    Ok(Figures {
        requests,
        requests_per_second: requests as f64 * 1e6 / duration_us as f64,
        p50_ms: field("p50_us")? as f64 / 1e3,
        p99_ms: field("p99_us")? as f64 / 1e3,
        http_errors: field("status")?,
        socket_errors: field("socket")?,
    })
}

#[cfg(test)]
mod tests {
    use super::lua_string;

    #[test]
    fn lua_strings_escape_quotes_backslashes_and_non_ascii() {
        assert_eq!(
            lua_string(r#"{"a":"\n"}"#),
            r#""{\034a\034:\034\092n\034}""#
        );
        assert_eq!(lua_string("\"0"), r#""\0340""#);
        assert_eq!(lua_string("글"), r#""\234\184\128""#);
    }
}
