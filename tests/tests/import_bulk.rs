//! A bulk import (new posts in groups, each in its own savepoint) stores exactly what
//! importing the same files one by one stores, on both databases.

use quire_tests::{
    TestApp, both_backends,
    entity::{post, series},
    imports::{import, outcomes, request},
    quire::service::import::ImportStatus,
    sea_orm::{ConnectionTrait, EntityTrait, Statement},
};

/// Everything stored about each post, by slug, with ids replaced by what they name.
async fn stored(db: &quire_tests::sea_orm::DatabaseConnection) -> Vec<String> {
    use quire_tests::sea_orm::QueryOrder;
    let mut out = Vec::new();
    let all = post::Entity::find()
        .order_by_asc(post::Column::Slug)
        .all(db)
        .await
        .unwrap();
    for p in all {
        let tags: Vec<String> = quire_tests::quire::service::tag::by_posts(db, &[p.id])
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
                .map(|s| s.slug),
            None => None,
        };
        let author = quire_tests::entity::user::Entity::find_by_id(p.author_id)
            .one(db)
            .await
            .unwrap()
            .map(|u| (u.slug, u.display_name, u.role, u.password_hash));
        let backend = db.get_database_backend();
        let (docs_sql, fts_sql) = match backend {
            quire_tests::sea_orm::DbBackend::Postgres => (
                "SELECT title_len, body_len, body_text, CAST(all_tsv AS text) AS fts FROM search_documents WHERE post_id = $1",
                None,
            ),
            _ => (
                "SELECT title_len, body_len, body_text, '' AS fts FROM search_documents WHERE post_id = ?",
                // The FTS table keeps no text (contentless): its index, read through
                // an fts5vocab table, every token with its column and offset.
                Some(
                    "SELECT COALESCE(group_concat(term || ':' || col || ':' || \"offset\", ' '), '') AS fts \
                     FROM (SELECT term, col, \"offset\" FROM search_vocab WHERE doc = ? \
                     ORDER BY col, \"offset\")",
                ),
            ),
        };
        let doc = db
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                docs_sql,
                [p.id.into()],
            ))
            .await
            .unwrap()
            .unwrap();
        let mut index = format!(
            "{} {} {} {}",
            doc.try_get::<i32>("", "title_len").unwrap(),
            doc.try_get::<i32>("", "body_len").unwrap(),
            doc.try_get::<String>("", "body_text").unwrap(),
            doc.try_get::<String>("", "fts").unwrap(),
        );
        if let Some(sql) = fts_sql {
            db.execute_unprepared(
                "CREATE VIRTUAL TABLE IF NOT EXISTS search_vocab USING fts5vocab(search_fts, instance)",
            )
            .await
            .unwrap();
            let row = db
                .query_one_raw(Statement::from_sql_and_values(backend, sql, [p.id.into()]))
                .await
                .unwrap()
                .unwrap();
            index.push_str(&row.try_get::<String>("", "fts").unwrap());
        }
        out.push(format!(
            "{} | {} {:?} | {} | {:?} {:?} {:?} {} | {:?} {:?} {:?} | {:?} {:?} {:?} | {:?} {:?} {:?} | {} {:?} | {tags:?} {series:?} {author:?}\n{}\n{}\n{}\n{index}",
            p.slug, p.title, p.subtitle, p.excerpt, p.custom_excerpt, p.reading_time_minutes,
            p.word_count, p.toc, p.status, p.published_at, p.published_at_offset,
            p.series_position, p.deleted_at, p.source_path, p.cover_image, p.canonical_url,
            p.meta_description, p.version, p.front_matter, p.markdown, p.html,
            serde_json::to_string(&p.front_matter).unwrap()
        ));
    }
    out
}

/// `quire import` (on SQLite: new posts written in one round trip each, on a connection
/// of its own) stores exactly what importing the same files one by one stores: every
/// column, tags, series positions, authors and the search index.
async fn a_bulk_import_stores_what_one_by_one_imports_store(app: TestApp) {
    use quire_tests::quire::{
        commands::discover::source_path,
        import::parse_bytes,
        service::{
            author,
            import::{ImportOptions, PreparedFile, import_post},
        },
    };
    let dir = std::env::temp_dir().join(format!("quire-bulk-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..24 {
        let extra = match i % 6 {
            0 => "series: 배포 일지\n".to_owned(),
            1 => "author: 김 하늘\nstatus: archived\n".to_owned(),
            2 => format!("tags: [rust, 회고, t{}]\ndraft: true\n", i % 4),
            3 => "trashed: 2024-05-01 10:00:00 +0000\ncategories: [ETC]\n".to_owned(),
            4 => "series: [\"배포 일지\"]\nsubtitle: 부제\nzeta: 1\nalpha: [b, a]\n".to_owned(),
            _ => "tags: 회고 rust\ndescription: 요약\n".to_owned(),
        };
        std::fs::write(
            dir.join(format!("{i:02}.md")),
            format!(
                "---\ntitle: \"{i}번째 글: 배포 이야기\"\ndate: 2024-0{}-1{} 0{}:30:00 +0900\n{extra}---\n\n## 절 {i}\n\n도커 컨테이너를 **배포**했다. Deploy the `app` today.\n\n- 하나\n  - 둘\n",
                1 + i % 9,
                i % 10,
                i % 10
            ),
        )
        .unwrap();
    }
    let report = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&report), (24, 0, 0, 0), "{}", report.render());

    let (other, _guard) = quire_tests::fresh_database(app.backend).await.unwrap();
    let me = author::ensure(
        &other,
        author::NewUser {
            slug: "tester",
            display_name: "테스터",
            email: "tester@example.com",
            bio: None,
            role: quire_tests::entity::user::Role::Author,
        },
    )
    .await
    .unwrap();
    let opts = ImportOptions {
        default_author_id: me.id,
        status: ImportStatus::Published,
        create_authors: true,
    };
    let undated = chrono::Utc::now().fixed_offset();
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    for path in files {
        let doc = parse_bytes(&source_path(&path), &std::fs::read(&path).unwrap()).unwrap();
        import_post(&other, &PreparedFile::new(doc, undated), &opts)
            .await
            .unwrap();
    }
    let (bulk, one_by_one) = (stored(&app.db).await, stored(&other).await);
    assert_eq!(bulk.len(), 24);
    for (b, o) in bulk.iter().zip(&one_by_one) {
        assert_eq!(b, o);
    }
    std::fs::remove_dir_all(dir).unwrap();
}
both_backends!(a_bulk_import_stores_what_one_by_one_imports_store);
