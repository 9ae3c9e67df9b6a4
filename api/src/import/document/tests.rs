//! Tests of [`super::parse_document`]: one per kind of file it must understand.

use super::*;

#[test]
fn chirpy_style() {
    let p = parse_document(
        "posts/review.md",
        "---\ntitle: 올해 회고\nauthor: 홍길동\ncategories: [ETC, Retrospective]\ntags: [retrospective]\npin: false\ndate: 2022-01-01 17:30:00 +0900\n---\n\n# 첫 절\n본문\n",
    )
    .unwrap();
    assert_eq!(p.title, "올해 회고");
    // Categories are a path, not tags: the tags stay as written.
    assert_eq!(p.tags, vec!["retrospective"]);
    assert_eq!(p.category_path, vec!["ETC", "Retrospective"]);
    assert_eq!(
        p.published_at.unwrap().to_rfc3339(),
        "2022-01-01T17:30:00+09:00"
    );
    assert_eq!(p.date_source, DateSource::FrontMatter);
    assert_eq!(p.authors, ["홍길동"]);
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
    let p = parse_document("b.md", "+++\nzeta = 1\ntitle = \"t\"\nalpha = 2\n+++\nx\n").unwrap();
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
    assert_eq!(p.tags, vec!["Diary", "acme"]);
    assert_eq!(p.category_path, vec!["essay"]);
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
    assert_eq!(p.tags, vec!["rust", "웹 개발"]);
    assert_eq!(p.category_path, vec!["dev", "backend"]);
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

#[test]
fn just_the_docs_parents_are_a_category_path() {
    let p = parse_document(
        "docs/personal/review.md",
        "---\ntitle: 회고\nparent: Personal\ngrand_parent: Writes\nnav_order: 2\n---\n본문\n",
    )
    .unwrap();
    assert_eq!(p.category_path, vec!["Writes", "Personal"]);
    assert!(p.tags.is_empty());
}

#[test]
fn authors_come_from_authors_or_author_lists_and_strings() {
    let authors = |fm: &str| {
        parse_document("a.md", &format!("---\ntitle: 소개\n{fm}\n---\n본문\n"))
            .unwrap()
            .authors
    };
    assert_eq!(authors("authors: [김하늘, 이바다]"), ["김하늘", "이바다"]);
    assert_eq!(authors("authors: 김하늘, 이바다"), ["김하늘", "이바다"]);
    assert_eq!(authors("author: 김 하늘"), ["김 하늘"]);
    assert_eq!(
        authors("author: [김하늘, 이바다, 김하늘]"),
        ["김하늘", "이바다"]
    );
    assert_eq!(
        authors("authors: []\nauthor: 홍길동"),
        ["홍길동"],
        "an empty authors: list falls back to author:"
    );
    assert!(authors("author: \"\"").is_empty());
}
