//! A public listing by tags is read from the tags' links, which carry a copy of their
//! post's visibility and date (kept by triggers). Tag pages, tag counts and `posts(filter:
//! { tags })` must show exactly what the posts say after every kind of change: status,
//! schedule, trash and restore, a new date, new tags, a purge; and page the same way
//! forwards, backwards and by number.

use chrono::{Duration, Utc};
use quire_tests::{
    TestApp, both_backends,
    entity::post,
    sea_orm::{ActiveModelTrait, EntityTrait, Set},
};
use serde_json::{Value, json};

fn titles(nodes: &Value) -> Vec<String> {
    nodes
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect()
}

/// The whole tag page of `a` (and its counts), which must agree with the generic listing
/// filtered by that tag; returns the titles, newest first.
async fn tag_a(app: &TestApp) -> Vec<String> {
    let r = app
        .graphql(
            r#"{ tag(slug: "a") { postCount posts(first: 100) { totalCount nodes { title } } }
                 posts(filter: { tags: ["a"] }, first: 100) { totalCount nodes { title } } }"#,
            json!({}),
        )
        .await;
    let d = r.data();
    let shown = titles(&d["tag"]["posts"]["nodes"]);
    assert_eq!(titles(&d["posts"]["nodes"]), shown);
    let n = shown.len();
    assert_eq!(d["tag"]["postCount"], n);
    assert_eq!(d["tag"]["posts"]["totalCount"], n);
    assert_eq!(d["posts"]["totalCount"], n);
    shown
}

async fn set(app: &TestApp, p: &post::Model, change: impl FnOnce(&mut post::ActiveModel)) {
    let fresh = post::Entity::find_by_id(p.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut m: post::ActiveModel = fresh.into();
    change(&mut m);
    m.update(&app.db).await.unwrap();
}

async fn tag_pages_follow_every_change_of_their_posts(app: TestApp) {
    let mut posts = Vec::new();
    for day in 1..=6 {
        let tags = if day % 2 == 0 { "[a, b]" } else { "[a]" };
        posts.push(
            app.post(
                &format!("글 {day}"),
                &format!("2023-01-0{day} 10:00:00 +0900"),
                &format!("tags: {tags}"),
            )
            .await,
        );
    }
    app.post("b만", "2023-01-10 10:00:00 +0900", "tags: [b]")
        .await;
    let all = ["글 6", "글 5", "글 4", "글 3", "글 2", "글 1"];
    assert_eq!(tag_a(&app).await, all);

    // Paging forwards, backwards and by number gives the same order.
    let r = app
        .graphql(
            r#"{ tag(slug: "a") { posts(first: 4) { nodes { title } pageInfo { endCursor } } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(titles(&r.data()["tag"]["posts"]["nodes"]), all[..4]);
    let cursor = r.data()["tag"]["posts"]["pageInfo"]["endCursor"].clone();
    let r = app
        .graphql(
            r#"query($c: String) { tag(slug: "a") {
                 next: posts(first: 4, after: $c) { nodes { title } pageInfo { hasNextPage } }
                 back: posts(last: 2, before: $c) { nodes { title } pageInfo { hasPreviousPage } } } }"#,
            json!({ "c": cursor }),
        )
        .await;
    let d = &r.data()["tag"];
    assert_eq!(titles(&d["next"]["nodes"]), all[4..]);
    assert_eq!(d["next"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(titles(&d["back"]["nodes"]), all[1..3]);
    assert_eq!(d["back"]["pageInfo"]["hasPreviousPage"], true);
    let r = app
        .graphql(
            r#"{ posts(filter: { tags: ["a"] }, page: 2, pageSize: 4) { nodes { title } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(titles(&r.data()["posts"]["nodes"]), all[4..]);

    // Two tags: each post once, newest first, counted once.
    let r = app
        .graphql(
            r#"{ posts(filter: { tags: ["a", "b"] }, first: 3) { totalCount nodes { title } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["posts"]["totalCount"], 7);
    assert_eq!(titles(&r.data()["posts"]["nodes"]), ["b만", "글 6", "글 5"]);

    // A draft, a post scheduled for later, a trashed post: gone from the page.
    set(&app, &posts[5], |m| m.status = Set(post::Status::Draft)).await;
    let later = Utc::now() + Duration::days(2);
    set(&app, &posts[4], |m| {
        m.status = Set(post::Status::Scheduled);
        m.published_at = Set(Some(later));
    })
    .await;
    set(&app, &posts[3], |m| m.deleted_at = Set(Some(Utc::now()))).await;
    assert_eq!(tag_a(&app).await, ["글 3", "글 2", "글 1"]);

    // Restored, published again, and a scheduled post whose time has come.
    set(&app, &posts[3], |m| m.deleted_at = Set(None)).await;
    set(&app, &posts[5], |m| m.status = Set(post::Status::Published)).await;
    set(&app, &posts[4], |m| {
        m.published_at = Set(Some(Utc::now() - Duration::minutes(1)));
    })
    .await;
    assert_eq!(
        tag_a(&app).await,
        ["글 5", "글 6", "글 4", "글 3", "글 2", "글 1"]
    );

    // A new date moves a post; archiving hides it.
    set(&app, &posts[0], |m| {
        m.published_at = Set(Some(Utc::now() - Duration::seconds(10)));
    })
    .await;
    set(&app, &posts[1], |m| m.status = Set(post::Status::Archived)).await;
    assert_eq!(tag_a(&app).await, ["글 1", "글 5", "글 6", "글 4", "글 3"]);

    // New tags (re-imported file): off `a`, onto `a`.
    app.post("글 3", "2023-01-03 10:00:00 +0900", "tags: [b]")
        .await;
    app.post("b만", "2023-01-10 10:00:00 +0900", "tags: [b, a]")
        .await;
    assert_eq!(tag_a(&app).await, ["글 1", "글 5", "b만", "글 6", "글 4"]);

    // A purged post and its links are gone.
    post::Entity::delete_by_id(posts[5].id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(tag_a(&app).await, ["글 1", "글 5", "b만", "글 4"]);
}
both_backends!(tag_pages_follow_every_change_of_their_posts);
