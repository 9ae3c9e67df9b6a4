//! The public sees PUBLISHED posts whose time has come, never drafts, archived or
//! trashed ones, and every count agrees with that.

use chrono::{Duration, Utc};
use quire_tests::{
    TestApp, both_backends,
    entity::post,
    sea_orm::{ActiveModelTrait, Set},
};
use serde_json::json;

async fn only_public_posts_are_seen(app: TestApp) {
    let tags = "tags: [공개]";
    app.post("공개 글", "2023-01-01 10:00:00 +0900", tags).await;
    app.post(
        "초안",
        "2023-01-02 10:00:00 +0900",
        &format!("{tags}\ndraft: true"),
    )
    .await;
    let future = (Utc::now() + Duration::days(3))
        .format("%Y-%m-%d %H:%M:%S +0000")
        .to_string();
    let scheduled = app.post("예약 글", &future, tags).await;
    assert_eq!(scheduled.status, post::Status::Scheduled);
    let due = app
        .post("예약 시간이 지난 글", "2023-01-03 10:00:00 +0900", tags)
        .await;
    let archived = app
        .post("보관된 글", "2023-01-04 10:00:00 +0900", tags)
        .await;
    let trashed = app
        .post("휴지통 글", "2023-01-05 10:00:00 +0900", tags)
        .await;

    // A scheduled post whose time has passed: visible without any job running.
    let mut m: post::ActiveModel = due.into();
    m.status = Set(post::Status::Scheduled);
    m.update(&app.db).await.unwrap();
    let mut m: post::ActiveModel = archived.into();
    m.status = Set(post::Status::Archived);
    m.update(&app.db).await.unwrap();
    let mut m: post::ActiveModel = trashed.into();
    m.deleted_at = Set(Some(Utc::now()));
    m.update(&app.db).await.unwrap();

    let r = app
        .graphql(
            r#"{ posts { totalCount nodes { title status } }
                 tag(slug: "공개") { postCount posts { totalCount } }
                 tags { slug postCount }
                 draft: post(slug: "초안") { title }
                 future: post(slug: "예약-글") { title } }"#,
            json!({}),
        )
        .await;
    let d = r.data();
    assert_eq!(
        d["posts"]["nodes"],
        json!([
            { "title": "예약 시간이 지난 글", "status": "PUBLISHED" },
            { "title": "공개 글", "status": "PUBLISHED" },
        ])
    );
    assert_eq!(d["posts"]["totalCount"], 2);
    assert_eq!(d["tag"]["postCount"], 2);
    assert_eq!(d["tag"]["posts"]["totalCount"], 2);
    assert_eq!(d["tags"], json!([{ "slug": "공개", "postCount": 2 }]));
    assert_eq!(d["draft"], json!(null));
    assert_eq!(d["future"], json!(null));
}
both_backends!(only_public_posts_are_seen);
