//! `quire import` on the fixture blog (every format of issue 4, and broken files) on both
//! databases: what each format becomes, failures that stay with their file, re-imports,
//! an interrupted import completed by running it again, and a dry run that writes nothing.

use std::collections::HashMap;

use quire_tests::{
    TestApp, both_backends,
    entity::{post, series, tag},
    fixtures::{BROKEN_FILES, FixtureBlog, GOOD_FILES},
    imports::{import, outcomes, posts, request},
    quire::{commands::summary::FileResult, service::import::Outcome},
    sea_orm::{EntityTrait, PaginatorTrait},
};
use serde_json::json;

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

/// The names of the post's category path, top first.
async fn category_path(app: &TestApp, p: &post::Model) -> Vec<String> {
    let tree = quire_tests::quire::service::category::tree(&app.db)
        .await
        .unwrap();
    p.category_id
        .map(|id| tree.path(id).iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default()
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

    // Chirpy: the tags as written, the categories a path (main, then sub), the offset
    // kept, the author found by display name.
    let r = app
        .graphql(
            r#"{ post(slug: "2023년을-보내며") { publishedAt author { slug } tags { slug } category { path { name } } frontMatter html } }"#,
            json!({}),
        )
        .await;
    let p = &r.data()["post"];
    assert_eq!(p["publishedAt"], "2023-12-31T22:15:00+09:00");
    assert_eq!(p["author"]["slug"], "tester");
    assert_eq!(
        p["tags"],
        json!([{ "slug": "retrospective" }, { "slug": "회고" }])
    );
    assert_eq!(
        p["category"]["path"],
        json!([{ "name": "Life" }, { "name": "Retrospective" }])
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
    assert_eq!(tag_names(&app, job.id).await, ["Diary", "acme"]);
    assert_eq!(category_path(&app, job).await, ["essay"]);

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
    assert_eq!(tag_names(&app, part1.id).await, ["hugo"]);
    assert_eq!(category_path(&app, part1).await, ["dev", "web"]);
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
