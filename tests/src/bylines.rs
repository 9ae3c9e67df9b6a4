//! Helpers for the co-author tests: a user's `Author` ID, a post's author rows and the
//! posts whose rows break the rule, names out of an `authors` list, database ids out of
//! Relay IDs.

use entity::user;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use super::TestApp;

/// The Relay ID of a user's author profile.
pub async fn author_id(app: &TestApp, u: &user::Model) -> Value {
    let r = app
        .graphql(
            "query($s: String!) { author(slug: $s) { id } }",
            json!({ "s": u.slug }),
        )
        .await;
    r.data()["author"]["id"].clone()
}

/// `post_authors` of a post as `user_id:position` pairs, in order.
pub async fn rows(app: &TestApp, post_id: i64) -> Vec<(i64, i64)> {
    let backend = app.db.get_database_backend();
    app.db
        .query_all_raw(sea_orm::Statement::from_string(
            backend,
            format!(
                "SELECT user_id, position FROM post_authors WHERE post_id = {post_id} ORDER BY position"
            ),
        ))
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.try_get_by_index::<i64>(0).unwrap(),
                i64::from(r.try_get_by_index::<i32>(1).unwrap()),
            )
        })
        .collect()
}

/// Posts whose author rows break the rule: no row at position 0 for `author_id`, or
/// positions that are not 0, 1, 2, … without gaps.
pub async fn broken_posts(app: &TestApp) -> i64 {
    app.number(
        "SELECT COUNT(*) FROM posts p WHERE NOT EXISTS \
         (SELECT 1 FROM post_authors a WHERE a.post_id = p.id AND a.position = 0 AND a.user_id = p.author_id) \
         OR (SELECT MAX(position) + 1 - COUNT(*) FROM post_authors a WHERE a.post_id = p.id) <> 0",
    )
    .await
}

pub fn names(v: &Value) -> Vec<&str> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect()
}

pub fn id_of(global: &Value) -> i64 {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD
        .decode(global.as_str().unwrap())
        .unwrap();
    String::from_utf8(raw)
        .unwrap()
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}
