//! The tables the benchmark prints (Markdown, ready for `docs/benchmarks.md`), and the issue's
//! targets next to the figures.

use crate::{
    run::{Cache, Row, ScalePoint, Section},
    wrk::Figures,
};

/// The targets (2 cores, load generator on the same machine, concurrency 32).
pub const HOME_UNCACHED_MIN_RATIO: f64 = 0.25;
pub const APQ_MIN_RATIO: f64 = 0.70;
pub const P99_MAX_MS: f64 = 20.0;
pub const RSS_MAX_MB: f64 = 100.0;

/// The machine and its load, for the heading of the tables.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("model name"))
                .map(|l| l.trim_start_matches([' ', '\t', ':']).to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    format!("{cores} cores ({cpu}), load average {}", load())
}

/// `/proc/loadavg`'s three load averages.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".into())
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / 1048576.0
}

fn errors(f: &Figures) -> String {
    if f.socket_errors > 0 {
        format!("{} (+{} socket)", f.http_errors, f.socket_errors)
    } else {
        f.http_errors.to_string()
    }
}

/// The main table: every shape on every database, with and without the response cache.
pub fn main_table(sections: &[Section], connections: usize, seconds: u64) -> String {
    let mut out = format!(
        "Concurrency {connections}, {seconds} s per shape, wrk on the same machine (2 threads).\n\n\
         | database | response cache | shape | req/s | p50 ms | p99 ms | non-2xx | vs static |\n\
         |---|---|---|---:|---:|---:|---:|---:|\n"
    );
    for s in sections {
        let c = &s.ceiling;
        out.push_str(&format!(
            "| {} | - | static ceiling (poem, same bytes as shape 1) | {:.0} | {:.2} | {:.2} | {} | 100% |\n",
            s.backend.name(),
            c.requests_per_second,
            c.p50_ms,
            c.p99_ms,
            errors(c)
        ));
        for r in &s.rows {
            match &r.outcome {
                Ok(f) => out.push_str(&format!(
                    "| {} | {} | {} | {:.0} | {:.2} | {:.2} | {} | {:.1}% |\n",
                    s.backend.name(),
                    r.cache.label(),
                    r.label,
                    f.requests_per_second,
                    f.p50_ms,
                    f.p99_ms,
                    errors(f),
                    100.0 * f.requests_per_second / c.requests_per_second
                )),
                Err(e) => out.push_str(&format!(
                    "| {} | {} | {} | n/a: server answered {} | | | | |\n",
                    s.backend.name(),
                    r.cache.label(),
                    r.label,
                    e.replace('|', "\\|")
                )),
            }
        }
    }
    out.push('\n');
    for s in sections {
        let rss: Vec<String> = s
            .rss
            .iter()
            .map(|(cache, b)| format!("{:.1} MB with the cache {}", mb(*b), cache.setting()))
            .collect();
        out.push_str(&format!(
            "- {}: {} posts{}; peak RSS of the quire server: {}.\n",
            s.backend.name(),
            s.corpus.posts,
            s.db_bytes.map_or(String::new(), |b| format!(
                " ({:.0} MB database)",
                b as f64 / 1e6
            )),
            rss.join(", ")
        ));
    }
    out
}

fn row<'a>(s: &'a Section, key: &str, cache: Cache) -> Option<&'a Row> {
    s.rows.iter().find(|r| r.key == key && r.cache == cache)
}

/// The targets, each with the measured value and whether it is met.
pub fn targets(sections: &[Section]) -> String {
    let mut out = String::new();
    for s in sections {
        let name = s.backend.name();
        let ceiling = s.ceiling.requests_per_second;
        for cache in [Cache::Off, Cache::Cold, Cache::Warm] {
            if let Some(Row { outcome: Ok(f), .. }) = row(s, "home", cache) {
                let ratio = f.requests_per_second / ceiling;
                out.push_str(&format!(
                    "- {name}: shape 1 with the response cache {} at {:.1}% of the static ceiling \
                     (target for \"uncached\": at least {:.0}%): {}\n",
                    cache.label(),
                    100.0 * ratio,
                    100.0 * HOME_UNCACHED_MIN_RATIO,
                    verdict(ratio >= HOME_UNCACHED_MIN_RATIO)
                ));
            }
        }
        for cache in [Cache::Cold, Cache::Warm, Cache::Off] {
            match row(s, "apq", cache).map(|r| &r.outcome) {
                Some(Ok(f)) => {
                    let ratio = f.requests_per_second / ceiling;
                    out.push_str(&format!(
                        "- {name}: shape 4 (APQ GET), cache {}, at {:.1}% of the ceiling \
                         (target at least {:.0}%): {}\n",
                        cache.label(),
                        100.0 * ratio,
                        100.0 * APQ_MIN_RATIO,
                        verdict(ratio >= APQ_MIN_RATIO)
                    ));
                }
                Some(Err(e)) => out.push_str(&format!(
                    "- {name}: shape 4 (APQ GET), cache {}: n/a: server answered {e}; \
                     target (at least {:.0}%) not measured\n",
                    cache.label(),
                    100.0 * APQ_MIN_RATIO
                )),
                None => {}
            }
        }
        for cache in [Cache::Cold, Cache::Warm, Cache::Off] {
            let p99s: Vec<(String, f64)> = ["home", "post", "tag"]
                .iter()
                .filter_map(|k| match row(s, k, cache) {
                    Some(Row {
                        outcome: Ok(f),
                        label,
                        ..
                    }) => Some((label.to_string(), f.p99_ms)),
                    _ => None,
                })
                .collect();
            if let Some((label, worst)) = p99s.iter().max_by(|a, b| a.1.total_cmp(&b.1)).cloned() {
                out.push_str(&format!(
                    "- {name}: worst p99 of shapes 1-3 with the cache {}: {worst:.2} ms ({label}; \
                     target under {P99_MAX_MS:.0} ms): {}\n",
                    cache.label(),
                    verdict(worst < P99_MAX_MS && p99s.len() == 3)
                ));
            }
        }
        if let Some(peak) = s.rss.iter().map(|(_, b)| *b).max() {
            out.push_str(&format!(
                "- {name}: peak RSS {:.1} MB at {} posts (target under {RSS_MAX_MB:.0} MB at \
                 10,000 posts): {}\n",
                mb(peak),
                s.corpus.posts,
                verdict(mb(peak) < RSS_MAX_MB)
            ));
        }
    }
    out
}

fn cell(f: &Result<Figures, String>) -> String {
    match f {
        Ok(f) => format!(
            "{:.2} | {:.2} | {:.0}",
            f.p50_ms, f.p99_ms, f.requests_per_second
        ),
        Err(e) => format!("n/a: {} | | ", e.replace('|', "\\|")),
    }
}

/// The scaling table: shapes 1 and 2 (response cache off) by corpus size.
pub fn scaling_table(points: &[ScalePoint]) -> String {
    let mut out = String::from(
        "Response cache off, so every request reaches the database.\n\n\
         | database | posts | generated in | shape 1 p50 ms | p99 ms | req/s | shape 2 p50 ms | p99 ms | req/s |\n\
         |---|---:|---:|---:|---:|---:|---:|---:|---:|\n",
    );
    for p in points {
        out.push_str(&format!(
            "| {} | {} | {:.0} s | {} | {} |\n",
            p.backend.name(),
            p.posts,
            p.generate_seconds,
            cell(&p.home),
            cell(&p.post)
        ));
    }
    out
}
