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
    // posts, totalCount, authors, tags, tag counts, series, series posts.
    assert!(counts[0] <= 7, "{} statements", counts[0]);
}
both_backends!(statements_do_not_grow_with_page_size);
