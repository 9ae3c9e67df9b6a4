//! Co-authors in and out of files: every way of writing a post (the demo, `createPost`,
//! the one-file importer, `quire import`'s group writer) leaves the right author rows;
//! imports read `author:` and `authors:`, and an export imported again gives the same
//! authors.

use quire_tests::{
    TestApp, both_backends,
    bylines::{author_id, broken_posts, id_of, names, rows},
    entity::user::Role,
    imports::{import, outcomes, request},
    quire::{export::to_jekyll, service::export::all_posts},
};
use serde_json::json;

const CREATE: &str = "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } } }";
const UPDATE: &str =
    "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { authors { name } } } }";

async fn every_way_of_writing_a_post_leaves_its_author_rows(app: TestApp) {
    // The demo (through the one-file importer): seven posts and a page, one by two.
    assert_eq!(
        quire_tests::quire::demo::load_if_empty(&app.db)
            .await
            .unwrap(),
        8
    );
    assert_eq!(app.number("SELECT COUNT(*) FROM post_authors").await, 9);
    // createPost, by an author for themselves and by an editor for two people.
    let (writer, token) = app.actor(Role::Author).await;
    let (_, editor) = app.actor(Role::Editor).await;
    let other = app.user("bada@example.com", "이바다", Role::Author).await;
    let r = app
        .graphql_as(&token, CREATE, json!({ "i": { "title": "혼자 쓴 글" } }))
        .await;
    let alone = id_of(&r.data()["createPost"]["post"]["id"]);
    assert_eq!(rows(&app, alone).await, [(writer.id, 0)]);
    let ids = [
        author_id(&app, &other).await,
        author_id(&app, &writer).await,
    ];
    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "title": "함께 쓴 글", "authors": ids } }),
        )
        .await;
    let together = id_of(&r.data()["createPost"]["post"]["id"]);
    assert_eq!(rows(&app, together).await, [(other.id, 0), (writer.id, 1)]);
    // The one-file importer, with and without an author.
    let p = app.post("가져온 글", "2022-01-01", "author: 이바다").await;
    assert_eq!(rows(&app, p.id).await, [(other.id, 0)]);
    let p = app.post("주인 없는 글", "2022-01-02", "").await;
    assert_eq!(rows(&app, p.id).await, [(app.author_id, 0)]);
    // `quire import`: the first files take the one-file path, the later ones (whose
    // authors the run has seen) the group writer.
    let dir =
        std::env::temp_dir().join(format!("quire-coauthors-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..30 {
        let authors = match i % 3 {
            0 => "authors: [김하늘, 이바다]",
            1 => "author: 이바다",
            _ => "",
        };
        std::fs::write(
            dir.join(format!("{i:02}.md")),
            format!("---\ntitle: \"묶음 {i}\"\ndate: 2024-01-{:02} 10:00:00 +0900\n{authors}\n---\n\n본문 {i}\n", i + 1),
        )
        .unwrap();
    }
    let report = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&report), (30, 0, 0, 0));
    let sky: i64 = app
        .number("SELECT id FROM users WHERE display_name = '김하늘'")
        .await;
    for i in 0..30 {
        let id = app
            .number(&format!("SELECT id FROM posts WHERE title = '묶음 {i}'"))
            .await;
        // Without a name: the run's default author.
        let want = match i % 3 {
            0 => vec![(sky, 0), (other.id, 1)],
            1 => vec![(other.id, 0)],
            _ => vec![(rows(&app, id).await[0].0, 0)],
        };
        assert_eq!(rows(&app, id).await, want, "묶음 {i}");
    }
    // Importing again changes nothing.
    let report = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&report), (0, 0, 30, 0));
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(broken_posts(&app).await, 0);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM post_authors").await,
        // Ten bulk files and one createPost by two, and the demo's post by two.
        app.number("SELECT COUNT(*) FROM posts").await + 10 + 1 + 1,
        "one row per post, one more for each co-author"
    );
}
both_backends!(every_way_of_writing_a_post_leaves_its_author_rows);

async fn import_and_export_round_trip(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let sky = app.user("sky@example.com", "김하늘", Role::Author).await;
    let sea = app.user("sea@example.com", "이바다", Role::Author).await;
    let (a, b) = (author_id(&app, &sky).await, author_id(&app, &sea).await);
    // Imported with display names: exported as written.
    let imported = app
        .post("가져온 공저", "2022-01-01", "authors: [이바다, 김하늘]")
        .await;
    assert_eq!(rows(&app, imported.id).await, [(sea.id, 0), (sky.id, 1)]);
    // Written through the API: exported by slug.
    let r = app
        .graphql_as(
            &editor,
            CREATE,
            json!({ "i": { "title": "쓴 공저", "slug": "written", "authors": [a, b] } }),
        )
        .await;
    let gid = r.data()["createPost"]["post"]["id"].clone();
    let post_id = id_of(&gid);
    let files: Vec<_> = all_posts(&app.db)
        .await
        .unwrap()
        .iter()
        .map(to_jekyll)
        .collect();
    let text_of = |slug: &str| {
        files
            .iter()
            .find(|f| f.relative_path.ends_with(&format!("-{slug}.md")))
            .unwrap()
            .text
            .clone()
    };
    let from_file = text_of(&imported.slug);
    assert!(
        from_file.contains("authors:\n  - 이바다\n  - 김하늘"),
        "{from_file}"
    );
    let written = text_of("written");
    assert!(
        written.contains(&format!("authors:\n  - {}\n  - {}", sky.slug, sea.slug)),
        "{written}"
    );
    assert!(!written.contains("\nauthor:"), "{written}");

    // Change the authors, then import the exported file: they come back.
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": gid, "expectedVersion": 1, "authors": [b] } }),
        )
        .await;
    assert_eq!(
        names(&r.data()["updatePost"]["post"]["authors"]),
        ["이바다"]
    );
    let one = all_posts(&app.db)
        .await
        .unwrap()
        .iter()
        .map(to_jekyll)
        .find(|f| f.relative_path.ends_with("-written.md"))
        .unwrap();
    assert!(
        one.text.contains(&format!("author: {}", sea.slug)),
        "{}",
        one.text
    );
    app.import("_posts/written.md", &written).await;
    assert_eq!(rows(&app, post_id).await, [(sky.id, 0), (sea.id, 1)]);
    app.import("_posts/written.md", &one.text).await;
    assert_eq!(rows(&app, post_id).await, [(sea.id, 0)]);
    assert_eq!(broken_posts(&app).await, 0);
}
both_backends!(import_and_export_round_trip);
