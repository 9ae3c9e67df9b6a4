//! `quire import` on the fixture blog (every format of issue 4, and broken files) on both
//! databases: what each format becomes, failures that stay with their file, re-imports,
//! an interrupted import completed by running it again, and a dry run that writes nothing.

use std::collections::HashMap;

use quire_tests::{
    TestApp, both_backends,
    entity::{post, series, tag, user::Role},
    fixtures::{BROKEN_FILES, FixtureBlog, GOOD_FILES},
    quire::{
        commands::{
            import::{ImportRequest, run},
            summary::{FileResult, Report},
        },
        service::import::{ImportStatus, Outcome},
    },
    sea_orm::{ConnectionTrait, EntityTrait, PaginatorTrait, Statement},
};
use serde_json::json;

fn request(paths: Vec<std::path::PathBuf>) -> ImportRequest {
    ImportRequest {
        paths,
        dry_run: false,
        author: None,
        status: ImportStatus::Published,
    }
}

async fn import(app: &TestApp, req: &ImportRequest) -> Report {
    run(&app.db, req).await.unwrap()
}

fn outcomes(report: &Report) -> (usize, usize, usize, usize) {
    (
        report.count(Outcome::Imported),
        report.count(Outcome::Updated),
        report.count(Outcome::Unchanged),
        report.failed(),
    )
}

async fn posts(app: &TestApp) -> HashMap<String, post::Model> {
    post::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.title.clone(), p))
        .collect()
}

async fn tag_names(app: &TestApp, id: i64) -> Vec<String> {
    let mut by_post = quire_tests::quire::service::tag::by_posts(&app.db, &[id])
        .await
        .unwrap();
    by_post
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.name)
        .collect()
}

