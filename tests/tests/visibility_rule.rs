//! The one rule of public visibility, restated three ways, agrees with itself: the SQL
//! condition on posts, the Rust predicate, and the listing copy that the migration's
//! triggers keep on every tag link (which cannot import the rule and restates it in SQL).
//! Every status, date and trash combination is tried, with links that followed a change
//! of their post and links inserted afterwards.

use chrono::Duration;
use quire_tests::{
    TestApp, both_backends,
    entity::{post, post_tag, tag},
    quire::service::post::visibility::{
        is_public, next_publication, publicly_listed, publicly_visible,
    },
    sea_orm::{
        ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Iterable,
        QueryFilter, Set,
    },
};

async fn every_combination_agrees(app: TestApp) {
    let now = quire_tests::quire::service::now();
    let past = now - Duration::days(1);
    let future = now + Duration::days(1);
    let mut cases = Vec::new();
    for status in post::Status::iter() {
        for date in [None, Some(past), Some(future)] {
            for trashed in [false, true] {
                cases.push((status, date, trashed));
            }
        }
    }
    assert_eq!(cases.len(), 24);

    let mut posts = Vec::new();
    for (i, (status, date, trashed)) in cases.iter().enumerate() {
        let p = app
            .post(
                &format!("규칙 {i}"),
                "2023-01-01 10:00:00 +0900",
                "tags: [규칙]",
            )
            .await;
        let mut a = p.into_active_model();
        a.status = Set(*status);
        a.published_at = Set(*date);
        a.deleted_at = Set(trashed.then_some(past));
        posts.push(a.update(&app.db).await.unwrap());
    }

    // A second link for each post, inserted after its changes: filled by the trigger.
    let later = tag::ActiveModel {
        name: Set("규칙 나중".into()),
        slug: Set("규칙-나중".into()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    for p in &posts {
        app.db
            .execute_unprepared(&format!(
                "INSERT INTO post_tags (post_id, tag_id, position) VALUES ({}, {}, 1)",
                p.id, later.id
            ))
            .await
            .unwrap();
    }

    let by_condition: Vec<i64> = post::Entity::find()
        .filter(publicly_visible(now))
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|p| p.id)
        .collect();
    let links = post_tag::Entity::find()
        .filter(publicly_listed(now))
        .all(&app.db)
        .await
        .unwrap();
    let first = tag::Entity::find()
        .filter(tag::Column::Slug.eq("규칙"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();

    let mut public = Vec::new();
    for (p, (status, date, trashed)) in posts.iter().zip(&cases) {
        let expected = matches!(status, post::Status::Published | post::Status::Scheduled)
            && *date == Some(past)
            && !trashed;
        let case = format!("{status:?} {date:?} trashed={trashed}");
        assert_eq!(is_public(p, now), expected, "Rust predicate, {case}");
        assert_eq!(
            by_condition.contains(&p.id),
            expected,
            "SQL condition, {case}"
        );
        for t in [first.id, later.id] {
            let listed = links.iter().any(|l| l.post_id == p.id && l.tag_id == t);
            assert_eq!(listed, expected, "trigger copy on tag {t}, {case}");
        }
        if expected {
            public.push(p.title.clone());
        }
    }
    assert_eq!(public.len(), 2, "{public:?}");

    // The next post to go live: a listed status, not trashed, dated in the future.
    assert_eq!(next_publication(&app.db, now).await.unwrap(), Some(future));
    for p in &posts {
        if p.published_at == Some(future) && p.deleted_at.is_none() {
            let mut a = p.clone().into_active_model();
            a.status = Set(post::Status::Draft);
            a.update(&app.db).await.unwrap();
        }
    }
    assert_eq!(next_publication(&app.db, now).await.unwrap(), None);
}
both_backends!(every_combination_agrees);
