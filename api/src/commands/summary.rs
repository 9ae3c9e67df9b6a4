//! What `quire import` tells a person at the end: counts, files dated by their
//! modification time, files transcoded from CP949/EUC-KR, the images brought into the
//! media library, and every failure and image left out as `path:line: reason` (the form
//! editors and terminals link to).

use std::fmt::Write as _;

use chrono::{DateTime, FixedOffset};

use crate::service::import::Outcome;

/// What happened to one file.
#[derive(Debug, Clone)]
pub enum FileResult {
    Done {
        outcome: Outcome,
        slug: String,
        /// The modification time used because the file has no date.
        dated_by_mtime: Option<DateTime<FixedOffset>>,
        transcoded_from: Option<&'static str>,
        /// `(display name, slug)` of the authors created for the file's author names.
        new_authors: Vec<(String, String)>,
    },
    Failed {
        line: Option<usize>,
        reason: String,
    },
}

/// The results of one run, in file order.
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub dry_run: bool,
    pub files: Vec<(String, FileResult)>,
    /// Said once before the counts (e.g. the author that was created).
    pub notes: Vec<String>,
    /// Images added to the media library (a dry run: that would be).
    pub images_added: usize,
    /// Images whose bytes the library held already.
    pub images_reused: usize,
    /// Images a post shows that were not brought in (the post is imported regardless).
    pub image_warnings: Vec<ImageWarning>,
    /// How the run's new posts were written: see [`Groups`].
    pub groups: Groups,
}

pub use crate::service::import::Groups;

/// An image not brought in: the file and line that show it, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageWarning {
    pub path: String,
    pub line: Option<usize>,
    pub reason: String,
}

impl Report {
    pub fn count(&self, outcome: Outcome) -> usize {
        self.files
            .iter()
            .filter(|(_, r)| matches!(r, FileResult::Done { outcome: o, .. } if *o == outcome))
            .count()
    }

    pub fn failed(&self) -> usize {
        self.files
            .iter()
            .filter(|(_, r)| matches!(r, FileResult::Failed { .. }))
            .count()
    }

