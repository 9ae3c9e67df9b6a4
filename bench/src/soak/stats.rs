//! What the soak counts: per interval and per server, requests sent and completed,
//! errors, and the latencies of reads and writes; turned into the per-minute lines and
//! the final summary.

use std::time::Duration;

/// Reads (anonymous queries) or writes (an editor's mutations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Read,
    Write,
}

/// One interval's counts for one server; latencies in milliseconds.
#[derive(Debug, Default, Clone)]
pub struct Interval {
    pub sent: u64,
    pub completed: u64,
    pub errors: u64,
    pub read_ms: Vec<f64>,
    pub write_ms: Vec<f64>,
}

impl Interval {
    /// A request answered (successfully or not) after `latency`, measured from the
    /// moment the schedule said to send it.
    pub fn record(&mut self, kind: Kind, latency: Duration, ok: bool) {
        self.completed += 1;
        if !ok {
            self.errors += 1;
        }
        let ms = latency.as_secs_f64() * 1000.0;
        match kind {
            Kind::Read => self.read_ms.push(ms),
            Kind::Write => self.write_ms.push(ms),
        }
    }
}

/// The `p`-th percentile (0–100) by nearest rank; `None` for no samples.
pub fn percentile(samples: &mut [f64], p: f64) -> Option<f64> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let rank = ((p / 100.0) * samples.len() as f64).ceil() as usize;
    Some(samples[rank.clamp(1, samples.len()) - 1])
}

/// An interval's figures as printed.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub minute: u64,
    pub sent: u64,
    pub completed: u64,
    pub errors: u64,
    pub in_flight: u64,
    pub read_p50: Option<f64>,
    pub read_p99: Option<f64>,
    pub write_p50: Option<f64>,
    pub write_p99: Option<f64>,
    pub rss_mb: f64,
    /// What the server's `/metrics` said at the minute's end: the C heap in use (in
    /// `quire serve`, SQLite's page caches and statements) and the response cache, in MB.
    pub c_heap_mb: Option<f64>,
    pub cache_mb: Option<f64>,
}

/// Memory figures a server reports on `/metrics`, in bytes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reported {
    pub c_heap_bytes: Option<f64>,
    pub cache_bytes: Option<f64>,
}

impl Line {
    pub fn new(
        minute: u64,
        mut i: Interval,
        in_flight: u64,
        rss_bytes: u64,
        reported: Reported,
    ) -> Self {
        Self {
            minute,
            sent: i.sent,
            completed: i.completed,
            errors: i.errors,
            in_flight,
            read_p50: percentile(&mut i.read_ms, 50.0),
            read_p99: percentile(&mut i.read_ms, 99.0),
            write_p50: percentile(&mut i.write_ms, 50.0),
            write_p99: percentile(&mut i.write_ms, 99.0),
            rss_mb: rss_bytes as f64 / 1_048_576.0,
            c_heap_mb: reported.c_heap_bytes.map(|b| b / 1_048_576.0),
            cache_mb: reported.cache_bytes.map(|b| b / 1_048_576.0),
        }
    }
}

fn ms(v: Option<f64>) -> String {
    v.map_or_else(|| "–".to_owned(), |v| format!("{v:.1}"))
}

/// The header of the Markdown table the lines form.
pub fn header() -> String {
    "| database | minute | sent | completed | errors | in flight | read p50 ms | read p99 ms | write p50 ms | write p99 ms | RSS MB | C heap MB | cache MB |\n\
     |---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
        .to_owned()
}

/// One table row.
pub fn row(database: &str, l: &Line) -> String {
    format!(
        "| {database} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {:.1} | {} | {} |",
        l.minute,
        l.sent,
        l.completed,
        l.errors,
        l.in_flight,
        ms(l.read_p50),
        ms(l.read_p99),
        ms(l.write_p50),
        ms(l.write_p99),
        l.rss_mb,
        ms(l.c_heap_mb),
        ms(l.cache_mb),
    )
}

/// The end of a server's run: first against last minute, and the totals.
pub fn summary(database: &str, lines: &[Line], peak_rss_bytes: Option<u64>) -> String {
    let (Some(first), Some(last)) = (lines.first(), lines.last()) else {
        return format!("{database}: no minute completed");
    };
    let sent: u64 = lines.iter().map(|l| l.sent).sum();
    let completed: u64 = lines.iter().map(|l| l.completed).sum();
    let errors: u64 = lines.iter().map(|l| l.errors).sum();
    let worst_read_p99 = lines
        .iter()
        .filter_map(|l| l.read_p99)
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))));
    format!(
        "{database}: RSS {:.1} MB in minute {} → {:.1} MB in minute {}{}{}; read p99 {} → {} ms \
         (worst minute {} ms), write p99 {} → {} ms; {sent} sent, {completed} completed, {errors} errors",
        first.rss_mb,
        first.minute,
        last.rss_mb,
        last.minute,
        peak_rss_bytes.map_or(String::new(), |b| format!(
            " (peak {:.1} MB)",
            b as f64 / 1_048_576.0
        )),
        match (first.c_heap_mb, last.c_heap_mb) {
            (Some(a), Some(b)) => format!(", of it the C heap (SQLite) {a:.1} → {b:.1} MB"),
            _ => String::new(),
        },
        ms(first.read_p99),
        ms(last.read_p99),
        ms(worst_read_p99),
        ms(first.write_p99),
        ms(last.write_p99),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_are_nearest_rank() {
        let mut v: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        assert_eq!(percentile(&mut v, 50.0), Some(50.0));
        assert_eq!(percentile(&mut v, 99.0), Some(99.0));
        assert_eq!(percentile(&mut v, 100.0), Some(100.0));
        assert_eq!(percentile(&mut [7.0], 99.0), Some(7.0));
        assert_eq!(percentile(&mut [], 50.0), None);
    }

    #[test]
    fn an_interval_counts_errors_and_splits_latencies_by_kind() {
        let mut i = Interval {
            sent: 3,
            ..Interval::default()
        };
        i.record(Kind::Read, Duration::from_millis(2), true);
        i.record(Kind::Write, Duration::from_millis(8), false);
        let reported = Reported {
            c_heap_bytes: Some(3.0 * 1_048_576.0),
            cache_bytes: None,
        };
        let l = Line::new(1, i, 1, 10 * 1_048_576, reported);
        assert_eq!((l.sent, l.completed, l.errors, l.in_flight), (3, 2, 1, 1));
        assert_eq!(l.read_p50, Some(2.0));
        assert_eq!(l.write_p99, Some(8.0));
        assert_eq!(
            row("SQLite", &l),
            "| SQLite | 1 | 3 | 2 | 1 | 1 | 2.0 | 2.0 | 8.0 | 8.0 | 10.0 | 3.0 | – |"
        );
    }
}
