//! One file's text → the fields of a post. Pure: no database, no file system.

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

use super::date::{date_from_file_name, parse_date};
use super::front_matter::{self, FrontMatterError};

/// Where a post's date came from, so a summary can say when it was guessed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    FrontMatter,
    FileName,
    /// No date in the file; the caller supplies one (e.g. its modification time).
    Missing,
}

/// A post as read from one file.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedPost {
    pub source_path: String,
    pub title: String,
    pub slug: Option<String>,
    pub markdown: String,
    pub subtitle: Option<String>,
    pub excerpt: Option<String>,
    pub meta_description: Option<String>,
    pub cover_image: Option<String>,
    pub canonical_url: Option<String>,
    pub author: Option<String>,
    pub tags: Vec<String>,
    pub series: Option<String>,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub date_source: DateSource,
    pub draft: bool,
    /// The whole front matter as written, so nothing is lost.
    pub front_matter: Map<String, Value>,
}

fn string_field(fm: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match fm.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// `[a, b]`, `"a b"` or `"a, b"` → names, in order, without duplicates.
fn name_list(value: Option<&Value>, split_slash: bool) -> Vec<String> {
    let raw: Vec<String> = match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) if s.contains(',') => s.split(',').map(str::to_owned).collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        _ => Vec::new(),
    };
    raw.iter()
        .flat_map(|s| {
            if split_slash {
                s.split('/').map(str::to_owned).collect::<Vec<_>>()
            } else {
                vec![s.clone()]
            }
        })
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

fn dedupe(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .filter(|n| seen.insert(crate::slug::slugify(n)))
        .collect()
}

/// The slug part of a permalink such as `/2021/07/04/my-post/` or `/posts/my-post.html`.
fn slug_from_permalink(permalink: &str) -> Option<String> {
    let last = permalink.trim_end_matches('/').rsplit('/').next()?;
    let last = last.strip_suffix(".html").unwrap_or(last);
    (!last.is_empty() && !last.contains(':')).then(|| last.to_owned())
}

/// Takes the first `# ` heading out of the body and returns its text.
fn take_first_h1(body: &str) -> Option<(String, String)> {
    let mut in_fence = false;
    let mut offset = 0;
    for line in body.split_inclusive('\n') {
        let t = line.trim();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if !in_fence && let Some(title) = t.strip_prefix("# ") {
            let title = title.trim().trim_end_matches('#').trim().to_owned();
            if !title.is_empty() {
                let rest = format!("{}{}", &body[..offset], &body[offset + line.len()..]);
                return Some((title, rest.trim_start_matches('\n').to_owned()));
            }
        }
        offset += line.len();
    }
    None
}

/// Parses one file. `path` is how the file is known (used for the Jekyll date, the
/// title of last resort and matching on re-import).
pub fn parse_document(path: &str, text: &str) -> Result<ParsedPost, FrontMatterError> {
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let split = front_matter::split(&text)?;
    let fm = split.data;
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);

    let mut body = split.body.to_owned();
    let title = match string_field(&fm, &["title"]) {
        Some(t) => t,
        None => match take_first_h1(&body) {
            Some((t, rest)) => {
                body = rest;
                t
            }
            None => body
                .lines()
                .map(str::trim)
                .find(|l| !l.is_empty())
                .map(str::to_owned)
                .unwrap_or_else(|| stem.to_owned()),
        },
    };

    let (published_at, date_source) = match fm.get("date").or_else(|| fm.get("published")) {
        Some(Value::String(s)) => match parse_date(s) {
            Some(d) => (Some(d), DateSource::FrontMatter),
            None => {
                return Err(FrontMatterError::new(
                    line_of_key(&text, "date"),
                    format!("`date: {s}` is not a date (expected e.g. 2022-01-01 17:30:00 +0900)"),
                ));
            }
        },
        _ => match date_from_file_name(file_name) {
            Some(d) => (Some(d), DateSource::FileName),
            None => (None, DateSource::Missing),
        },
    };

    let mut tags = name_list(fm.get("tags"), false);
    tags.extend(name_list(fm.get("categories"), true));
    let series = match fm.get("series") {
        Some(Value::Array(a)) => a.iter().find_map(|v| v.as_str().map(str::to_owned)),
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    };
    let draft = fm.get("draft").and_then(Value::as_bool) == Some(true)
        || fm.get("published").and_then(Value::as_bool) == Some(false);
    let description = string_field(&fm, &["description"]);

    Ok(ParsedPost {
        source_path: path.to_owned(),
        slug: string_field(&fm, &["slug"])
            .or_else(|| string_field(&fm, &["permalink"]).and_then(|p| slug_from_permalink(&p))),
        markdown: body.trim_start_matches('\n').to_owned(),
        subtitle: string_field(&fm, &["subtitle"]),
        excerpt: string_field(&fm, &["excerpt", "summary"]).or_else(|| description.clone()),
        meta_description: description,
        cover_image: string_field(&fm, &["image", "cover"]).or_else(|| {
            fm.get("image")
                .or_else(|| fm.get("cover"))
                .and_then(|v| v.get("path").or_else(|| v.get("image")))
                .and_then(Value::as_str)
                .map(str::to_owned)
        }),
        canonical_url: string_field(&fm, &["canonical_url", "canonicalURL"]),
        author: string_field(&fm, &["author"]),
        tags: dedupe(tags),
        series,
        published_at,
        date_source,
        draft,
        title,
        front_matter: fm,
    })
}

