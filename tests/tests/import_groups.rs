//! New posts are written in groups of up to 64, one transaction each (SQLite: a
//! savepoint per file; PostgreSQL: a `COPY` per table, two groups at once). A file the
//! database refuses in the middle of a group fails alone: nothing of it stays, the
//! others are imported and found by search.

use quire_tests::{
    TestApp, both_backends,
    entity::user::Role,
    imports::{import, outcomes, posts, request},
    quire::commands::summary::{FileResult, Groups},
    sea_orm::ConnectionTrait,
};
use serde_json::json;

/// Search through the API, as the public sees it: the titles of the hits and the id of
/// the first.
async fn found(app: &TestApp, q: &str) -> (Vec<String>, Option<serde_json::Value>) {
    let r = app
        .graphql(
            "query($q: String!) { search(query: $q) { nodes { post { id title } } } }",
            json!({ "q": q }),
        )
        .await;
    let nodes = r.data()["search"]["nodes"].as_array().unwrap().clone();
    (
        nodes
            .iter()
            .map(|n| n["post"]["title"].as_str().unwrap().to_owned())
            .collect(),
        nodes.first().map(|n| n["post"]["id"].clone()),
    )
}

/// How many published posts match `q` (`totalCount`).
async fn matches(app: &TestApp, q: &str) -> usize {
    let r = app
        .graphql(
            "query($q: String!) { search(query: $q) { totalCount } }",
            json!({ "q": q }),
        )
        .await;
    usize::try_from(r.data()["search"]["totalCount"].as_u64().unwrap()).unwrap()
}

/// On SQLite new posts are written up to 64 at a time in one transaction and round
/// trip, each in its own savepoint. A file that fails in the middle of such a group
/// leaves nothing behind (no post, tags or index), the files before and after it are imported, and
/// every imported post is found by search, also after an edit and a purge, and after
/// importing again.
async fn a_failing_file_amid_a_batch_fails_alone_and_search_finds_the_rest(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let (_, admin) = app.actor(Role::Admin).await;
    // The 23rd file cannot be written: the database refuses its title.
    let refuse = match app.backend {
        quire_tests::Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON posts WHEN NEW.title = 'boom' \
             BEGIN SELECT RAISE(ABORT, 'boom refused'); END",
        ],
        quire_tests::Backend::Postgres => vec![
            "CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             IF NEW.title = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$",
            "CREATE TRIGGER refuse_boom BEFORE INSERT ON posts FOR EACH ROW \
             EXECUTE FUNCTION refuse_boom()",
        ],
    };
    for sql in refuse {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    const FILES: usize = 40;
    let dir = std::env::temp_dir().join(format!("quire-batch-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..FILES {
        let title = if i == 22 {
            "boom".to_owned()
        } else {
            format!("글 {i}")
        };
        let series = if i % 10 == 3 { "series: 연재\n" } else { "" };
        std::fs::write(
            dir.join(format!("{i:02}.md")),
            format!(
                "---\ntitle: \"{title}\"\ndate: 2024-0{}-{:02} 10:00:00 +0900\ntags: [rust]\n{series}---\n\n배포 이야기 zebra{i} 입니다.\n",
                1 + i / 28,
                1 + i % 28
            ),
        )
        .unwrap();
    }
    let report = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(
        outcomes(&report),
        (FILES - 1, 0, 0, 1),
        "{}",
        report.render()
    );
    let failed: Vec<&str> = report
        .files
        .iter()
        .filter(|(_, r)| matches!(r, FileResult::Failed { .. }))
        .map(|(path, _)| path.as_str())
        .collect();
    assert_eq!(failed.len(), 1);
    assert!(failed[0].ends_with("22.md"), "{failed:?}");

    // Nothing of the failed file, everything of the others.
    let all = posts(&app).await;
    assert_eq!(all.len(), FILES - 1);
    assert!(!all.contains_key("boom"));
    let expected = i64::try_from(FILES - 1).unwrap();
    assert_eq!(app.number("SELECT COUNT(*) FROM post_tags").await, expected);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM search_documents").await,
        expected
    );
    if app.backend == quire_tests::Backend::Sqlite {
        assert_eq!(
            app.number("SELECT COUNT(*) FROM search_fts").await,
            expected
        );
    }
    let positions: Vec<(String, Option<i32>)> = [3, 13, 23, 33]
        .iter()
        .map(|i| {
            let p = &all[&format!("글 {i}")];
            (p.title.clone(), p.series_position)
        })
        .collect();
    assert_eq!(
        positions,
        [
            ("글 3".to_owned(), Some(1)),
            ("글 13".to_owned(), Some(2)),
            ("글 23".to_owned(), Some(3)),
            ("글 33".to_owned(), Some(4)),
        ]
    );
    for i in (0..FILES).filter(|&i| i != 22) {
        assert_eq!(
            found(&app, &format!("zebra{i}")).await.0,
            [format!("글 {i}")]
        );
    }
    assert!(found(&app, "zebra22").await.0.is_empty());
    assert_eq!(matches(&app, "배포").await, FILES - 1);

    // An edit: the old words are gone, the new ones found.
    let (_, edited) = found(&app, "zebra5").await;
    app.graphql_as(
        &editor,
        "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version } } }",
        json!({ "i": { "id": edited.unwrap(), "expectedVersion": 1, "title": "고친 글", "markdown": "기린 giraffe5" } }),
    )
    .await
    .data();
    assert!(found(&app, "zebra5").await.0.is_empty());
    assert_eq!(found(&app, "giraffe5").await.0, ["고친 글"]);
    assert_eq!(matches(&app, "배포").await, FILES - 2);

    // A purge: gone from the index.
    let (_, purged) = found(&app, "zebra30").await;
    app.graphql_as(
        &admin,
        "mutation($i: PurgePostInput!) { purgePost(input: $i) { purgedPostId } }",
        json!({ "i": { "id": purged.unwrap() } }),
    )
    .await
    .data();
    assert!(found(&app, "zebra30").await.0.is_empty());
    assert_eq!(matches(&app, "배포").await, FILES - 3);

    // Importing again brings both back as the files say; the refused file still fails.
    let again = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&again), (1, 1, FILES - 3, 1), "{}", again.render());
    assert_eq!(found(&app, "zebra5").await.0, ["글 5"]);
    assert!(found(&app, "giraffe5").await.0.is_empty());
    assert_eq!(found(&app, "zebra30").await.0, ["글 30"]);
    assert_eq!(matches(&app, "배포").await, FILES - 1);
    if app.backend == quire_tests::Backend::Sqlite {
        assert_eq!(
            app.number("SELECT COUNT(*) FROM search_fts").await,
            expected
        );
    }
    std::fs::remove_dir_all(dir).unwrap();
}
both_backends!(a_failing_file_amid_a_batch_fails_alone_and_search_finds_the_rest);

