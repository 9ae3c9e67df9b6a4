//! Names made only of emoji or symbols still get an address: a post, tag or series
//! called `🚀` is found at `rocket`, one called `!!!` at a short stable hash, whether it
//! was written through the API or imported.

use quire_tests::{TestApp, both_backends, entity::user::Role};
use serde_json::json;

const CREATE: &str =
    "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id slug } } }";
const PUBLISH: &str =
    "mutation($i: PublishPostInput!) { publishPost(input: $i) { post { slug } } }";
const READ: &str = r#"query($post: String!, $tag: String!, $series: String!) {
    post(slug: $post) { title tags { name slug } series { title slug } }
    tag(slug: $tag) { name postCount }
    series(slug: $series) { title }
}"#;

async fn emoji_names_are_addressable(app: TestApp) {
    let (_, token) = app.actor(Role::Editor).await;
    let r = app
        .graphql_as(
            &token,
            CREATE,
            json!({ "i": { "title": "🚀", "markdown": "발사!", "tags": ["✨", "!!!"], "series": "🔥" } }),
        )
        .await;
    let created = &r.data()["createPost"]["post"];
    assert_eq!(created["slug"], "rocket");
    let r = app
        .graphql_as(&token, PUBLISH, json!({ "i": { "id": created["id"] } }))
        .await;
    assert_eq!(r.data()["publishPost"]["post"]["slug"], "rocket");

    let vars = json!({ "post": "rocket", "tag": "sparkles", "series": "fire" });
    let d = app.graphql(READ, vars).await.data().clone();
    assert_eq!(d["post"]["title"], "🚀");
    assert_eq!(
        d["post"]["tags"],
        json!([{ "name": "✨", "slug": "sparkles" }, { "name": "!!!", "slug": "e84c538e" }])
    );
    assert_eq!(
        d["post"]["series"],
        json!({ "title": "🔥", "slug": "fire" })
    );
    assert_eq!(d["tag"], json!({ "name": "✨", "postCount": 1 }));
    assert_eq!(d["series"], json!({ "title": "🔥" }));
    let r = app
        .graphql(r#"{ tag(slug: "e84c538e") { name postCount } }"#, json!({}))
        .await;
    assert_eq!(r.data()["tag"], json!({ "name": "!!!", "postCount": 1 }));

    // The same names through the API's tag and series mutations.
    let r = app
        .graphql_as(
            &token,
            r#"mutation { createTag(input: { name: "🎉" }) { tag { slug } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(r.data()["createTag"]["tag"]["slug"], "tada");

    // A second post of the same name gets the next free slug.
    let r = app
        .graphql_as(&token, CREATE, json!({ "i": { "title": "🚀" } }))
        .await;
    assert_eq!(r.data()["createPost"]["post"]["slug"], "rocket-2");
}
both_backends!(emoji_names_are_addressable);

async fn imported_emoji_names_are_addressable(app: TestApp) {
    let p = app
        .post(
            "💡",
            "2024-01-01 10:00:00 +0900",
            "tags: [🌱, \"???\"]\nseries: 🧪",
        )
        .await;
    assert_eq!(p.slug, "bulb");
    let vars = json!({ "post": "bulb", "tag": "seedling", "series": "test-tube" });
    let d = app.graphql(READ, vars).await.data().clone();
    assert_eq!(d["post"]["title"], "💡");
    let question = quire_tests::quire::slug::slugify("???");
    assert_eq!(question.len(), 8);
    assert_eq!(
        d["post"]["tags"],
        json!([{ "name": "🌱", "slug": "seedling" }, { "name": "???", "slug": question }])
    );
    assert_eq!(
        d["post"]["series"],
        json!({ "title": "🧪", "slug": "test-tube" })
    );
    assert_eq!(d["tag"], json!({ "name": "🌱", "postCount": 1 }));
    assert_eq!(d["series"], json!({ "title": "🧪" }));
}
both_backends!(imported_emoji_names_are_addressable);
