//! The demo blog a newcomer sees first: Korean titles, html, toc and tags over HTTP.

use quire_tests::{TestApp, both_backends};
use serde_json::json;

async fn demo_blog_is_served(app: TestApp) {
    assert_eq!(
        quire_tests::quire::demo::load_if_empty(&app.db)
            .await
            .unwrap(),
        6
    );
    // A second start does not load it again.
    assert_eq!(
        quire_tests::quire::demo::load_if_empty(&app.db)
            .await
            .unwrap(),
        0
    );

    let r = app
        .graphql(
            "{ posts(first: 10) { totalCount nodes { title slug html toc { level text anchor } tags { slug } category { path { name } } publishedAt } } }",
            json!({}),
        )
        .await;
    let posts = &r.data()["posts"];
    assert_eq!(posts["totalCount"], 6);
    let titles: Vec<&str> = posts["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            // Both undated pages share the demo's fallback date; the later ID comes first.
            "글쓰기 모임 3분기 돌아보기 (2024 7~9월)",
            "신입 온보딩 노트",
            "Building a blog API in Rust",
            "도커 컴포즈와 CI 붙이기",
            "도커를 처음 배우며 - 컨테이너 입문",
            "2023년 회고",
        ]
    );
    let retro = &posts["nodes"][5];
    assert_eq!(retro["slug"], "2023년-회고");
    assert_eq!(retro["publishedAt"], "2024-01-02T21:10:00+09:00");
    assert_eq!(retro["tags"], json!([{ "slug": "retrospective" }]));
    assert_eq!(
        retro["category"]["path"],
        json!([{ "name": "ETC" }, { "name": "Retrospective" }])
    );
    assert!(
        retro["html"]
            .as_str()
            .unwrap()
            .contains(r#"<h2 id="잘한-점">잘한 점</h2>"#)
    );
    assert_eq!(
        retro["toc"][0],
        json!({ "level": 1, "text": "한 해를 돌아보며", "anchor": "한-해를-돌아보며" })
    );

    // The just-the-docs page: its kramdown TOC block is gone from html and toc.
    let notes = &posts["nodes"][1];
    let html = notes["html"].as_str().unwrap();
    assert!(
        !html.contains("{:") && !html.contains("TOC") && !html.contains("Table of contents"),
        "{html}"
    );
    assert_eq!(notes["toc"][0]["text"], "첫 주에 한 일");
}
both_backends!(demo_blog_is_served);
