//! One file's text → the fields of a post. Pure: no database, no file system.

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

use super::date::{date_from_file_name, parse_date};
use super::error::ParseError;
use super::fields::{
    FileStatus, cover_image, dedupe, is_draft, name_list, series, slug_from_permalink, status,
    string_field,
};
use super::{front_matter, more, plain_text, title};

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
    /// `status: archived` (never together with `draft`).
    pub archived: bool,
    /// `trashed:` (as `quire export` writes for posts in the trash): `true`, or when.
    pub trashed: Option<Trashed>,
    /// The whole front matter as written, so nothing is lost.
    pub front_matter: Map<String, Value>,
    /// The encoding the file was transcoded from (`CP949/EUC-KR`), when it was not UTF-8.
    pub transcoded_from: Option<&'static str>,
}

/// A post in the trash, with the time it was put there when the file says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trashed {
    At(DateTime<FixedOffset>),
    Undated,
}

/// Date keys, in the order they are looked at.
const DATE_KEYS: [&str; 3] = ["date", "publishDate", "published"];

/// Decodes a file's bytes (see [`super::decode`]) and parses it; the post records the
/// encoding it was transcoded from, if any.
pub fn parse_bytes(path: &str, bytes: &[u8]) -> Result<ParsedPost, ParseError> {
    let decoded = super::encoding::decode(bytes)?;
    let mut post = parse_document(path, &decoded.text)?;
    post.transcoded_from = decoded.transcoded_from;
    Ok(post)
}

/// Parses one file. `path` is how the file is known (used for the Jekyll date, the
/// title of last resort, `.txt` detection, `_drafts/` and matching on re-import).
pub fn parse_document(path: &str, text: &str) -> Result<ParsedPost, ParseError> {
    let text = text
        .strip_prefix('\u{feff}')
        .unwrap_or(text)
        .replace("\r\n", "\n");
    let split = front_matter::split(&text)?;
    let fm = split.data;
    let file_name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let stem = file_name.rsplit_once('.').map_or(file_name, |(s, _)| s);
    let plain = split.body.len() == text.len()
        && file_name.to_ascii_lowercase().ends_with(".txt")
        && !plain_text::looks_like_markdown(split.body);

    let mut body = split.body.to_owned();
    let title = match string_field(&fm, &["title"]) {
        Some(t) => t,
        None => match title::take_page_header(&body).or_else(|| {
            if plain {
                None
            } else {
                title::take_first_h1(&body)
            }
        }) {
            Some((t, rest)) => {
                body = rest;
                t
            }
            None => match title::first_line(&body) {
                Some(t) => {
                    if plain {
                        body = drop_title_line(&body, &t);
                    }
                    t
                }
                None => stem.to_owned(),
            },
        },
    };
    if plain {
        body = plain_text::to_markdown(&body);
    }
    let markdown = body.trim_start_matches('\n').to_owned();

    let (published_at, date_source) = match date_value(&fm) {
        Some((key, value)) => match value.as_str().and_then(parse_date) {
            Some(d) => (Some(d), DateSource::FrontMatter),
            None => {
                return Err(ParseError::new(
                    line_of_key(&text, key),
                    format!(
                        "`{key}: {}` is not a date (write e.g. 2022-01-01 17:30:00 +0900, 2022-01-01T17:30:00+09:00 or 2022-01-01)",
                        value
                            .as_str()
                            .map_or_else(|| value.to_string(), str::to_owned)
                    ),
                ));
            }
        },
        None => match date_from_file_name(file_name) {
            Some(d) => (Some(d), DateSource::FileName),
            None => (None, DateSource::Missing),
        },
    };

    let mut tags = name_list(fm.get("tags"), false);
    tags.extend(name_list(fm.get("categories"), true));
    let in_drafts_folder = path.split(['/', '\\']).any(|part| part == "_drafts");
    let file_status = status(&fm);
    let draft = match file_status {
        Some(s) => s == FileStatus::Draft,
        None => is_draft(&fm),
    } || in_drafts_folder;
    let trashed = match fm.get("trashed") {
        None | Some(Value::Null | Value::Bool(false)) => None,
        Some(Value::Bool(true)) => Some(Trashed::Undated),
        Some(v) => match v.as_str().and_then(parse_date) {
            Some(d) => Some(Trashed::At(d)),
            None => {
                return Err(ParseError::new(
                    line_of_key(&text, "trashed"),
                    format!("`trashed: {v}` is neither true, false nor a date"),
                ));
            }
        },
    };
    let description = string_field(&fm, &["description"]);
    let excerpt = excerpt_of(&fm, &markdown);

    Ok(ParsedPost {
        source_path: path.to_owned(),
        slug: string_field(&fm, &["slug"])
            .or_else(|| string_field(&fm, &["permalink"]).and_then(|p| slug_from_permalink(&p))),
        markdown,
        subtitle: string_field(&fm, &["subtitle"]),
        excerpt,
        meta_description: description,
        cover_image: cover_image(&fm),
        canonical_url: string_field(&fm, &["canonical_url", "canonicalURL"]),
        author: string_field(&fm, &["author"]),
        tags: dedupe(tags),
        series: series(&fm),
        published_at,
        date_source,
        draft,
        archived: !draft && file_status == Some(FileStatus::Archived),
        trashed,
        title,
        front_matter: fm,
        transcoded_from: None,
    })
}

