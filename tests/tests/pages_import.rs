//! Pages in and out of files: Jekyll and Hugo pages imported by `quire import` and
//! `importPosts`, exported as `_pages/` and imported again into the same tree.

use entity::user::Role;
use quire_tests::{TestApp, both_backends};
use serde_json::json;

/// Writes `files` (relative path, text) under a fresh temporary folder.
fn site(files: &[(&str, &str)]) -> std::path::PathBuf {
    let root = std::env::temp_dir().join(format!("quire-pages-{}", uuid::Uuid::new_v4().simple()));
    for (rel, text) in files {
        let path = root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    root
}

/// Every row as `kind slug title parent-slug menu-order status`, by slug.
async fn rows(db: &quire_tests::sea_orm::DatabaseConnection) -> Vec<String> {
    use quire_tests::{
        entity::post,
        sea_orm::{EntityTrait, QueryOrder},
    };
    let all = post::Entity::find()
        .order_by_asc(post::Column::Slug)
        .all(db)
        .await
        .unwrap();
    let slug_of = |id: Option<i64>| {
        id.and_then(|id| all.iter().find(|p| p.id == id))
            .map(|p| p.slug.clone())
    };
    all.iter()
        .map(|p| {
            format!(
                "{:?} {} {} {:?} {} {:?} {}",
                p.kind,
                p.slug,
                p.title,
                slug_of(p.parent_id),
                p.menu_order,
                p.status,
                p.markdown.trim()
            )
        })
        .collect()
}

async fn jekyll_and_hugo_pages_import_and_export_round_trips(app: TestApp) {
    use quire_tests::quire::commands::{export, import};
    let jekyll = site(&[
        (
            "_posts/2022-01-01-hello.md",
            "---\nlayout: post\ntitle: 안녕\ntags: [회고]\n---\n첫 글\n",
        ),
        (
            "about.md",
            "---\nlayout: page\ntitle: 소개\npermalink: /about/\nnav_order: 2\n---\n저를 소개합니다.\n",
        ),
        (
            "team.md",
            "---\ntitle: 팀\npermalink: /team/\nparent: 소개\nnav_order: 1\ntags: [무시]\n---\n함께하는 사람들\n",
        ),
        ("README.md", "# 이 블로그의 저장소\n"),
        ("_config.yml", "title: 블로그\n"),
    ]);
    let hugo = site(&[
        ("config.toml", "title = \"블로그\"\n"),
        (
            "content/now.md",
            "+++\ntitle = \"지금\"\nweight = 1\n+++\n요즘 하는 일\n",
        ),
        (
            "content/posts/first.md",
            "+++\ntitle = \"휴고 글\"\ndate = 2023-02-01T10:00:00+09:00\n+++\n본문\n",
        ),
    ]);
    let report = import::run(
        &app.db,
        &quire_tests::imports::request(vec![jekyll.clone(), hugo.clone()]),
    )
    .await
    .unwrap();
    assert_eq!(report.failed(), 0, "{}", report.render());
    let before = rows(&app.db).await;
    assert_eq!(
        before,
        [
            "Page about 소개 None 2 Published 저를 소개합니다.",
            "Page team 팀 Some(\"about\") 1 Published 함께하는 사람들",
            "Post 안녕 안녕 None 0 Published 첫 글",
            "Page 지금 지금 None 1 Published 요즘 하는 일",
            "Post 휴고-글 휴고 글 None 0 Published 본문",
        ],
        "{}",
        report.render()
    );
    // Pages keep no tags; the posts listing holds the posts only.
    assert_eq!(app.number("SELECT COUNT(*) FROM post_tags").await, 1);
    let r = app
        .graphql(
            "{ posts { totalCount } pages { nodes { title children { title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.data()["posts"]["totalCount"], 2);
    assert_eq!(
        r.data()["pages"]["nodes"],
        json!([{ "title": "지금", "children": [] }, { "title": "소개", "children": [{ "title": "팀" }] }])
    );

    // Export writes the pages back as pages, and importing the export gives them again.
    let out = std::env::temp_dir().join(format!("quire-export-{}", uuid::Uuid::new_v4().simple()));
    export::run(&app.db, &out).await.unwrap();
    let team = std::fs::read_to_string(out.join("_pages/team.md")).unwrap();
    assert!(
        team.contains("layout: page") && team.contains("parent: about"),
        "{team}"
    );
    let (fresh, _guard) = quire_tests::fresh_database(app.backend).await.unwrap();
    quire_tests::quire::service::author::ensure(
        &fresh,
        quire_tests::quire::service::author::NewUser {
            slug: "tester",
            display_name: "테스터",
            email: "t@example.com",
            bio: None,
            role: Role::Author,
        },
    )
    .await
    .unwrap();
    let again = import::run(&fresh, &quire_tests::imports::request(vec![out.clone()]))
        .await
        .unwrap();
    assert_eq!(again.failed(), 0, "{}", again.render());
    assert_eq!(rows(&fresh).await, before);
    for dir in [jekyll, hugo, out] {
        std::fs::remove_dir_all(dir).unwrap();
    }
}
both_backends!(jekyll_and_hugo_pages_import_and_export_round_trips);

async fn import_posts_links_pages_sent_in_any_order(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let files = json!([
        { "path": "_pages/team.md", "content": "---\ntitle: 팀\nparent: 소개\nnav_order: 2\n---\n사람들\n" },
        { "path": "_pages/history.md", "content": "---\ntitle: 연혁\nparent: 팀\n---\n지난 일\n" },
        { "path": "_pages/about.md", "content": "---\nlayout: page\ntitle: 소개\npermalink: /about/\n---\n소개\n" },
        { "path": "notes/first-week.md", "content": "---\nlayout: default\ntitle: 첫 주\nparent: Personal\ngrand_parent: Writes\n---\n일기\n" },
    ]);
    let r = app
        .graphql_as(
            &editor,
            "mutation($i: ImportPostsInput!) { importPosts(input: $i) { results { outcome error { message } } } }",
            json!({ "i": { "files": files } }),
        )
        .await;
    let results = r.data()["importPosts"]["results"]
        .as_array()
        .unwrap()
        .clone();
    assert!(
        results.iter().all(|x| x["outcome"] == "IMPORTED"),
        "{results:?}"
    );
    let r = app
        .graphql(
            "{ page(slug: \"연혁\") { breadcrumbs { slug } } pages { nodes { slug children { slug menuOrder } } }
               posts { nodes { title } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["page"]["breadcrumbs"],
        json!([{ "slug": "about" }, { "slug": "팀" }])
    );
    assert_eq!(
        r.data()["pages"]["nodes"],
        json!([{ "slug": "about", "children": [{ "slug": "팀", "menuOrder": 2 }] }])
    );
    // just-the-docs' `parent` on a post is no page parent: the file stays a post.
    assert_eq!(r.data()["posts"]["nodes"], json!([{ "title": "첫 주" }]));
}
both_backends!(import_posts_links_pages_sent_in_any_order);
