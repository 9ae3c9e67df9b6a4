//! Migrations and entities agree: after the real migrations run, every entity can be
//! written and read back on both databases.

use quire_tests::{
    TestApp, both_backends,
    entity::{post, post_tag, series, site, tag, user},
    sea_orm::{self, ActiveModelTrait, DatabaseConnection, EntityTrait, Set, TryIntoModel},
};

/// A series and a tag, as the posts of these tests need them.
async fn series_and_tag(db: &DatabaseConnection) -> (series::Model, tag::Model) {
    let now = quire_tests::quire::service::now();
    let s = series::ActiveModel {
        slug: Set("s".into()),
        title: Set("시리즈".into()),
        description: Set(Some("설명".into())),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(db)
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
    .insert(db)
    .await
    .unwrap();
    (s, t)
}

/// A post with every column set: published in `series_id` at position 1, with
/// `markdown` as both its Markdown and (in a paragraph) its HTML.
fn full_post(slug: &str, author_id: i64, series_id: i64, markdown: &str) -> post::ActiveModel {
    let now = quire_tests::quire::service::now();
    post::ActiveModel {
        slug: Set(slug.into()),
        title: Set("글".into()),
        subtitle: Set(Some("부제".into())),
        markdown: Set(markdown.into()),
        html: Set(format!("<p>{markdown}</p>")),
        toc: Set(serde_json::json!([{ "level": 2, "text": "장", "anchor": "장" }])),
        custom_excerpt: Set(None),
        excerpt: Set("요약".into()),
        reading_time_minutes: Set(1),
        word_count: Set(1),
        status: Set(post::Status::Published),
        published_at: Set(Some(now)),
        published_at_offset: Set(Some(32_400)),
        author_id: Set(author_id),
        series_id: Set(Some(series_id)),
        series_position: Set(Some(1)),
        cover_image: Set(Some("/c.png".into())),
        canonical_url: Set(None),
        meta_description: Set(Some("설명".into())),
        front_matter: Set(serde_json::json!({ "k": [1, "둘"] })),
        source_path: Set(Some(format!("_posts/{slug}.md"))),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    }
}

async fn every_entity_round_trips(app: TestApp) {
    let now = quire_tests::quire::service::now();
    let (s, t) = series_and_tag(&app.db).await;
    let p = post::ActiveModel {
        status: Set(post::Status::Archived),
        version: Set(3),
        deleted_at: Set(Some(now)),
        ..full_post("p", app.author_id, s.id, "# x")
    }
    .insert(&app.db)
    .await
    .unwrap();
    post_tag::ActiveModel {
        post_id: Set(p.id),
        tag_id: Set(t.id),
        position: Set(0),
        ..Default::default()
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

    let settings = site::ActiveModel {
        id: Set(1),
        title: Set("블로그".into()),
        description: Set(Some("설명".into())),
        language: Set("ko".into()),
        timezone: Set("Asia/Seoul".into()),
        base_url: Set(Some("https://example.com/".into())),
        logo: Set(Some("/logo.png".into())),
        accent_color: Set(Some("#112233".into())),
        social_links: Set(serde_json::json!([{ "network": "x", "url": "https://x.com/a" }])),
        meta_title: Set(Some("메타".into())),
        primary_menu: Set(serde_json::json!([{ "label": "홈", "url": "/" }])),
        secondary_menu: Set(serde_json::json!([])),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    assert_eq!(
        site::Entity::find().all(&app.db).await.unwrap(),
        vec![settings]
    );
}
both_backends!(every_entity_round_trips);

/// Deletes a SQLite database file and its WAL and shared-memory files, even when the
/// test fails.
struct RemoveOnDrop(std::path::PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        quire_tests::quire::db::remove_sqlite_files(&self.0);
    }
}

/// Every link between a post and a tag, with the columns every migration has.
async fn links(conn: &DatabaseConnection) -> Vec<(i64, i64, i32)> {
    use quire_tests::sea_orm::{QueryOrder, QuerySelect};
    post_tag::Entity::find()
        .select_only()
        .columns([
            post_tag::Column::PostId,
            post_tag::Column::TagId,
            post_tag::Column::Position,
        ])
        .order_by_asc(post_tag::Column::PostId)
        .order_by_asc(post_tag::Column::TagId)
        .into_tuple()
        .all(conn)
        .await
        .unwrap()
}

/// The first column of every row `sql` returns, as text.
async fn strings(conn: &DatabaseConnection, sql: &'static str) -> Vec<String> {
    use quire_tests::sea_orm::{ConnectionTrait, DbBackend, Statement};
    conn.query_all_raw(Statement::from_string(DbBackend::Sqlite, sql))
        .await
        .unwrap()
        .iter()
        .map(|r| r.try_get_by_index::<String>(0).unwrap())
        .collect()
}

/// SQLite's rebuild of `posts` with the bodies last (m20261124_030000) keeps every row,
/// every reference to a post, the table's indexes and triggers, foreign-key enforcement
/// and cascades, and the AUTOINCREMENT counter (a purged post's ID is never reused).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_posts_rebuild_keeps_rows_references_and_ids() {
    use quire_tests::{
        migration::{Migrator, MigratorTrait},
        quire::db,
    };

    const REBUILD: &str = "m20261124_030000_reorder_sqlite_post_columns";
    let path = std::env::temp_dir().join(format!(
        "quire-test-rebuild-{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    let _cleanup = RemoveOnDrop(path.clone());
    let conn = db::connect(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let before = Migrator::migrations()
        .iter()
        .position(|m| m.name() == REBUILD)
        .expect("the rebuild migration is registered");
    Migrator::up(&conn, Some(u32::try_from(before).unwrap()))
        .await
        .unwrap();

    let now = quire_tests::quire::service::now();
    let author = user::ActiveModel {
        slug: Set("writer".into()),
        display_name: Set("작가".into()),
        email: Set("writer@example.com".into()),
        role: Set(user::Role::Author),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&conn)
    .await
    .unwrap();
    let (s, t) = series_and_tag(&conn).await;
    let mut posts = Vec::new();
    for i in 1..=4 {
        let mut p = post::ActiveModel {
            series_position: Set(Some(i32::try_from(i).unwrap())),
            ..full_post(
                &format!("p{i}"),
                author.id,
                s.id,
                &"긴 본문 ".repeat(2_000 * i),
            )
        };
        // Not `.insert()`, here and below: it reads the row back with columns later
        // migrations add. The post as it must read after them: the flags' defaults.
        p.id = Set(post::Entity::insert(p.clone())
            .exec(&conn)
            .await
            .unwrap()
            .last_insert_id);
        p.pinned = Set(false);
        p.featured = Set(false);
        p.comments_enabled = Set(true);
        p.kind = Set(post::Kind::Post);
        (p.parent_id, p.category_id) = (Set(None), Set(None));
        p.menu_order = Set(0);
        let p = p.try_into_model().unwrap();
        post_tag::Entity::insert(post_tag::ActiveModel {
            post_id: Set(p.id),
            tag_id: Set(t.id),
            position: Set(0),
            ..Default::default()
        })
        .exec(&conn)
        .await
        .unwrap();
        posts.push(p);
    }
    // Purge the newest post: the counter stays above the highest ID left.
    let purged = posts.pop().unwrap();
    post::Entity::delete_by_id(purged.id)
        .exec(&conn)
        .await
        .unwrap();

    let schema_sql = "SELECT type || ' ' || name FROM sqlite_master WHERE tbl_name = 'posts' \
                      AND type IN ('index', 'trigger') ORDER BY 1";
    let schema_before = strings(&conn, schema_sql).await;
    let links_before = links(&conn).await;

    // The rebuild alone keeps the table's own indexes and triggers; later migrations
    // may add theirs.
    Migrator::up(&conn, Some(1)).await.unwrap();
    assert_eq!(strings(&conn, schema_sql).await, schema_before);
    Migrator::up(&conn, None).await.unwrap();
    // As a server does when it starts after an upgrade, read and write through
    // connections opened after the migrations: SQLite may fail to re-prepare a statement
    // cached before a table was rebuilt ("no such table").
    conn.close().await.unwrap();
    let conn = db::connect(&format!("sqlite://{}", path.display()))
        .await
        .unwrap();

    assert_eq!(post::Entity::find().all(&conn).await.unwrap(), posts);
    assert_eq!(links(&conn).await, links_before);
    let columns = strings(
        &conn,
        "SELECT name FROM pragma_table_info('posts') ORDER BY cid",
    )
    .await;
    assert_eq!(columns.len(), 33, "{columns:?}");
    assert_eq!(columns[..3], ["id", "slug", "title"]);
    // Columns added since keep the bodies last (m20261206_020000).
    assert_eq!(columns[11..14], ["pinned", "featured", "comments_enabled"]);
    // … and m20261206_040000 (pages, categories).
    assert_eq!(
        columns[14..18],
        ["kind", "parent_id", "menu_order", "category_id"]
    );
    assert_eq!(
        columns[columns.len() - 4..],
        ["toc", "front_matter", "markdown", "html"]
    );

    // Foreign keys are enforced again, and deleting a post still cascades to its tags.
    let orphan = post_tag::ActiveModel {
        post_id: Set(purged.id + 100),
        tag_id: Set(t.id),
        position: Set(0),
        ..Default::default()
    }
    .insert(&conn)
    .await;
    assert!(orphan.is_err(), "a link to a missing post was accepted");
    post::Entity::delete_by_id(posts[0].id)
        .exec(&conn)
        .await
        .unwrap();
    let links: Vec<i64> = post_tag::Entity::find()
        .all(&conn)
        .await
        .unwrap()
        .iter()
        .map(|l| l.post_id)
        .collect();
    assert_eq!(links, vec![posts[1].id, posts[2].id]);

    // The next post is numbered after the purged one, not in its place.
    let mut next = post::ActiveModel::from(posts[1].clone());
    next.id = sea_orm::ActiveValue::NotSet;
    next.slug = Set("next".into());
    next.source_path = Set(None);
    let next = next.insert(&conn).await.unwrap();
    assert_eq!(next.id, purged.id + 1);

    conn.close().await.unwrap();
}

/// Undoes the migration `name` and every one after it, as a database from before it.
async fn undo_from(db: &DatabaseConnection, name: &str) {
    use quire_tests::migration::{Migrator, MigratorTrait};
    let all = Migrator::migrations();
    let at = all
        .iter()
        .position(|m| m.name() == name)
        .unwrap_or_else(|| panic!("{name} is registered"));
    Migrator::down(db, Some(u32::try_from(all.len() - at).unwrap()))
        .await
        .unwrap();
}

/// m20261124_050000 fills the listing copy of every existing link from its post, on
/// both databases: undone, links written without it, then done again.
async fn tag_links_get_their_posts_visibility_on_upgrade(app: TestApp) {
    use chrono::Duration;
    use quire_tests::{
        migration::{Migrator, MigratorTrait},
        sea_orm::QueryOrder,
    };

    undo_from(&app.db, "m20261124_050000_add_post_tags_listing").await;
    let now = quire_tests::quire::service::now();
    let (s, t) = series_and_tag(&app.db).await;
    let later = now + Duration::days(1);
    let cases = [
        ("published", post::Status::Published, Some(now), None, true),
        ("draft", post::Status::Draft, None, None, false),
        (
            "scheduled",
            post::Status::Scheduled,
            Some(later),
            None,
            true,
        ),
        (
            "trashed",
            post::Status::Published,
            Some(now),
            Some(now),
            false,
        ),
        ("archived", post::Status::Archived, Some(now), None, false),
    ];
    let mut expected = Vec::new();
    for (slug, status, published_at, deleted_at, listed) in cases {
        let p = post::Entity::insert(post::ActiveModel {
            status: Set(status),
            published_at: Set(published_at),
            deleted_at: Set(deleted_at),
            series_id: Set(None),
            series_position: Set(None),
            ..full_post(slug, app.author_id, s.id, "본문")
        })
        .exec(&app.db)
        .await
        .unwrap();
        post_tag::Entity::insert(post_tag::ActiveModel {
            post_id: Set(p.last_insert_id),
            tag_id: Set(t.id),
            position: Set(0),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .unwrap();
        expected.push((p.last_insert_id, listed, published_at));
    }

    Migrator::up(&app.db, None).await.unwrap();
    let stored: Vec<(i64, bool, Option<chrono::DateTime<chrono::Utc>>)> = post_tag::Entity::find()
        .order_by_asc(post_tag::Column::PostId)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|l| (l.post_id, l.listed, l.published_at))
        .collect();
    assert_eq!(stored, expected);
    let counts = quire_tests::quire::service::tag::public_post_counts(&app.db, now, None)
        .await
        .unwrap();
    assert_eq!(counts.get(&t.id), Some(&1));
}
both_backends!(tag_links_get_their_posts_visibility_on_upgrade);

/// m20261206_020000 gives existing posts the flags their imported front matter set
/// (JSON booleans only), on both databases: undone, posts written without the columns,
/// then done again.
async fn post_flags_come_from_front_matter_on_upgrade(app: TestApp) {
    use quire_tests::{
        migration::{Migrator, MigratorTrait},
        sea_orm::QueryOrder,
    };

    undo_from(&app.db, "m20261206_020000_add_post_flags").await;
    let (s, _) = series_and_tag(&app.db).await;
    let cases = [
        (
            "pinned",
            serde_json::json!({ "pin": true, "layout": "post" }),
            (true, false, true),
        ),
        (
            "featured",
            serde_json::json!({ "featured": true, "comments": false }),
            (false, true, false),
        ),
        (
            "strings",
            serde_json::json!({ "pin": "true", "comments": "false" }),
            (false, false, true),
        ),
        (
            "unpinned",
            serde_json::json!({ "pin": false, "comments": true }),
            (false, false, true),
        ),
        ("plain", serde_json::json!({}), (false, false, true)),
    ];
    for (slug, front_matter, _) in &cases {
        post::Entity::insert(post::ActiveModel {
            front_matter: Set(front_matter.clone()),
            series_id: Set(None),
            series_position: Set(None),
            ..full_post(slug, app.author_id, s.id, "본문")
        })
        .exec(&app.db)
        .await
        .unwrap();
    }

    Migrator::up(&app.db, None).await.unwrap();
    let stored: Vec<(String, (bool, bool, bool), serde_json::Value)> = post::Entity::find()
        .order_by_asc(post::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| {
            (
                p.slug,
                (p.pinned, p.featured, p.comments_enabled),
                p.front_matter,
            )
        })
        .collect();
    let expected: Vec<_> = cases
        .into_iter()
        .map(|(slug, fm, flags)| (slug.to_owned(), flags, fm))
        .collect();
    assert_eq!(stored, expected);
}
both_backends!(post_flags_come_from_front_matter_on_upgrade);
