//! Migrations and entities agree: after the real migrations run, every entity can be
//! written and read back on both databases.

use quire_tests::{
    TestApp, both_backends,
    entity::{post, post_tag, series, tag, user},
    sea_orm::{ActiveModelTrait, EntityTrait, Set},
};

async fn every_entity_round_trips(app: TestApp) {
    let now = quire_tests::quire::service::now();
    let s = series::ActiveModel {
        slug: Set("s".into()),
        title: Set("시리즈".into()),
        description: Set(Some("설명".into())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let t = tag::ActiveModel {
        slug: Set("t".into()),
        name: Set("태그".into()),
        description: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let p = post::ActiveModel {
        slug: Set("p".into()),
        title: Set("글".into()),
        subtitle: Set(Some("부제".into())),
        markdown: Set("# x".into()),
        html: Set("<h1>x</h1>".into()),
        toc: Set(serde_json::json!([])),
        custom_excerpt: Set(None),
        excerpt: Set("x".into()),
        reading_time_minutes: Set(1),
        word_count: Set(1),
        status: Set(post::Status::Archived),
        published_at: Set(Some(now)),
        published_at_offset: Set(Some(32_400)),
        author_id: Set(app.author_id),
        series_id: Set(Some(s.id)),
        series_position: Set(Some(1)),
        cover_image: Set(None),
        canonical_url: Set(None),
        meta_description: Set(None),
        front_matter: Set(serde_json::json!({ "k": [1, "둘"] })),
        source_path: Set(Some("a/b.md".into())),
        version: Set(3),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(Some(now)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    post_tag::ActiveModel {
        post_id: Set(p.id),
        tag_id: Set(t.id),
        position: Set(0),
    }
    .insert(&app.db)
    .await
    .unwrap();

    assert_eq!(
        post::Entity::find_by_id(p.id)
            .one(&app.db)
            .await
            .unwrap()
            .unwrap(),
        p
    );
    assert_eq!(series::Entity::find().all(&app.db).await.unwrap(), vec![s]);
    assert_eq!(tag::Entity::find().all(&app.db).await.unwrap(), vec![t]);
    assert_eq!(
        post_tag::Entity::find().all(&app.db).await.unwrap().len(),
        1
    );
    let users = user::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].role, user::Role::Author);
}
both_backends!(every_entity_round_trips);