fn line_of_key(text: &str, key: &str) -> Option<usize> {
    text.lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with([':', '=']))
        })
        .map(|i| i + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chirpy_style() {
        let p = parse_document(
            "posts/review.md",
            "---\ntitle: 올해 회고\nauthor: 홍길동\ncategories: [ETC, Retrospective]\ntags: [retrospective]\npin: false\ndate: 2022-01-01 17:30:00 +0900\n---\n\n# 첫 절\n본문\n",
        )
        .unwrap();
        assert_eq!(p.title, "올해 회고");
        // `Retrospective` (a category) has the same slug as the tag `retrospective`.
        assert_eq!(p.tags, vec!["retrospective", "ETC"]);
        assert_eq!(
            p.published_at.unwrap().to_rfc3339(),
            "2022-01-01T17:30:00+09:00"
        );
        assert_eq!(p.date_source, DateSource::FrontMatter);
        assert_eq!(p.author.as_deref(), Some("홍길동"));
        assert!(
            p.markdown.starts_with("# 첫 절"),
            "an H1 in the body stays when the title came from front matter"
        );
        assert_eq!(p.front_matter["pin"], false);
    }

    #[test]
    fn classic_jekyll_with_space_separated_tags() {
        let p = parse_document(
            "_posts/2021-07-04-company.md",
            "---\nlayout: post\ntitle:  \"회사 이야기 - acme\"\nsubtitle:   \"첫 직장\"\ncategories: essay\ntags: Diary acme\n---\n본문  \n다음 줄\n",
        )
        .unwrap();
        assert_eq!(p.title, "회사 이야기 - acme");
        assert_eq!(p.subtitle.as_deref(), Some("첫 직장"));
        assert_eq!(p.tags, vec!["Diary", "acme", "essay"]);
        assert_eq!(
            p.published_at.unwrap().to_rfc3339(),
            "2021-07-04T00:00:00+00:00"
        );
        assert_eq!(p.date_source, DateSource::FileName);
        assert_eq!(p.front_matter["layout"], "post");
    }

    #[test]
    fn title_from_first_heading_is_removed_from_the_body() {
        let p = parse_document("notes.md", "\n# 분기 회고 (3/4분기)\n\n## 일\n내용\n").unwrap();
        assert_eq!(p.title, "분기 회고 (3/4분기)");
        assert_eq!(p.markdown, "## 일\n내용\n");
        assert_eq!(p.date_source, DateSource::Missing);
    }

    #[test]
    fn title_falls_back_to_first_line_then_file_name() {
        assert_eq!(
            parse_document("a.md", "\n\n첫 줄\n둘째 줄").unwrap().title,
            "첫 줄"
        );
        assert_eq!(
            parse_document("dir/empty-post.md", "").unwrap().title,
            "empty-post"
        );
    }

    #[test]
    fn comma_tags_slash_categories_series_and_drafts() {
        let p = parse_document(
            "x.md",
            "---\ntitle: T\ntags: \"rust, 웹 개발\"\ncategories: dev/backend\nseries: [\"러스트 입문\"]\ndraft: true\nslug: my-post\n---\n",
        )
        .unwrap();
        assert_eq!(p.tags, vec!["rust", "웹 개발", "dev", "backend"]);
        assert_eq!(p.series.as_deref(), Some("러스트 입문"));
        assert!(p.draft);
        assert_eq!(p.slug.as_deref(), Some("my-post"));
    }

    #[test]
    fn permalink_sets_the_slug_and_bom_crlf_are_handled() {
        let p = parse_document(
            "x.md",
            "\u{feff}---\r\ntitle: T\r\npermalink: /2020/01/02/hello-world/\r\n---\r\nbody\r\n",
        )
        .unwrap();
        assert_eq!(p.slug.as_deref(), Some("hello-world"));
        assert_eq!(p.markdown, "body\n");
    }

    #[test]
    fn impossible_date_names_the_line() {
        let e = parse_document("x.md", "---\ntitle: T\ndate: 2021-02-30\n---\n")
            .err()
            .unwrap();
        assert_eq!(e.line, Some(3));
        assert!(e.message.contains("not a date"));
    }
}
