//! `quire export` writes Jekyll files, and importing them into an empty database gives
//! the same posts: titles, slugs, dates with offsets, tags, series order, Markdown and
//! statuses, archived posts and posts in the trash included (issue 4's round trip), on
//! both databases.

use quire_tests::{
    TestApp, both_backends,
    entity::{post, series, user::Role},
    fixtures::{FixtureBlog, GOOD_FILES},
    quire::{
        commands::{export, import},
        service::{author, import::ImportStatus, tag},
    },
    sea_orm::{
        ActiveModelTrait, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
        Set,
    },
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
            "{} | {} | {:?} {:?} | {tags:?} | {series:?} #{:?} | {:?} trashed {:?} | {:?} {:?} {:?} {:?} | {author}\n{}",
            p.slug, p.title, p.published_at, p.published_at_offset, p.series_position, p.status,
            p.deleted_at, p.subtitle, p.custom_excerpt, p.excerpt, p.cover_image, p.markdown
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
    // An archived post and one in the trash (to the second, as dates are exported).
    let by_slug = |slug: &'static str| {
        post::Entity::find()
            .filter(post::Column::Slug.eq(slug))
            .one(&app.db)
    };
    let chirpy = by_slug("2023년을-보내며").await.unwrap().unwrap();
    let mut archived: post::ActiveModel = chirpy.into();
    archived.status = Set(post::Status::Archived);
    archived.update(&app.db).await.unwrap();
    let jekyll = by_slug("첫-직장-이야기-acme").await.unwrap().unwrap();
    let mut trashed: post::ActiveModel = jekyll.into();
    trashed.deleted_at = Set(Some("2024-05-01T10:00:00Z".parse().unwrap()));
    trashed.update(&app.db).await.unwrap();
    let before = snapshot(&app.db).await;
    assert_eq!(before.len(), GOOD_FILES);

    let out = std::env::temp_dir().join(format!("quire-export-{}", uuid::Uuid::new_v4().simple()));
    let report = export::run(&app.db, &out).await.unwrap();
    assert_eq!(
        (report.written, report.drafts, report.trashed),
        (GOOD_FILES, 1, 1)
    );
    // The keys of the file come back in their order, with the keys it lacked after them.
    let chirpy = std::fs::read_to_string(out.join("_posts/2023-12-31-2023년을-보내며.md")).unwrap();
    let keys: Vec<&str> = chirpy
        .lines()
        .skip(1)
        .take_while(|l| *l != "---")
        .filter(|l| !l.starts_with([' ', '-']))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k))
        .collect();
    // The file's order, on both databases.
    let expected = vec![
        "title",
        "author",
        "categories",
        "tags",
        "pin",
        "math",
        "comments",
        "date",
        "slug",
        "draft",
        "status",
    ];
    assert_eq!(keys, expected, "{chirpy}");
    assert!(
        chirpy.starts_with("---\ntitle: 2023년을 보내며\n"),
        "{chirpy}"
    );
    assert!(chirpy.contains("2023-12-31 22:15:00 +0900"), "{chirpy}");
    assert!(
        chirpy.contains("pin: true")
            && chirpy.contains("draft: false")
            && chirpy.contains("status: archived"),
        "{chirpy}"
    );
    let jekyll =
        std::fs::read_to_string(out.join("_posts/2021-07-04-첫-직장-이야기-acme.md")).unwrap();
    assert!(
        jekyll.starts_with("---\nlayout: post\ntitle: ")
            && jekyll.contains("status: published")
            && jekyll.contains("trashed: \"2024-05-01 10:00:00 +0000\""),
        "{jekyll}"
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
