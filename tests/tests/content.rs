//! What a post carries through the API: offsets kept, html sanitised, front matter kept.

use quire_tests::{TestApp, both_backends};
use serde_json::json;

async fn published_at_keeps_its_offset(app: TestApp) {
    app.post("시간대 테스트", "2022-01-01 17:30:00 +0900", "")
        .await;
    app.post("Pacific", "2021-07-04T10:00:00-07:00", "").await;
    let r = app
        .graphql("{ posts { nodes { title publishedAt } } }", json!({}))
        .await;
    assert_eq!(
        r.data()["posts"]["nodes"],
        json!([
            { "title": "시간대 테스트", "publishedAt": "2022-01-01T17:30:00+09:00" },
            { "title": "Pacific", "publishedAt": "2021-07-04T10:00:00-07:00" },
        ])
    );
    // Filters compare instants: 08:30Z is the same moment as 17:30+09:00.
    let r = app
        .graphql(
            r#"{ posts(filter: { publishedAfter: "2022-01-01T08:29:59Z" }) { totalCount } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["posts"]["totalCount"], 1);
}
both_backends!(published_at_keeps_its_offset);

async fn html_is_sanitised_and_front_matter_kept(app: TestApp) {
    let text = "---\ntitle: 위험한 글\ndate: 2022-02-02\nlayout: post\npin: true\nmath: false\ngrand_parent : Writes\nimage: /img/cover.png\ncanonical_url: https://old.example.com/p\ndescription: 요약 설명\n---\n\n## 시작\n<script>alert('x')</script>\n\n<a href=\"javascript:alert(1)\" onclick=\"steal()\">링크</a>\n\n<img src=\"/a.png\" onerror=\"steal()\">\n";
    app.import("fixtures/danger.md", text).await;
    let r = app
        .graphql(
            r#"{ post(slug: "위험한-글") { html excerpt metaDescription coverImage canonicalUrl frontMatter readingTimeMinutes wordCount version } }"#,
            json!({}),
        )
        .await;
    let p = &r.data()["post"];
    let html = p["html"].as_str().unwrap();
    for bad in ["<script", "javascript:", "onclick", "onerror", "steal"] {
        assert!(!html.contains(bad), "{bad} survived: {html}");
    }
    assert!(html.contains(r#"<h2 id="시작">시작</h2>"#), "{html}");
    assert_eq!(p["excerpt"], "요약 설명");
    assert_eq!(p["metaDescription"], "요약 설명");
    assert_eq!(p["coverImage"], "/img/cover.png");
    assert_eq!(p["canonicalUrl"], "https://old.example.com/p");
    assert_eq!(p["frontMatter"]["layout"], "post");
    assert_eq!(p["frontMatter"]["pin"], true);
    assert_eq!(p["frontMatter"]["grand_parent"], "Writes");
    assert_eq!(p["frontMatter"]["title"], "위험한 글");
    assert_eq!(p["readingTimeMinutes"], 1);
    assert_eq!(p["version"], 1);
}
both_backends!(html_is_sanitised_and_front_matter_kept);

async fn reimport_updates_instead_of_duplicating(app: TestApp) {
    let v1 = "---\ntitle: 고쳐 쓸 글\ndate: 2022-03-03\ntags: [a]\n---\n처음 본문\n";
    let first = app.import("fixtures/rewrite.md", v1).await;
    let same = app.import("fixtures/rewrite.md", v1).await;
    assert_eq!(
        same.version, first.version,
        "an unchanged file is not rewritten"
    );
    let second = app
        .import(
            "fixtures/rewrite.md",
            &v1.replace("처음", "고친").replace("[a]", "[a, b]"),
        )
        .await;
    assert_eq!(second.id, first.id);
    assert_eq!(second.version, first.version + 1);
    let r = app
        .graphql(
            r#"{ posts { totalCount nodes { excerpt tags { slug } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["posts"],
        json!({ "totalCount": 1, "nodes": [{ "excerpt": "고친 본문", "tags": [{ "slug": "a" }, { "slug": "b" }] }] })
    );
}
both_backends!(reimport_updates_instead_of_duplicating);
