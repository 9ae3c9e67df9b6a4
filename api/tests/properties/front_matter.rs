//! Front matter: no bytes make `parse_bytes` panic, junk between `---`/`+++` fences is
//! an error or a post, never a panic; a file written from a title, tags and a date
//! reads back as that title, those tags and that instant, with or without BOM and CRLF.

use chrono::{DateTime, FixedOffset};
use proptest::prelude::*;
use quire::{import::parse_bytes, import::parse_document, slug::slugify};

use super::{config, messy_text};

const PIECES: &[&str] = &[
    "---",
    "+++",
    "...",
    "\u{feff}",
    "\r\n",
    "\n",
    "title: 제목",
    "title:",
    "title: [a, b",
    "tags: [rust, 웹 개발]",
    "tags: rust, 웹",
    "tags:\n  - a\n  - 2",
    "date: 2021-13-45",
    "date: 2022-01-01 17:30:00 +0900",
    "date: [1]",
    "trashed: maybe",
    "trashed: true",
    "math: true",
    "draft: yes",
    "status: archived",
    "layout: page",
    "parent: /about",
    "categories: [개발, MLOps]",
    "series: {a: 1}",
    "slug: \"\"",
    "permalink: /a/b/",
    "author: {name: x}",
    "authors: [\"\", null]",
    "image: {path: 7}",
    "key: &a [*a]",
    "a: *undefined",
    "!!binary AAAA",
    "%YAML 1.2",
    "? complex\n: key",
    "- list\n- root",
    "title = \"toml\"",
    "tags = [\"a\", 3]",
    "date = 2022-01-01T00:00:00Z",
    "[table]",
    "[[array]]",
    "= broken",
    "\"unterminated",
    "'",
    "\t",
    "  ",
    "# 제목",
    "Home 제목",
    "Post",
    "```",
    "<!--more-->",
    "{%",
    "\0",
];

fn structured_file() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => messy_text(),
    ];
    proptest::collection::vec(piece, 0..16).prop_map(|p| p.join("\n"))
}

fn path() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "post.md",
        "2021-07-04-회고.md",
        "_drafts/a.md",
        "notes.txt",
        "_pages/about.md",
        "",
        "2021-99-99-x.md",
        "dir\\win.markdown",
    ])
    .prop_map(str::to_owned)
}

/// A title or tag a writer might use: not blank, any text inside.
fn name() -> impl Strategy<Value = String> {
    messy_text().prop_filter("blank", |s| !s.trim().is_empty())
}

fn date() -> impl Strategy<Value = DateTime<FixedOffset>> {
    (0_i64..4_102_444_800, -14_i32 * 4..=14 * 4).prop_map(|(secs, quarters)| {
        let offset = FixedOffset::east_opt(quarters * 900).unwrap();
        DateTime::from_timestamp(secs, 0)
            .unwrap()
            .with_timezone(&offset)
    })
}

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn no_bytes_make_it_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400), path in path()) {
        let _ = parse_bytes(&path, &bytes);
    }

    #[test]
    fn no_file_makes_it_panic(text in structured_file(), path in path()) {
        let _ = parse_document(&path, &text);
        let _ = parse_bytes(&path, text.as_bytes());
    }

    #[test]
    fn title_tags_and_date_read_back(
        title in name(),
        tags in proptest::collection::vec(name(), 0..6),
        date in date(),
        body in messy_text(),
        bom in any::<bool>(),
        crlf in any::<bool>(),
    ) {
        // Tags with the same slug are one tag; keep the first of each, as the reader does.
        let mut seen = std::collections::HashSet::new();
        let tags: Vec<String> = tags.into_iter().filter(|t| seen.insert(slugify(t))).collect();
        let quoted = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let mut file = format!(
            "---\ntitle: {}\ntags: [{}]\ndate: {}\n---\n{body}",
            quoted(&title),
            tags.iter().map(|t| quoted(t)).collect::<Vec<_>>().join(", "),
            date.format("%Y-%m-%d %H:%M:%S %z"),
        );
        if crlf {
            file = file.replace('\n', "\r\n");
        }
        if bom {
            file.insert(0, '\u{feff}');
        }
        let post = parse_document("post.md", &file);
        prop_assert!(post.is_ok(), "{:?}\n{}", post.err(), file);
        let post = post.unwrap();
        prop_assert_eq!(post.title, title.trim());
        let want: Vec<&str> = tags.iter().map(|t| t.trim()).collect();
        prop_assert_eq!(post.tags, want);
        prop_assert_eq!(post.published_at, Some(date));
    }
}