async fn every_format_is_understood(app: TestApp) {
    let blog = FixtureBlog::new();
    let report = import(&app, &request(blog.good_dirs())).await;
    assert_eq!(
        outcomes(&report),
        (GOOD_FILES, 0, 0, 0),
        "{}",
        report.render()
    );
    let summary = report.render();
    assert!(
        summary.contains("Transcoded to UTF-8:\n  ")
            && summary.contains("legacy/old-post.md  (from CP949/EUC-KR)"),
        "{summary}"
    );
    for undated in [
        "dump/summer-camp.txt",
        "just-the-docs/notes/first-week.md",
        "plain/quarter-review.md",
    ] {
        assert!(
            summary.contains(undated),
            "{undated} is not reported as dated by mtime:\n{summary}"
        );
    }

    let all = posts(&app).await;
    let mut titles: Vec<&str> = all.keys().map(String::as_str).collect();
    titles.sort_unstable();
    assert_eq!(
        titles,
        [
            "2022년 3분기 돌아보기 (7~9월)",
            "2023년을 보내며",
            "Notes on testing",
            "Static sites, part 1",
            "Static sites, part 2",
            "Summer Camp 최종 프로젝트 회고 [Wrap-Up]",
            "Unfinished: themes",
            "Written in Notepad",
            "옛 블로그에서 옮긴 글",
            "입사 첫 주 기록",
            "첫 직장 이야기 - acme",
        ]
    );

    // Chirpy: tags then categories, the offset kept, the author found by display name.
    let r = app
        .graphql(
            r#"{ post(slug: "2023년을-보내며") { publishedAt author { slug } tags { slug } frontMatter html } }"#,
            json!({}),
        )
        .await;
    let p = &r.data()["post"];
    assert_eq!(p["publishedAt"], "2023-12-31T22:15:00+09:00");
    assert_eq!(p["author"]["slug"], "tester");
    assert_eq!(
        p["tags"],
        json!([{ "slug": "retrospective" }, { "slug": "회고" }, { "slug": "life" }])
    );
    assert_eq!(p["frontMatter"]["pin"], true);
    assert!(
        p["html"]
            .as_str()
            .unwrap()
            .contains("<h1 id=\"한-해-정리\">"),
        "an H1 in the body stays when the title came from front matter"
    );

    // Classic Jekyll: date from the file name, space-separated tags, the subtitle.
    let job = &all["첫 직장 이야기 - acme"];
    assert_eq!(
        job.published_at.unwrap().to_rfc3339(),
        "2021-07-04T00:00:00+00:00"
    );
    assert_eq!(job.subtitle.as_deref(), Some("신입의 첫 1년"));
    assert!(
        job.html.contains("처음 석 달은 매일 늦게까지 남았다.<br>"),
        "{}",
        job.html
    );
    assert_eq!(tag_names(&app, job.id).await, ["Diary", "acme", "essay"]);

    // just-the-docs: kramdown residue gone, keys with a space before the colon kept.
    let jtd = &all["입사 첫 주 기록"];
    assert_eq!(jtd.front_matter["grand_parent"], "Writes");
    assert!(
        !jtd.html.contains("{:") && !jtd.html.contains("Table of contents"),
        "{}",
        jtd.html
    );

    // Plain Markdown: the first heading is the title and leaves the body.
    let quarter = &all["2022년 3분기 돌아보기 (7~9월)"];
    assert!(
        quarter.markdown.starts_with("## 일\n"),
        "{}",
        quarter.markdown
    );
    assert!(quarter.html.contains("<del>"));

    // The saved page: breadcrumb header gone, nested lists, no code blocks.
    let dump = &all["Summer Camp 최종 프로젝트 회고 [Wrap-Up]"];
    assert!(
        dump.markdown.starts_with("최종 프로젝트 회고\n"),
        "{}",
        dump.markdown
    );
    assert!(
        !dump.html.contains("<pre>") && !dump.html.contains("Cancel"),
        "{}",
        dump.html
    );
    assert_eq!(dump.html.matches("<ul>").count(), 4, "{}", dump.html);
    assert!(
        dump.html
            .contains("<li>아주 깊이 들여 쓴 항목도 목록이다</li>"),
        "{}",
        dump.html
    );
    assert!(
        dump.html.contains("팀원들과 매일 아침 짧게 만났다.<br>"),
        "{}",
        dump.html
    );

    // Hugo: TOML, <!--more-->, summary, an explicit slug, a series ordered by date, a draft.
    let part1 = &all["Static sites, part 1"];
    let part2 = &all["Static sites, part 2"];
    assert_eq!(part2.slug, "static-sites-2");
    assert_eq!(part2.excerpt, "The second part covers deployment.");
    assert!(!part2.html.contains("more"), "{}", part2.html);
    assert_eq!(part1.excerpt, "Why a static site is enough for most blogs.");
    assert_eq!(
        (part1.series_position, part2.series_position),
        (Some(1), Some(2))
    );
    let series = series::Entity::find_by_id(part1.series_id.unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(series.title, "Static sites");
    assert_eq!(tag_names(&app, part1.id).await, ["hugo", "dev", "web"]);
    assert_eq!(all["Unfinished: themes"].status, post::Status::Draft);
    assert_eq!(part2.published_at_offset, Some(-8 * 3600));

    // Encodings: CP949 transcoded, BOM and CRLF gone.
    let old = &all["옛 블로그에서 옮긴 글"];
    assert_eq!(old.markdown, "똠방각하와 뷁이 들어간 오래된 글입니다.\n");
    let notepad = &all["Written in Notepad"];
    assert_eq!(notepad.markdown, "First line.\n\nSecond paragraph.\n");
    assert_eq!(tag_names(&app, notepad.id).await, ["windows", "notepad"]);
}
both_backends!(every_format_is_understood);

async fn broken_files_fail_alone_with_their_line(app: TestApp) {
    let blog = FixtureBlog::new();
    let report = import(&app, &request(vec![blog.root.clone()])).await;
    assert_eq!(
        outcomes(&report),
        (GOOD_FILES, 0, 0, BROKEN_FILES),
        "{}",
        report.render()
    );
    let failures: HashMap<String, (Option<usize>, String)> = report
        .files
        .iter()
        .filter_map(|(path, r)| match r {
            FileResult::Failed { line, reason } => Some((
                path.rsplit('/').next().unwrap().to_owned(),
                (*line, reason.clone()),
            )),
            FileResult::Done { .. } => None,
        })
        .collect();
    let check = |name: &str, line: Option<usize>, words: &str| {
        let (l, reason) = &failures[name];
        assert_eq!(*l, line, "{name}: {reason}");
        assert!(reason.contains(words), "{name}: {reason}");
    };
    check("unterminated.md", Some(1), "never closed");
    check("invalid-toml.md", Some(3), "invalid TOML");
    check(
        "impossible-date.md",
        Some(3),
        "`date: 2021-02-30` is not a date",
    );
    check("binary.md", None, "looks binary");
    check("latin1.txt", Some(1), "neither UTF-8 nor CP949/EUC-KR");
    let (yaml_line, yaml_reason) = &failures["invalid-yaml.md"];
    assert!(
        yaml_line.is_some_and(|l| (3..=5).contains(&l)) && yaml_reason.contains("invalid YAML"),
        "{yaml_reason}"
    );
    assert!(
        report
            .render()
            .contains("broken/impossible-date.md:3: `date: 2021-02-30` is not a date"),
        "{}",
        report.render()
    );
    // Nothing of a failed file is left behind.
    assert_eq!(
        post::Entity::find().count(&app.db).await.unwrap(),
        GOOD_FILES as u64
    );
}
both_backends!(broken_files_fail_alone_with_their_line);

async fn reimport_reports_unchanged_then_updated(app: TestApp) {
    let blog = FixtureBlog::new();
    let req = request(blog.good_dirs());
    import(&app, &req).await;
    let tags_before = tag::Entity::find().count(&app.db).await.unwrap();
    assert_eq!(outcomes(&import(&app, &req).await), (0, 0, GOOD_FILES, 0));

    let path = blog.path("plain/notes-on-testing.md");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("three depths", "four depths")).unwrap();
    let report = import(&app, &req).await;
    assert_eq!(outcomes(&report), (0, 1, GOOD_FILES - 1, 0));
    let updated = posts(&app).await.remove("Notes on testing").unwrap();
    assert!(updated.markdown.contains("four depths"));
    assert_eq!(updated.version, 2);
    assert_eq!(
        post::Entity::find().count(&app.db).await.unwrap(),
        GOOD_FILES as u64
    );
    assert_eq!(
        tag::Entity::find().count(&app.db).await.unwrap(),
        tags_before
    );
}
both_backends!(reimport_reports_unchanged_then_updated);