/// The writer's excerpt: `excerpt`, `summary` or `description` from the front matter,
/// else the text before Hugo's `<!--more-->`.
pub fn excerpt_of(fm: &Map<String, Value>, markdown: &str) -> Option<String> {
    string_field(fm, &["excerpt", "summary", "description"])
        .or_else(|| more::summary_before_more(markdown))
}

/// The first date key present, unless it is `published: true/false` (a status).
fn date_value(fm: &Map<String, Value>) -> Option<(&'static str, &Value)> {
    DATE_KEYS.iter().find_map(|&k| {
        fm.get(k)
            .filter(|v| !v.is_boolean() && !v.is_null())
            .map(|v| (k, v))
    })
}

/// Removes the title line from a plain-text body when it stands alone (a blank line or
/// the end follows it), so the title is not shown twice.
fn drop_title_line(body: &str, title: &str) -> String {
    let mut lines = body.lines().skip_while(|l| l.trim().is_empty());
    let _ = lines.next();
    let rest: Vec<&str> = lines.collect();
    match rest.first() {
        Some(next) if !next.trim().is_empty() => body.to_owned(),
        _ if title.is_empty() => body.to_owned(),
        _ => rest.join("\n"),
    }
}

/// The 1-based line of `key:` (or `key =`) in the front matter.
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
    fn status_and_trash_as_exported() {
        let p = parse_document(
            "_posts/2020-01-01-old.md",
            "---\ntitle: 지난 글\nstatus: archived\ndraft: false\ntrashed: 2024-05-01 10:00:00 +0000\n---\n본문\n",
        )
        .unwrap();
        assert!(p.archived && !p.draft);
        assert_eq!(
            p.trashed,
            Some(Trashed::At(parse_date("2024-05-01T10:00:00Z").unwrap()))
        );
        // `status` wins over `draft`; a file in `_drafts/` stays a draft.
        let p = parse_document("a.md", "---\nstatus: draft\ndraft: false\n---\nx\n").unwrap();
        assert!(p.draft && !p.archived && p.trashed.is_none());
        let p = parse_document(
            "_drafts/a.md",
            "---\nstatus: archived\ntrashed: true\n---\nx\n",
        )
        .unwrap();
        assert!(p.draft && !p.archived);
        assert_eq!(p.trashed, Some(Trashed::Undated));
        // A `status` quire does not know is only kept.
        let p = parse_document("a.md", "---\nstatus: wip\ndraft: true\n---\nx\n").unwrap();
        assert!(p.draft && !p.archived);
        assert_eq!(p.front_matter["status"], "wip");
        let e = parse_document("a.md", "---\ntitle: x\ntrashed: soon\n---\nx\n").unwrap_err();
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn front_matter_keys_keep_their_order() {
        let p = parse_document(
            "a.md",
            "---\nzeta: 1\ntitle: t\nalpha: 2\nmiddle: {b: 1, a: 2}\n---\nx\n",
        )
        .unwrap();
        let keys: Vec<&String> = p.front_matter.keys().collect();
        assert_eq!(keys, ["zeta", "title", "alpha", "middle"]);
        let nested: Vec<&String> = p.front_matter["middle"]
            .as_object()
            .unwrap()
            .keys()
            .collect();
        assert_eq!(nested, ["b", "a"]);
        let p =
            parse_document("b.md", "+++\nzeta = 1\ntitle = \"t\"\nalpha = 2\n+++\nx\n").unwrap();
        let keys: Vec<&String> = p.front_matter.keys().collect();
        assert_eq!(keys, ["zeta", "title", "alpha"]);
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

    #[test]
    fn saved_page_dump_in_plain_text() {
        let text = "Home 여름 캠프 최종 회고 [Wrap-Up]\nPost\nCancel\n\n여름 캠프 최종 회고 [Wrap-Up]\n\n돌아보며\n\n  • 환경 구축\n    • 공동 템플릿\n            • 아주 깊이 들여 쓴 항목\n  • 배포\n\n마지막 문단.\n";
        let p = parse_document("dump/camp.txt", text).unwrap();
        assert_eq!(p.title, "여름 캠프 최종 회고 [Wrap-Up]");
        assert_eq!(
            p.markdown,
            "돌아보며\n\n- 환경 구축\n  - 공동 템플릿\n    - 아주 깊이 들여 쓴 항목\n- 배포\n\n마지막 문단.\n"
        );
        assert_eq!(p.date_source, DateSource::Missing);
    }

    #[test]
    fn plain_text_title_line_is_not_repeated() {
        let p = parse_document("memo.txt", "오늘의 메모\n\n첫 줄\n둘째 줄\n").unwrap();
        assert_eq!(p.title, "오늘의 메모");
        assert_eq!(p.markdown, "첫 줄\\\n둘째 줄\n");
        // A .txt that is Markdown stays Markdown.
        let md = parse_document("004.txt", "# 분기 회고\n\n## 일\n- 항목\n").unwrap();
        assert_eq!(md.title, "분기 회고");
        assert_eq!(md.markdown, "## 일\n- 항목\n");
    }

    #[test]
    fn hugo_toml_with_more_marker() {
        let p = parse_document(
            "content/posts/hello.md",
            "+++\ntitle = \"Hello Hugo\"\ndate = 2023-05-01T09:00:00+09:00\ntags = [\"hugo\"]\nseries = [\"Static sites\"]\ndraft = true\n+++\nThe summary part.\n\n<!--more-->\n\nThe rest.\n",
        )
        .unwrap();
        assert_eq!(p.excerpt.as_deref(), Some("The summary part."));
        assert!(p.markdown.contains("<!--more-->"));
        assert_eq!(p.series.as_deref(), Some("Static sites"));
        assert!(p.draft);
        assert_eq!(
            p.published_at.unwrap().to_rfc3339(),
            "2023-05-01T09:00:00+09:00"
        );
    }

    #[test]
    fn drafts_folder_and_published_flags() {
        assert!(
            parse_document("_drafts/idea.md", "---\ntitle: T\n---\n")
                .unwrap()
                .draft
        );
        assert!(
            parse_document("a.md", "---\ntitle: T\npublished: false\n---\n")
                .unwrap()
                .draft
        );
        let p = parse_document("a.md", "---\ntitle: T\npublished: 2021-03-04\n---\n").unwrap();
        assert_eq!(
            p.published_at.unwrap().to_rfc3339(),
            "2021-03-04T00:00:00+00:00"
        );
        assert!(!p.draft);
    }

    #[test]
    fn a_date_that_is_not_text_is_an_error_with_its_line() {
        let e = parse_document("x.md", "---\ntitle: T\n\ndate: 2021\n---\n")
            .err()
            .unwrap();
        assert_eq!(e.line, Some(4));
        assert!(e.message.contains("`date: 2021` is not a date"), "{e}");
    }

    #[test]
    fn bytes_in_cp949_are_transcoded() {
        let (bytes, _, _) = encoding_rs::EUC_KR.encode("---\ntitle: 옛 글\n---\n본문\n");
        let p = parse_bytes("old.md", &bytes).unwrap();
        assert_eq!(p.title, "옛 글");
        assert_eq!(p.transcoded_from, Some(super::super::CP949));
        let e = parse_bytes("x.md", b"---\ntitle: \xff\xfe\xfd\n---\n")
            .err()
            .unwrap();
        assert_eq!(e.line, Some(2));
    }
}
