//! N+1 freedom: a page of posts with author, tags and series costs the same number of
//! SQL statements whether it holds 5 posts or 50.

use quire_tests::{TestApp, both_backends};
use serde_json::json;

const QUERY: &str = r#"query($n: Int) { posts(first: $n) {
  totalCount
  nodes { title author { name } tags { name postCount } series { title }
          seriesPosition nextInSeries { title } }
} }"#;

async fn statements_do_not_grow_with_page_size(app: TestApp) {
    for i in 0..60 {
        let extra = format!("tags: [태그{}, 공통]\nseries: 시리즈 {}", i % 7, i % 4);
        app.post(
            &format!("글 {i:02}"),
            &format!("2022-01-{:02} 10:00:00 +0900", i % 28 + 1),
            &extra,
        )
        .await;
    }
    let mut counts = Vec::new();
    for n in [5, 50] {
        app.reset_statements();
        let r = app.graphql(QUERY, json!({ "n": n })).await;
        let nodes = r.data()["posts"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), n);
        assert!(
            nodes.iter().all(
                |p| p["author"]["name"] == "테스터" && p["tags"].as_array().unwrap().len() == 2
            )
        );
        counts.push(app.statement_count());
    }
    println!(
        "statements for 5 posts: {}, for 50 posts: {}",
        counts[0], counts[1]
    );
    assert_eq!(
        counts[0], counts[1],
        "statement count grew with the page size"
    );
    // The posts with their authors, totalCount, tags, tag counts, series, the posts'
    // places in their series, the neighbours (nextInSeries).
    assert_eq!(counts[0], 7, "statements of a page of posts");
}
both_backends!(statements_do_not_grow_with_page_size);

/// The benchmark's post page (shape 2): html, toc, tags, author, series and its
/// neighbours.
const POST_PAGE: &str = r#"query($slug: String!) { post(slug: $slug) {
  title html toc { level text anchor } tags { name slug } author { name slug }
  series { title slug } previousInSeries { title slug } nextInSeries { title slug }
} }"#;

/// A post page costs the same number of statements whether the post has 2 tags or 5
/// (each request asks for another post, so no response cache can answer it).
async fn post_page_statements_do_not_grow_with_tags(app: TestApp) {
    let tags = ["하나", "둘", "셋", "넷", "다섯"];
    for (i, n) in [2usize, 5, 2, 5, 2].iter().enumerate() {
        let extra = format!("tags: [{}]\nseries: 연재 글", tags[..*n].join(", "));
        app.post(
            &format!("연재 {i}편"),
            &format!("2023-03-{:02} 10:00:00 +0900", i + 1),
            &extra,
        )
        .await;
    }
    // One request first, on another post: the pool's first connections are opened
    // while a request waits, which can split its DataLoader batches.
    app.graphql(POST_PAGE, json!({ "slug": "연재-4편" })).await;
    let mut counts = Vec::new();
    // The 2nd and 4th posts of the series: 5 tags; the 3rd: 2 tags. All have neighbours.
    for (slug, n) in [("연재-1편", 5), ("연재-2편", 2), ("연재-3편", 5)] {
        app.reset_statements();
        let r = app.graphql(POST_PAGE, json!({ "slug": slug })).await;
        let post = &r.data()["post"];
        assert_eq!(post["tags"].as_array().unwrap().len(), n, "{post}");
        assert_eq!(post["author"]["name"], "테스터");
        assert_eq!(post["series"]["title"], "연재 글");
        assert!(post["previousInSeries"]["title"].is_string(), "{post}");
        assert!(post["nextInSeries"]["title"].is_string(), "{post}");
        assert!(post["toc"].is_array() && post["html"].is_string());
        counts.push(app.statement_count());
    }
    println!("statements per post page (5, 2, 5 tags): {counts:?}");
    assert!(
        counts.iter().all(|&c| c == counts[0]),
        "statement count varied: {counts:?}"
    );
    // The post with its author and series, its tags, its place in the series, the
    // neighbours.
    assert_eq!(counts[0], 4, "statements of a post page");
}
both_backends!(post_page_statements_do_not_grow_with_tags);

/// The benchmark's tag page (shape 3): a tag with its 20 newest posts.
const TAG_PAGE: &str = r#"query($slug: String!) { tag(slug: $slug) {
  name postCount
  posts(first: 20) { nodes { title slug excerpt publishedAt readingTimeMinutes
                             author { name } tags { name slug } } }
} }"#;

/// A tag page costs the same number of statements with 5 posts as with a full page of
/// 20 (out of 25).
async fn tag_page_statements_do_not_grow_with_posts(app: TestApp) {
    for i in 0..25 {
        let tags = if i < 5 {
            "[작은태그, 큰태그]"
        } else {
            "[큰태그, 기타]"
        };
        app.post(
            &format!("태그 글 {i:02}"),
            &format!("2023-04-{:02} 10:00:00 +0900", i + 1),
            &format!("tags: {tags}"),
        )
        .await;
    }
    let mut counts = Vec::new();
    for (slug, n, total) in [("작은태그", 5, 5), ("큰태그", 20, 25)] {
        app.reset_statements();
        let r = app.graphql(TAG_PAGE, json!({ "slug": slug })).await;
        let tag = &r.data()["tag"];
        let nodes = tag["posts"]["nodes"].as_array().unwrap();
        assert_eq!(nodes.len(), n, "{tag}");
        assert_eq!(tag["postCount"], total);
        assert!(
            nodes.iter().all(
                |p| p["author"]["name"] == "테스터" && p["tags"].as_array().unwrap().len() == 2
            )
        );
        counts.push(app.statement_count());
    }
    println!(
        "statements for a tag page of 5 posts: {}, of 20 posts: {}",
        counts[0], counts[1]
    );
    assert_eq!(
        counts[0], counts[1],
        "statement count grew with the page size"
    );
    // The tag with its count, the posts with their authors, the tags of the posts.
    assert_eq!(counts[0], 3, "statements of a tag page");
}
both_backends!(tag_page_statements_do_not_grow_with_posts);