/// A kill leaves the files imported so far, each whole; running again completes it.
async fn an_interrupted_import_is_completed_by_running_it_again(app: TestApp) {
    let blog = FixtureBlog::new();
    let dirs = blog.good_dirs();
    let (first, _) = dirs.split_at(dirs.len() / 2);
    let partial = import(&app, &request(first.to_vec())).await;
    let done = partial.count(Outcome::Imported);
    assert!(done > 0 && done < GOOD_FILES);

    let full = import(&app, &request(dirs.clone())).await;
    assert_eq!(
        outcomes(&full),
        (GOOD_FILES - done, 0, done, 0),
        "{}",
        full.render()
    );
    let all = post::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(all.len(), GOOD_FILES);
    let titles: std::collections::HashSet<&str> = all.iter().map(|p| p.title.as_str()).collect();
    assert_eq!(titles.len(), GOOD_FILES, "no duplicates");
    let part1 = all
        .iter()
        .find(|p| p.title == "Static sites, part 1")
        .unwrap();
    assert_eq!(part1.series_position, Some(1));
}
both_backends!(an_interrupted_import_is_completed_by_running_it_again);

async fn a_dry_run_writes_nothing(app: TestApp) {
    let blog = FixtureBlog::new();
    let mut req = request(vec![blog.root.clone()]);
    req.dry_run = true;
    req.author = Some("new-writer".into());
    let report = import(&app, &req).await;
    assert_eq!(outcomes(&report), (GOOD_FILES, 0, 0, BROKEN_FILES));
    let text = report.render();
    assert!(
        text.contains("would import  ") && text.contains("Dry run, nothing was written"),
        "{text}"
    );
    assert!(text.contains("Created the author `new-writer`"), "{text}");
    assert_eq!(post::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(tag::Entity::find().count(&app.db).await.unwrap(), 0);
    assert_eq!(
        quire_tests::entity::user::Entity::find()
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
}
both_backends!(a_dry_run_writes_nothing);

/// An `author:` no user has becomes an AUTHOR with that display name who cannot log in
/// (no password); a second file by the same name, by display name or slug, is theirs
/// too; the summary lists the author once, for the file that created it.
async fn an_unknown_author_is_created_without_a_password(app: TestApp) {
    use quire_tests::entity::user;
    let dir = std::env::temp_dir().join(format!("quire-authors-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        ("a.md", "---\ntitle: 첫 글\nauthor: 김 하늘\n---\n본문\n"),
        ("b.md", "---\ntitle: 둘째 글\nauthor: 김 하늘\n---\n본문\n"),
        ("c.md", "---\ntitle: 셋째 글\nauthor: 김-하늘\n---\n본문\n"),
        ("d.md", "---\ntitle: 넷째 글\nauthor: 테스터\n---\n본문\n"),
        (
            "e.md",
            "---\ntitle: 다섯째 글\nauthor: \"???\"\n---\n본문\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let report = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&report), (5, 0, 0, 0), "{}", report.render());
    let text = report.render();
    assert!(
        text.contains("Authors created (role AUTHOR, email SLUG@import.invalid, no password; to let one log in: quire user set-email, then set-password)")
            && text.contains("a.md  (author `김 하늘`, slug `김-하늘`)"),
        "{text}"
    );
    assert_eq!(text.matches("slug `김-하늘`").count(), 1, "{text}");

    let users = user::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(users.len(), 2, "{users:?}");
    let created = users.iter().find(|u| u.slug == "김-하늘").unwrap();
    assert_eq!(created.display_name, "김 하늘");
    assert_eq!(created.role, user::Role::Author);
    assert!(created.password_hash.is_none() && created.disabled_at.is_none());
    let by_title = posts(&app).await;
    for title in ["첫 글", "둘째 글", "셋째 글"] {
        assert_eq!(by_title[title].author_id, created.id, "{title}");
    }
    // An existing user by display name; a name that makes no slug falls back.
    assert_eq!(by_title["넷째 글"].author_id, app.author_id);
    assert_eq!(by_title["다섯째 글"].author_id, app.author_id);

    // The account cannot log in with any password.
    let r = app
        .graphql(
            "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
            json!({ "i": { "email": created.email, "password": "any password at all" } }),
        )
        .await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED", "{:?}", r.body);

    // Re-importing creates nobody.
    let again = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&again), (0, 0, 5, 0));
    assert!(!again.render().contains("Authors created"));
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), 2);
    std::fs::remove_dir_all(dir).unwrap();
}
both_backends!(an_unknown_author_is_created_without_a_password);

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