/// A file whose post row the database accepts but whose search document it refuses (a
/// statement after the post's, inside the file's savepoint) fails alone in the middle of
/// a group: its post, tags and index are rolled back with it, the files before and after
/// it are imported, and so are the groups after it. A second refused file, among the
/// files that go alone after the first, fails alone too.
async fn a_file_refused_after_its_post_row_fails_alone_in_a_group(app: TestApp) {
    let refuse = match app.backend {
        quire_tests::Backend::Sqlite => vec![
            "CREATE TRIGGER refuse_kaboom BEFORE INSERT ON search_documents \
             WHEN NEW.body_text LIKE '%kaboom%' \
             BEGIN SELECT RAISE(ABORT, 'kaboom refused'); END",
        ],
        quire_tests::Backend::Postgres => vec![
            "CREATE FUNCTION refuse_kaboom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
             RAISE EXCEPTION 'kaboom refused'; END $$",
            "CREATE TRIGGER refuse_kaboom BEFORE INSERT ON search_documents FOR EACH ROW \
             WHEN (NEW.body_text LIKE '%kaboom%') EXECUTE FUNCTION refuse_kaboom()",
        ],
    };
    for sql in refuse {
        app.db.execute_unprepared(sql).await.unwrap();
    }
    // Three groups' worth (64 files each); the refused files are in the second.
    const FILES: usize = 150;
    const REFUSED: [usize; 2] = [70, 100];
    let dir = std::env::temp_dir().join(format!("quire-groups-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..FILES {
        let word = if REFUSED.contains(&i) {
            "kaboom"
        } else {
            "calm"
        };
        std::fs::write(
            dir.join(format!("{i:03}.md")),
            format!(
                "---\ntitle: \"묶음 {i}\"\ndate: 2024-03-{:02} 10:00:00 +0900\ntags: [rust, t{}]\n{}---\n\n{word} 본문 quokka{i}\n",
                1 + i % 28,
                i % 3,
                // Two series that every group adds to: groups written at once must not
                // wait on each other for them.
                if i % 5 == 0 { format!("series: 연재 {}\n", i % 2) } else { String::new() },
            ),
        )
        .unwrap();
    }
    let generation = "SELECT generation FROM content_generation WHERE id = 1";
    let before = app.number(generation).await;
    let report = import(&app, &request(vec![dir.clone()])).await;
    // Every group's write moved the content generation (on PostgreSQL the group writer
    // bumps it itself, last; see `writer/postgres.rs`).
    assert!(app.number(generation).await > before);
    assert_eq!(
        outcomes(&report),
        (FILES - 2, 0, 0, 2),
        "{}",
        report.render()
    );
    // Four groups (files 3–4, then 6–69, 70–133 and 134–149: a file whose tag or series
    // the run has not seen goes alone, and so do 0, 1, 2 and 5); only the one holding the
    // refused files went file by file (on SQLite too: its first file is refused, so it
    // kept nothing).
    let expected_groups = Groups {
        written: 3,
        file_by_file: 1,
    };
    assert_eq!(report.groups, expected_groups);
    let failed: Vec<(&str, &str)> = report
        .files
        .iter()
        .filter_map(|(path, r)| match r {
            FileResult::Failed { reason, .. } => Some((path.as_str(), reason.as_str())),
            FileResult::Done { .. } => None,
        })
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert!(failed[0].0.ends_with("070.md"), "{failed:?}");
    assert!(failed[1].0.ends_with("100.md"), "{failed:?}");
    assert!(
        failed
            .iter()
            .all(|(_, reason)| reason.contains("kaboom refused")),
        "{failed:?}"
    );

    let all = posts(&app).await;
    assert_eq!(all.len(), FILES - 2);
    assert!(!all.contains_key("묶음 70") && !all.contains_key("묶음 100"));
    let expected = i64::try_from(FILES - 2).unwrap();
    assert_eq!(
        app.number("SELECT COUNT(*) FROM post_tags").await,
        2 * expected
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM search_documents").await,
        expected
    );
    assert_eq!(
        app.number(
            "SELECT COUNT(*) FROM posts p WHERE NOT EXISTS \
             (SELECT 1 FROM search_documents d WHERE d.post_id = p.id)"
        )
        .await,
        0
    );
    match app.backend {
        quire_tests::Backend::Sqlite => assert_eq!(
            app.number("SELECT COUNT(*) FROM search_fts").await,
            expected
        ),
        quire_tests::Backend::Postgres => {
            assert_eq!(
                app.number("SELECT COUNT(DISTINCT post_id) FROM search_postings")
                    .await,
                expected
            );
            // The corpus totals the ranking reads, kept by the groups (two at a time)
            // and by the one-file path of the refused files' groups.
            assert_eq!(
                app.number("SELECT documents FROM search_totals WHERE id = 1")
                    .await,
                expected
            );
            assert_eq!(
                app.number("SELECT tokens FROM search_totals WHERE id = 1")
                    .await,
                app.number(
                    "SELECT CAST(SUM(title_len + body_len) AS bigint) FROM search_documents"
                )
                .await
            );
        }
    }
    for i in [0, 63, 64, 69, 71, 99, 101, 127, 128, FILES - 1] {
        assert_eq!(
            found(&app, &format!("quokka{i}")).await.0,
            [format!("묶음 {i}")]
        );
    }
    assert_eq!(matches(&app, "calm").await, FILES - 2);

    // Once the database takes them, importing again adds exactly the two.
    let drop = match app.backend {
        quire_tests::Backend::Sqlite => "DROP TRIGGER refuse_kaboom",
        quire_tests::Backend::Postgres => "DROP TRIGGER refuse_kaboom ON search_documents",
    };
    app.db.execute_unprepared(drop).await.unwrap();
    let again = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&again), (2, 0, FILES - 2, 0), "{}", again.render());
    assert_eq!(found(&app, "quokka70").await.0, ["묶음 70"]);
    std::fs::remove_dir_all(dir).unwrap();
}
both_backends!(a_file_refused_after_its_post_row_fails_alone_in_a_group);
