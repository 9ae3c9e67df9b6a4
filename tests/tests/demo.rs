//! The demo blog a newcomer sees first: Korean titles, html, toc and tags over HTTP, and
//! the rest of a blog: the site and its menu, an About page, categories two deep, a post
//! by two authors with math and highlighted code.

use quire_tests::{TestApp, both_backends};
use serde_json::json;

async fn demo_blog_is_served(app: TestApp) {
    assert_eq!(
        quire_tests::quire::demo::load_if_empty(&app.db)
            .await
            .unwrap(),
        8
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
    assert_eq!(posts["totalCount"], 7, "the About page is no post");
    let titles: Vec<&str> = posts["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        [
            "모델 평가 지표 정리 - 정밀도와 재현율",
            // Both undated pages share the demo's fallback date; the later ID comes first.
            "글쓰기 모임 3분기 돌아보기 (2024 7~9월)",
            "신입 온보딩 노트",
            "Building a blog API in Rust",
            "도커 컴포즈와 CI 붙이기",
            "도커를 처음 배우며 - 컨테이너 입문",
            "2023년 회고",
        ]
    );
    let retro = &posts["nodes"][6];
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
    let notes = &posts["nodes"][2];
    let html = notes["html"].as_str().unwrap();
    assert!(
        !html.contains("{:") && !html.contains("TOC") && !html.contains("Table of contents"),
        "{html}"
    );
    assert_eq!(notes["toc"][0]["text"], "첫 주에 한 일");
    assert_eq!(
        notes["category"]["path"],
        json!([{ "name": "Writes" }, { "name": "Personal" }])
    );

    // The post by two authors, with math and highlighted code.
    let r = app
        .graphql(
            r#"{ post(slug: "모델-평가-지표-정리-정밀도와-재현율") { html authors { name } category { path { slug } } } }"#,
            json!({}),
        )
        .await;
    let model = &r.data()["post"];
    assert_eq!(
        model["authors"],
        json!([{ "name": "김하늘" }, { "name": "이도윤" }])
    );
    assert_eq!(
        model["category"]["path"],
        json!([{ "slug": "개발" }, { "slug": "mlops" }])
    );
    let html = model["html"].as_str().unwrap();
    assert!(
        html.contains(r#"<span class="math math-inline">"#),
        "{html}"
    );
    assert!(html.contains(r#"class="math math-display""#), "{html}");
    assert!(html.contains(r#"<code class="language-python">"#), "{html}");
    assert!(html.contains(r#"<span class="hl-"#), "{html}");

    // The site, its menu (a page and a category among its targets) and the About page.
    let r = app
        .graphql(
            "{ site { title language primaryMenu { label url children { label url } } }
               page(slug: \"about\") { title html breadcrumbs { slug } }
               category(slug: \"개발\") { postCount children { name postCount } } }",
            json!({}),
        )
        .await;
    let d = r.data();
    assert_eq!(d["site"]["title"], "하늘의 개발 노트");
    assert_eq!(d["site"]["language"], "ko");
    let menu = &d["site"]["primaryMenu"];
    assert_eq!(
        menu[1],
        json!({ "label": "소개", "url": "/about", "children": [] })
    );
    assert_eq!(menu[2]["url"], "/categories/개발");
    assert_eq!(
        menu[2]["children"],
        json!([{ "label": "MLOps", "url": "/categories/mlops" }])
    );
    assert_eq!(d["page"]["title"], "소개");
    assert!(
        d["page"]["html"]
            .as_str()
            .unwrap()
            .contains("<li>도커와 CI로")
    );
    assert_eq!(d["page"]["breadcrumbs"], json!([]));
    assert_eq!(d["category"]["postCount"], 1);
    assert_eq!(
        d["category"]["children"],
        json!([{ "name": "MLOps", "postCount": 1 }])
    );
}
both_backends!(demo_blog_is_served);
