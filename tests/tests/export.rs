//! `quire export` writes Jekyll files, and importing them into an empty database gives
//! the same posts: titles, slugs, dates with offsets, tags, series order, Markdown and
//! statuses (issue 4's round trip), on both databases.

use quire_tests::{
    TestApp, both_backends,
    entity::{post, series, user::Role},
    fixtures::{FixtureBlog, GOOD_FILES},
    quire::{
        commands::{export, import},
        service::{author, import::ImportStatus, tag},
    },
    sea_orm::{DatabaseConnection, EntityTrait, QueryOrder},
};

/// Everything a round trip must keep, for each post in slug order.
async fn snapshot(db: &DatabaseConnection) -> Vec<String> {
    let posts = post::Entity::find()
        .order_by_asc(post::Column::Slug)
        .all(db)
        .await
        .unwrap();
    let mut out = Vec::new();
    for p in posts {
        let tags: Vec<String> = tag::by_posts(db, &[p.id])
            .await
            .unwrap()
            .remove(&p.id)
            .unwrap_or_default()
            .into_iter()
            .map(|t| t.slug)
            .collect();
        let series = match p.series_id {
            Some(id) => series::Entity::find_by_id(id)
                .one(db)
                .await
                .unwrap()
                .map(|s| s.title),
            None => None,
        };
        let author = author::find_by_ids(db, &[p.author_id])
            .await
            .unwrap()
            .remove(0)
            .slug;
        out.push(format!(
            "{} | {} | {:?} {:?} | {tags:?} | {series:?} #{:?} | {:?} | {:?} {:?} {:?} {:?} | {author}\n{}",
            p.slug, p.title, p.published_at, p.published_at_offset, p.series_position, p.status,
            p.subtitle, p.custom_excerpt, p.excerpt, p.cover_image, p.markdown
        ));
    }
    out
}

async fn export_then_import_gives_the_same_posts(app: TestApp) {
    let blog = FixtureBlog::new();
    let req = import::ImportRequest {
        paths: blog.good_dirs(),
        dry_run: false,
        author: None,
        status: ImportStatus::Published,
    };
    import::run(&app.db, &req).await.unwrap();
    let before = snapshot(&app.db).await;
    assert_eq!(before.len(), GOOD_FILES);

    let out = std::env::temp_dir().join(format!("quire-export-{}", uuid::Uuid::new_v4().simple()));
    let report = export::run(&app.db, &out).await.unwrap();
    assert_eq!(
        (report.written, report.drafts, report.trashed),
        (GOOD_FILES, 1, 0)
    );
    let chirpy = std::fs::read_to_string(out.join("_posts/2023-12-31-2023년을-보내며.md")).unwrap();
    assert!(
        chirpy.starts_with("---\ntitle: 2023년을 보내며\n"),
        "{chirpy}"
    );
    assert!(chirpy.contains("2023-12-31 22:15:00 +0900"), "{chirpy}");
    assert!(
        chirpy.contains("pin: true") && chirpy.contains("draft: false"),
        "{chirpy}"
    );
    let draft =
        std::fs::read_to_string(out.join("_posts/2024-03-01-unfinished-themes.md")).unwrap();
    assert!(draft.contains("draft: true"), "{draft}");
    let hugo = std::fs::read_to_string(out.join("_posts/2024-02-10-static-sites-2.md")).unwrap();
    assert!(
        hugo.contains("series: Static sites") && hugo.contains("<!--more-->"),
        "{hugo}"
    );

    let (fresh, _guard) = quire_tests::fresh_database(app.backend).await.unwrap();
    author::ensure(
        &fresh,
        author::NewUser {
            slug: "tester",
            display_name: "테스터",
            email: "t@example.com",
            bio: None,
            role: Role::Author,
        },
    )
    .await
    .unwrap();
    let again = import::ImportRequest {
        paths: vec![out.clone()],
        ..req
    };
    let report = import::run(&fresh, &again).await.unwrap();
    assert_eq!(report.failed(), 0, "{}", report.render());
    let after = snapshot(&fresh).await;
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(b, a);
    }
    assert_eq!(before.len(), after.len());

    // Importing the export over the original database changes nothing.
    let over = import::run(&app.db, &again).await.unwrap();
    assert_eq!(
        over.count(quire_tests::quire::service::import::Outcome::Unchanged)
            + over.count(quire_tests::quire::service::import::Outcome::Updated),
        GOOD_FILES,
        "{}",
        over.render()
    );
    assert_eq!(snapshot(&app.db).await, before);
    std::fs::remove_dir_all(out).unwrap();
}
both_backends!(export_then_import_gives_the_same_posts);
