//! Response fields come back in the order the query asked for them (GraphQL spec
//! §7.2.2), whatever order the resolvers finish in: through aliases, fragments, inline
//! fragments, lists and a field selected twice.

use quire_tests::{TestApp, both_backends};
use serde_json::json;

/// The raw response text of `query`.
async fn text(app: &TestApp, query: &str) -> String {
    app.client()
        .post(app.url("/graphql"))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap()
}

/// Asserts that `keys` (as `"key":`) appear in `body` in this order.
fn assert_in_order(body: &str, keys: &[&str]) {
    let mut from = 0;
    for key in keys {
        let needle = format!("\"{key}\":");
        let at = body[from..]
            .find(&needle)
            .unwrap_or_else(|| panic!("{needle} not found in order in {body}"));
        from += at + needle.len();
    }
}

async fn fields_keep_the_query_order(app: TestApp) {
    app.post(
        "첫 글",
        "2023-01-01 10:00:00 +0900",
        "tags: [순서]\nseries: 차례",
    )
    .await;
    app.post(
        "둘째 글",
        "2023-01-02 10:00:00 +0900",
        "tags: [순서]\nseries: 차례",
    )
    .await;
    // `postCount` and `totalCount` wait for the database; `name` and `title` do not.
    let body = text(
        &app,
        r#"{ tag(slug: "순서") { postCount name posts(first: 5) { totalCount nodes { title } } slug } }"#,
    )
    .await;
    assert_in_order(
        &body,
        &[
            "tag",
            "postCount",
            "name",
            "posts",
            "totalCount",
            "nodes",
            "title",
            "title",
            "slug",
        ],
    );

    let body = text(
        &app,
        r#"query Q { z: posts(first: 2) { nodes { ...F series { title } title
                       ... on Post { readingTimeMinutes } author { name } } totalCount }
                     a: tags { postCount slug } }
           fragment F on Post { tags { slug } excerpt }"#,
    )
    .await;
    let post = [
        "tags",
        "slug",
        "excerpt",
        "series",
        "title",
        "title",
        "readingTimeMinutes",
        "author",
        "name",
    ];
    let mut keys = vec!["z", "nodes"];
    keys.extend(post);
    keys.extend(post);
    keys.extend(["totalCount", "a", "postCount", "slug"]);
    assert_in_order(&body, &keys);

    // A field selected twice is one key, with both selections merged in order.
    let body = text(
        &app,
        r#"{ post(slug: "둘째-글") { previousInSeries { title } seriesPosition previousInSeries { slug } } }"#,
    )
    .await;
    assert_in_order(
        &body,
        &[
            "post",
            "previousInSeries",
            "title",
            "slug",
            "seriesPosition",
        ],
    );
    assert_eq!(body.matches("\"previousInSeries\":").count(), 1, "{body}");
}
both_backends!(fields_keep_the_query_order);