    /// The summary as printed on standard output.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if self.dry_run {
            for (path, r) in &self.files {
                if let FileResult::Done { outcome, slug, .. } = r {
                    let verb = match outcome {
                        Outcome::Imported => "would import",
                        Outcome::Updated => "would update",
                        Outcome::Unchanged => "unchanged   ",
                    };
                    let _ = writeln!(out, "{verb}  {path} → {slug}");
                }
            }
        }
        for note in &self.notes {
            let _ = writeln!(out, "{note}");
        }
        let _ = writeln!(
            out,
            "{}{} imported, {} updated, {} unchanged, {} failed ({} files)",
            if self.dry_run {
                "Dry run, nothing was written: would be "
            } else {
                ""
            },
            self.count(Outcome::Imported),
            self.count(Outcome::Updated),
            self.count(Outcome::Unchanged),
            self.failed(),
            self.files.len(),
        );
        if self.images_added + self.images_reused > 0 {
            let _ = if self.dry_run {
                writeln!(
                    out,
                    "Images: {} files would be brought into the media library (the same bytes are kept once)",
                    self.images_added
                )
            } else {
                writeln!(
                    out,
                    "Images: {} added to the media library, {} already in it",
                    self.images_added, self.images_reused
                )
            };
        }
        self.section(
            &mut out,
            "No date in the file, dated by its modification time:",
            |r| match r {
                FileResult::Done {
                    dated_by_mtime: Some(d),
                    ..
                } => Some(d.format("%Y-%m-%d %H:%M:%S %z").to_string()),
                _ => None,
            },
        );
        self.section(&mut out, "Transcoded to UTF-8:", |r| match r {
            FileResult::Done {
                transcoded_from: Some(e),
                ..
            } => Some(format!("from {e}")),
            _ => None,
        });
        self.section(
            &mut out,
            if self.dry_run {
                "Authors that would be created (role AUTHOR, no password):"
            } else {
                "Authors created (role AUTHOR, email SLUG@import.invalid, no password; to let one log in: quire user set-email, then set-password):"
            },
            |r| match r {
                FileResult::Done { new_authors, .. } if !new_authors.is_empty() => Some(
                    new_authors
                        .iter()
                        .map(|(name, slug)| format!("author `{name}`, slug `{slug}`"))
                        .collect::<Vec<_>>()
                        .join("; "),
                ),
                _ => None,
            },
        );
        let failures: Vec<String> = self
            .files
            .iter()
            .filter_map(|(path, r)| match r {
                FileResult::Failed {
                    line: Some(l),
                    reason,
                } => Some(format!("  {path}:{l}: {reason}")),
                FileResult::Failed { line: None, reason } => Some(format!("  {path}: {reason}")),
                FileResult::Done { .. } => None,
            })
            .collect();
        if !self.image_warnings.is_empty() {
            let _ = writeln!(
                out,
                "Images not brought in (each reference is left as written):"
            );
            for w in &self.image_warnings {
                let _ = match w.line {
                    Some(l) => writeln!(out, "  {}:{l}: {}", w.path, w.reason),
                    None => writeln!(out, "  {}: {}", w.path, w.reason),
                };
            }
        }
        if !failures.is_empty() {
            let _ = writeln!(out, "Failed:");
            for f in failures {
                let _ = writeln!(out, "{f}");
            }
        }
        out
    }

    fn section(
        &self,
        out: &mut String,
        title: &str,
        detail: impl Fn(&FileResult) -> Option<String>,
    ) {
        let lines: Vec<String> = self
            .files
            .iter()
            .filter_map(|(path, r)| detail(r).map(|d| format!("  {path}  ({d})")))
            .collect();
        if !lines.is_empty() {
            let _ = writeln!(out, "{title}");
            for l in lines {
                let _ = writeln!(out, "{l}");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_names_files_lines_and_reasons() {
        let date = DateTime::parse_from_rfc3339("2024-05-01T10:00:00+09:00").unwrap();
        let report = Report {
            dry_run: false,
            notes: vec![],
            images_added: 2,
            images_reused: 1,
            groups: Groups::default(),
            image_warnings: vec![ImageWarning {
                path: "a.md".into(),
                line: Some(7),
                reason: "image `사진.png`: no such file in the site".into(),
            }],
            files: vec![
                (
                    "a.md".into(),
                    FileResult::Done {
                        outcome: Outcome::Imported,
                        slug: "a".into(),
                        dated_by_mtime: Some(date),
                        transcoded_from: None,
                        new_authors: vec![("김 하늘".into(), "김-하늘".into())],
                    },
                ),
                (
                    "b.txt".into(),
                    FileResult::Done {
                        outcome: Outcome::Unchanged,
                        slug: "b".into(),
                        dated_by_mtime: None,
                        transcoded_from: Some("CP949/EUC-KR"),
                        new_authors: Vec::new(),
                    },
                ),
                (
                    "c.md".into(),
                    FileResult::Failed {
                        line: Some(3),
                        reason: "invalid YAML front matter: x".into(),
                    },
                ),
                (
                    "d.bin".into(),
                    FileResult::Failed {
                        line: None,
                        reason: "binary".into(),
                    },
                ),
            ],
        };
        assert_eq!(
            report.render(),
            "1 imported, 0 updated, 1 unchanged, 2 failed (4 files)\n\
             Images: 2 added to the media library, 1 already in it\n\
             No date in the file, dated by its modification time:\n  a.md  (2024-05-01 10:00:00 +0900)\n\
             Transcoded to UTF-8:\n  b.txt  (from CP949/EUC-KR)\n\
             Authors created (role AUTHOR, email SLUG@import.invalid, no password; to let one log in: quire user set-email, then set-password):\n  \
             a.md  (author `김 하늘`, slug `김-하늘`)\n\
             Images not brought in (each reference is left as written):\n  \
             a.md:7: image `사진.png`: no such file in the site\n\
             Failed:\n  c.md:3: invalid YAML front matter: x\n  d.bin: binary\n"
        );
    }
}
