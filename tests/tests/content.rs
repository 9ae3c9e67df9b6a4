//! What a post carries through the API: offsets kept, html sanitised, front matter kept.

use quire_tests::{TestApp, both_backends, entity::user::Role};
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

/// Replaces a post's Markdown through `updatePost`; returns the post's html and excerpt.
async fn edit(app: &TestApp, token: &str, slug: &str, markdown: &str) -> serde_json::Value {
    let r = app
        .graphql(
            "query($s: String!) { post(slug: $s) { id version } }",
            json!({ "s": slug }),
        )
        .await;
    let p = &r.data()["post"];
    let vars =
        json!({ "i": { "id": p["id"], "expectedVersion": p["version"], "markdown": markdown } });
    let r = app
        .graphql_as(
            token,
            "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { html excerpt } } }",
            vars,
        )
        .await;
    r.data()["updatePost"]["post"].clone()
}

/// A post whose front matter says `math: true` gets KaTeX-ready math when it is written
/// through the API, and keeps it when it is re-rendered (unpublished); code is
/// highlighted with classes, its language kept; a post without `math: true` keeps `$`
/// as text.
async fn math_and_code_render_as_classes(app: TestApp) {
    let text = "---\ntitle: Math post\ndate: 2024-05-05\nmath: true\n---\n\nFirst draft, $x^2$.\n";
    // Imports render math as the front matter asks, too.
    let imported = app.import("fixtures/math.md", text).await;
    assert_eq!(
        imported.html,
        "<p>First draft, <span class=\"math math-inline\">\\(x^2\\)</span>.</p>\n"
    );
    app.post("Prices", "2024-05-06", "math: false").await;
    let (_, editor) = app.actor(Role::Editor).await;
    let markdown = "Euler: $e^{i\\pi} + 1 = 0$ and $a < b$.\n\n$$\n\\sum_{i=1}^n i = \\frac{n(n+1)}{2}\n$$\n\n```rust\nfn main() { println!(\"hi\"); }\n```\n";
    let p = edit(&app, &editor, "math-post", markdown).await;
    let html = p["html"].as_str().unwrap();
    for want in [
        r#"<span class="math math-inline">\(e^{i\pi} + 1 = 0\)</span>"#,
        r#"<span class="math math-inline">\(a &lt; b\)</span>"#,
        "<span class=\"math math-display\">\\[\n\\sum_{i=1}^n i = \\frac{n(n+1)}{2}\n\\]</span>",
        r#"<pre><code class="language-rust"><span class="hl-source hl-rust">"#,
    ] {
        assert!(html.contains(want), "{want} not in {html}");
    }
    assert!(!html.contains("style="), "{html}");
    assert_eq!(p["excerpt"], r"Euler: e^{i\pi} + 1 = 0 and a < b.");

    // A status change re-renders from the stored front matter: the math stays.
    let r = app
        .graphql_as(
            &editor,
            r#"query { post(slug: "math-post") { id } }"#,
            json!({}),
        )
        .await;
    let id = r.data()["post"]["id"].clone();
    app.graphql_as(
        &editor,
        "mutation($i: UnpublishPostInput!) { unpublishPost(input: $i) { post { version } } }",
        json!({ "i": { "id": id } }),
    )
    .await
    .data();
    let r = app
        .graphql_as(
            &editor,
            r#"query { post(slug: "math-post") { html status } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["post"]["status"], "DRAFT");
    assert_eq!(r.data()["post"]["html"], p["html"]);

    let p = edit(&app, &editor, "prices", "It costs $5 and $10, or $e^x$.\n").await;
    assert_eq!(p["html"], "<p>It costs $5 and $10, or $e^x$.</p>\n");
}
both_backends!(math_and_code_render_as_classes);
