//! One file's text → the fields of a post. Pure: no database, no file system.

use chrono::{DateTime, FixedOffset};
use serde_json::{Map, Value};

use super::date::{date_from_file_name, parse_date};
use super::error::ParseError;
use super::fields::{
    FileStatus, author_names, cover_image, dedupe, is_draft, name_list, series,
    slug_from_permalink, status, string_field,
};
use super::page::{PageFields, is_page};
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
    /// The authors' names (or slugs), in byline order, without repeats: `authors:` (a
    /// list, or names separated by commas), else `author:` (a name, or a list).
    pub authors: Vec<String>,
    /// Tags as written (`tags`, never `categories`).
    pub tags: Vec<String>,
    /// The category, as a path of names from the top (empty: none); see
    /// [`super::category_path`].
    pub category_path: Vec<String>,
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
    /// Set when the file is a page (see [`super::page`]): its parent and menu order.
    pub page: Option<PageFields>,
}

impl ParsedPost {
    /// Makes the document a page: its tags, series and category (which a page cannot
    /// have) stay only in its front matter.
    pub fn make_page(&mut self) {
        self.page = Some(PageFields::read(&self.front_matter));
        self.tags.clear();
        self.series = None;
        self.category_path.clear();
    }
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

    let tags = name_list(fm.get("tags"), false);
    let category_path = super::category_path(&fm);
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
    let page = is_page(path, &fm);

    let mut doc = ParsedPost {
        source_path: path.to_owned(),
        slug: string_field(&fm, &["slug"])
            .or_else(|| string_field(&fm, &["permalink"]).and_then(|p| slug_from_permalink(&p))),
        markdown,
        subtitle: string_field(&fm, &["subtitle"]),
        excerpt,
        meta_description: description,
        cover_image: cover_image(&fm),
        canonical_url: string_field(&fm, &["canonical_url", "canonicalURL"]),
        authors: author_names(&fm),
        tags: dedupe(tags),
        category_path,
        series: series(&fm),
        published_at,
        date_source,
        draft,
        archived: !draft && file_status == Some(FileStatus::Archived),
        trashed,
        title,
        front_matter: fm,
        transcoded_from: None,
        page: None,
    };
    if page {
        doc.make_page();
    }
    Ok(doc)
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
mod tests;
