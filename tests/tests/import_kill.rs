//! A real kill in the middle of `quire import`: the import runs in a process of its own
//! (`import_child`, the same code as the `quire import` command) and gets SIGKILL once
//! some posts are in. The database must then hold only whole posts, pass its integrity
//! checks, and a second import must add exactly the files that are missing.

use std::{
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use quire_tests::{
    Backend, TestApp, both_backends,
    entity::{post, post_tag},
    quire::{
        commands::import::{ImportRequest, run},
        service::import::{ImportStatus, Outcome},
    },
    sea_orm::{ConnectionTrait, EntityTrait, Statement},
};

/// Enough files that the import is still running when the test kills it.
const FILES: usize = 4_000;
/// Every `SERIES_EVERY`-th file belongs to the one series.
const SERIES_EVERY: usize = 10;

/// Small posts with two tags each; every tenth in a series, dated in file order.
fn write_files(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    for i in 0..FILES {
        let series = if i % SERIES_EVERY == 0 {
            "series: 중단 시험\n"
        } else {
            ""
        };
        // Dates rise with i (one minute apart), so series order is file order.
        let date = format!(
            "2023-01-{:02}T{:02}:{:02}:00+09:00",
            1 + i / 1440,
            (i / 60) % 24,
            i % 60
        );
        let text = format!(
            "---\ntitle: \"중단 {i}\"\ndate: {date}\ntags: [kill, 태그{}]\n{series}---\n\n\
             글 {i}의 본문입니다. zebra{i} 단어가 있습니다.\n",
            i % 7
        );
        std::fs::write(dir.join(format!("{i:05}.md")), text).unwrap();
    }
}

/// Kills `child` with SIGKILL once the database holds at least `at_least` posts;
/// returns how many it held then.
async fn kill_when_posts(app: &TestApp, mut child: Child, at_least: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if child.try_wait().unwrap().is_some() {
            let out = child.wait_with_output().unwrap();
            panic!(
                "the import ended ({}) before it could be killed: {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let posts = app.number("SELECT COUNT(*) FROM posts").await;
        if posts >= at_least {
            child.kill().unwrap();
            child.wait().unwrap();
            return posts;
        }
        assert!(
            Instant::now() < deadline,
            "not {at_least} posts after 120 s"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

/// Every post is whole: its two tags, its search document (and FTS row on SQLite), the
/// series numbered 1, 2, 3… without gaps; SQLite's own checks pass. Returns the posts.
async fn assert_consistent(app: &TestApp) -> i64 {
    let posts = app.number("SELECT COUNT(*) FROM posts").await;
    assert_eq!(
        app.number("SELECT COUNT(*) FROM post_tags").await,
        2 * posts
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM search_documents").await,
        posts
    );
    assert_eq!(
        app.number(
            "SELECT COUNT(*) FROM posts p WHERE NOT EXISTS \
             (SELECT 1 FROM search_documents d WHERE d.post_id = p.id)"
        )
        .await,
        0
    );
    let in_series = app
        .number("SELECT COUNT(*) FROM posts WHERE series_id IS NOT NULL")
        .await;
    assert_eq!(
        app.number("SELECT COUNT(*) FROM posts WHERE series_id IS NOT NULL \
             AND series_position BETWEEN 1 AND (SELECT COUNT(*) FROM posts WHERE series_id IS NOT NULL)"
        )
        .await,
        in_series
    );
    assert_eq!(
        app.number("SELECT COUNT(DISTINCT series_position) FROM posts WHERE series_id IS NOT NULL")
            .await,
        in_series,
        "positions 1..n without gaps or repeats"
    );
    // Each link's listing copy is its post's visibility and date.
    let by_id: std::collections::HashMap<i64, post::Model> = post::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    for link in post_tag::Entity::find().all(&app.db).await.unwrap() {
        let p = &by_id[&link.post_id];
        assert!(link.listed, "{link:?}");
        assert_eq!(link.published_at, p.published_at, "{link:?}");
    }
    if app.backend == Backend::Sqlite {
        assert_eq!(app.number("SELECT COUNT(*) FROM search_fts").await, posts);
        // On a connection of its own: SQLite's integrity check of an FTS5 table can
        // report corruption that is not there when the same connection checked it
        // before another connection wrote (searches on that connection are right; a
        // new connection's check passes).
        let db = quire_tests::quire::db::connect(&app.db_url).await.unwrap();
        let check: Vec<String> = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "PRAGMA integrity_check",
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| row.try_get_by_index::<String>(0).unwrap())
            .collect();
        assert_eq!(check, ["ok"]);
        db.execute_unprepared(
            "INSERT INTO search_fts (search_fts, rank) VALUES ('integrity-check', 0)",
        )
        .await
        .unwrap();
        db.close().await.unwrap();
    }
    posts
}

async fn a_killed_import_leaves_whole_posts_and_running_again_completes_it(app: TestApp) {
    let dir: PathBuf =
        std::env::temp_dir().join(format!("quire-kill-{}", uuid::Uuid::new_v4().simple()));
    let _cleanup = RemoveDirOnDrop(dir.clone());
    write_files(&dir);
    let child = Command::new(env!("CARGO_BIN_EXE_import_child"))
        .arg(&app.db_url)
        .arg("tester")
        .arg(&dir)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let seen = kill_when_posts(&app, child, 300).await;

    let kept = assert_consistent(&app).await;
    assert!(
        kept >= seen,
        "committed posts stay: saw {seen}, kept {kept}"
    );
    let files = i64::try_from(FILES).unwrap();
    assert!(kept < files, "killed before the end: {kept} of {files}");

    let report = run(
        &app.db,
        &ImportRequest {
            paths: vec![dir.clone()],
            dry_run: false,
            author: Some("tester".into()),
            status: ImportStatus::Published,
        },
    )
    .await
    .unwrap();
    let kept_files = usize::try_from(kept).unwrap();
    assert_eq!(
        (
            report.count(Outcome::Imported),
            report.count(Outcome::Updated),
            report.count(Outcome::Unchanged),
            report.failed()
        ),
        (FILES - kept_files, 0, kept_files, 0)
    );
    assert_eq!(assert_consistent(&app).await, files);
    // Series order is date order, which is file order.
    let last = app
        .number("SELECT CAST(series_position AS BIGINT) FROM posts WHERE title = '중단 3990'")
        .await;
    assert_eq!(last, i64::try_from(FILES / SERIES_EVERY).unwrap());
    assert_eq!(
        app.number("SELECT CAST(series_position AS BIGINT) FROM posts WHERE title = '중단 0'")
            .await,
        1
    );
}
both_backends!(a_killed_import_leaves_whole_posts_and_running_again_completes_it);

/// Deletes the test's files even when the test fails.
struct RemoveDirOnDrop(PathBuf);

impl Drop for RemoveDirOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
