//! Categories from files: imports from Chirpy, Jekyll/Hugo and just-the-docs (tags
//! kept as written, not merged with categories), the export round trip, and the one-off
//! filing of posts imported before quire had categories (their tags kept).

use quire_tests::{
    TestApp, both_backends,
    entity::{post, user::Role},
    quire::{
        export::to_jekyll,
        graphql::node,
        import::parse_document,
        service::{category, export::all_posts},
    },
};
use serde_json::{Value, json};

const UPDATE: &str = "mutation($i: UpdateCategoryInput!) { updateCategory(input: $i) { category { slug name path { name } } } }";

/// The whole tree, top down, for "nothing changed" checks.
async fn tree(app: &TestApp) -> Vec<(String, String, Option<i64>, i32)> {
    let t = category::tree(&app.db).await.unwrap();
    let mut out = Vec::new();
    let mut stack: Vec<Option<i64>> = vec![None];
    while let Some(parent) = stack.pop() {
        for c in t.children(parent) {
            out.push((c.slug.clone(), c.name.clone(), c.parent_id, c.position));
            stack.push(Some(c.id));
        }
    }
    out
}

/// The category path of a stored post, names from the top.
async fn path_of(app: &TestApp, p: &post::Model) -> Vec<String> {
    let t = category::tree(&app.db).await.unwrap();
    p.category_id
        .map(|id| t.path(id).iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default()
}

async fn tag_slugs(app: &TestApp, id: i64) -> Vec<String> {
    quire_tests::quire::service::tag::by_posts(&app.db, &[id])
        .await
        .unwrap()
        .remove(&id)
        .unwrap_or_default()
        .into_iter()
        .map(|t| t.slug)
        .collect()
}

async fn imports_read_categories_and_keep_tags(app: TestApp) {
    let chirpy = app
        .import(
            "_posts/2022-01-01-review.md",
            "---\ntitle: 올해 회고\ncategories: [ETC, Retrospective]\ntags: [retrospective]\ndate: 2022-01-01 17:30:00 +0900\n---\n본문\n",
        )
        .await;
    assert_eq!(path_of(&app, &chirpy).await, ["ETC", "Retrospective"]);
    assert_eq!(tag_slugs(&app, chirpy.id).await, ["retrospective"]);
    let jekyll = app
        .import(
            "_posts/2021-07-04-essay.md",
            "---\nlayout: post\ntitle: 수필\ncategories: essay\ntags: Diary acme\n---\n본문\n",
        )
        .await;
    assert_eq!(path_of(&app, &jekyll).await, ["essay"]);
    assert_eq!(tag_slugs(&app, jekyll.id).await, ["diary", "acme"]);
    let docs = app
        .import(
            "docs/personal/retro.md",
            "---\ntitle: 개인 회고\nparent: Personal\ngrand_parent: Writes\nnav_order: 1\n---\n본문\n",
        )
        .await;
    assert_eq!(path_of(&app, &docs).await, ["Writes", "Personal"]);
    let page = app
        .import(
            "about.md",
            "---\nlayout: page\ntitle: 소개\nparent: Home\n---\n본문\n",
        )
        .await;
    assert_eq!(page.category_id, None, "a page's parent is a page");
    // The same name under two parents: the second gets a suffixed slug.
    let other = app
        .import(
            "_posts/2022-02-01-other.md",
            "---\ntitle: 다른 회고\ncategories: [Life, Retrospective]\ndate: 2022-02-01\n---\n본문\n",
        )
        .await;
    let t = category::tree(&app.db).await.unwrap();
    let slug = |p: &post::Model| t.get(p.category_id.unwrap()).unwrap().slug.clone();
    assert_eq!(
        (slug(&chirpy), slug(&other)),
        ("retrospective".to_owned(), "retrospective-2".to_owned())
    );
    // Importing again finds the same categories.
    let again = app
        .import(
            "_posts/2022-02-02-more.md",
            "---\ntitle: 또 회고\ncategories: [etc, retrospective]\ndate: 2022-02-02\n---\n본문\n",
        )
        .await;
    assert_eq!(again.category_id, chirpy.category_id);
    assert_eq!(
        quire_tests::quire::service::category::tree(&app.db)
            .await
            .unwrap()
            .children(None)
            .len(),
        4,
        "ETC, essay, Writes, Life"
    );
}
both_backends!(imports_read_categories_and_keep_tags);

/// A bulk import writes most new posts in groups: those posts get their category too,
/// from the paths the run has seen.
async fn a_bulk_import_files_every_post(app: TestApp) {
    use quire_tests::imports::{import, outcomes, posts, request};
    let dir = std::env::temp_dir().join(format!("quire-cat-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    for i in 0..40 {
        let cats = match i % 3 {
            0 => "categories: [글, 회고]",
            1 => "categories: 글/소개",
            _ => "tags: [회고]",
        };
        std::fs::write(
            dir.join(format!("{i:02}.md")),
            format!(
                "---\ntitle: 글 {i}\ndate: 2024-01-{:02}\n{cats}\n---\n본문 {i}\n",
                i % 28 + 1
            ),
        )
        .unwrap();
    }
    let report = import(&app, &request(vec![dir.clone()])).await;
    assert_eq!(outcomes(&report), (40, 0, 0, 0), "{}", report.render());
    let all = posts(&app).await;
    for i in 0..40 {
        let want: &[&str] = match i % 3 {
            0 => &["글", "회고"],
            1 => &["글", "소개"],
            _ => &[],
        };
        assert_eq!(
            path_of(&app, &all[&format!("글 {i}")]).await,
            want,
            "post {i}"
        );
    }
    let r = app
        .graphql(
            r#"{ category(slug: "글") { postCount children { name postCount } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["category"],
        json!({ "postCount": 27, "children": [{ "name": "회고", "postCount": 14 }, { "name": "소개", "postCount": 13 }] })
    );
    std::fs::remove_dir_all(dir).unwrap();
}
both_backends!(a_bulk_import_files_every_post);

async fn export_writes_the_path_and_import_reads_it_back(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let p = app
        .post(
            "내보낼 글",
            "2024-01-01 10:00:00 +0900",
            "categories: [글, 회고]\ntags: [일상]",
        )
        .await;
    let plain = app
        .post(
            "분류 없는 글",
            "2024-01-02 10:00:00 +0900",
            "parent: 옛 분류",
        )
        .await;
    // The category leaves the post: the export must say so.
    let r = app
        .graphql_as(
            &editor,
            "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { category { name } } } }",
            json!({ "i": { "id": node::encode(node::Kind::Post, plain.id), "expectedVersion": plain.version, "category": null } }),
        )
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["category"], Value::Null);
    // And 회고 is renamed: the export writes today's names.
    let review = category::tree(&app.db)
        .await
        .unwrap()
        .by_slug("회고")
        .unwrap()
        .id;
    app.graphql_as(
        &editor,
        UPDATE,
        json!({ "i": { "id": node::encode(node::Kind::Category, review), "name": "돌아보기" } }),
    )
    .await
    .data();
    let exported = all_posts(&app.db).await.unwrap();
    let file = |id: i64| to_jekyll(exported.iter().find(|e| e.post.id == id).unwrap());
    let text = file(p.id).text;
    assert!(
        text.contains("categories:\n  - 글\n  - 돌아보기\n"),
        "{text}"
    );
    let back = parse_document("x.md", &text).unwrap();
    assert_eq!(back.category_path, ["글", "돌아보기"]);
    assert_eq!(back.tags, ["일상"]);
    let plain_text = file(plain.id).text;
    assert!(plain_text.contains("categories: []"), "{plain_text}");
    assert!(
        parse_document("y.md", &plain_text)
            .unwrap()
            .category_path
            .is_empty()
    );
    // Re-importing the exported file keeps the post where it is.
    let again = app.import(&p.source_path.clone().unwrap(), &text).await;
    assert_eq!((again.id, again.category_id), (p.id, p.category_id));
}
both_backends!(export_writes_the_path_and_import_reads_it_back);

/// A database from before categories: posts imported then had their `categories`
/// turned into tags, and kept them in their front matter. After the migrations the
/// backfill files them under those categories once; the tags stay.
async fn posts_imported_before_get_their_categories_once(app: TestApp) {
    use quire_tests::{
        entity::{post_tag, setting, tag},
        quire::db,
        sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set},
    };
    {
        use quire_tests::migration::{Migrator, MigratorTrait};
        let all = Migrator::migrations();
        let at = all
            .iter()
            .position(|m| m.name() == "m20261206_030000_create_categories")
            .unwrap();
        Migrator::down(&app.db, Some(u32::try_from(all.len() - at).unwrap()))
            .await
            .unwrap();
    }
    // A database of before had no marker.
    setting::Entity::delete_by_id(category::BACKFILL_MARKER.to_owned())
        .exec(&app.db)
        .await
        .unwrap();
    let now = quire_tests::quire::service::now();
    let cases = [
        (
            "chirpy",
            json!({ "categories": ["글", "회고"], "tags": ["일상"] }),
            vec!["일상", "글", "회고"],
        ),
        (
            "jekyll",
            json!({ "layout": "post", "categories": "essay" }),
            vec!["essay"],
        ),
        (
            "docs",
            json!({ "parent": "Personal", "grand_parent": "Writes" }),
            vec![],
        ),
        (
            "page",
            json!({ "layout": "page", "parent": "Home" }),
            vec![],
        ),
        ("plain", json!({ "tags": ["일상"] }), vec!["일상"]),
    ];
    for (slug, fm, tags) in &cases {
        let p = post::ActiveModel {
            slug: Set((*slug).into()),
            title: Set(format!("{slug} 글")),
            markdown: Set("본문".into()),
            html: Set("<p>본문</p>".into()),
            toc: Set(json!([])),
            excerpt: Set("본문".into()),
            reading_time_minutes: Set(1),
            word_count: Set(1),
            status: Set(post::Status::Published),
            published_at: Set(Some(now)),
            author_id: Set(app.author_id),
            front_matter: Set(fm.clone()),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        let id = post::Entity::insert(p)
            .exec(&app.db)
            .await
            .unwrap()
            .last_insert_id;
        for (i, name) in tags.iter().enumerate() {
            let slug = quire_tests::quire::slug::slugify(name);
            let t = match tag::Entity::find()
                .filter(tag::Column::Slug.eq(slug.as_str()))
                .one(&app.db)
                .await
                .unwrap()
            {
                Some(t) => t,
                None => tag::ActiveModel {
                    slug: Set(slug),
                    name: Set((*name).into()),
                    created_at: Set(now),
                    updated_at: Set(now),
                    ..Default::default()
                }
                .insert(&app.db)
                .await
                .unwrap(),
            };
            post_tag::ActiveModel {
                post_id: Set(id),
                tag_id: Set(t.id),
                position: Set(i32::try_from(i).unwrap()),
                ..Default::default()
            }
            .insert(&app.db)
            .await
            .unwrap();
        }
    }
    let links = || async {
        post_tag::Entity::find()
            .order_by_asc(post_tag::Column::PostId)
            .order_by_asc(post_tag::Column::Position)
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|l| (l.post_id, l.tag_id))
            .collect::<Vec<_>>()
    };
    let tags_before = links().await;

    db::migrate(&app.db).await.unwrap();
    let stored = || async {
        let t = category::tree(&app.db).await.unwrap();
        post::Entity::find()
            .order_by_asc(post::Column::Id)
            .all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .map(|p| {
                let path: Vec<String> = p
                    .category_id
                    .map(|id| t.path(id).iter().map(|c| c.name.clone()).collect())
                    .unwrap_or_default();
                (p.slug, path, p.version)
            })
            .collect::<Vec<_>>()
    };
    let after = stored().await;
    let path = |names: &[&str]| names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        after,
        vec![
            ("chirpy".to_owned(), path(&["글", "회고"]), 1),
            ("jekyll".to_owned(), path(&["essay"]), 1),
            ("docs".to_owned(), path(&["Writes", "Personal"]), 1),
            ("page".to_owned(), vec![], 1),
            ("plain".to_owned(), vec![], 1),
        ]
    );
    assert_eq!(links().await, tags_before, "the tags stay as they were");
    let r = app
        .graphql(
            r#"{ category(slug: "글") { postCount children { name } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["category"],
        json!({ "postCount": 1, "children": [{ "name": "회고" }] })
    );

    // Once only: a category an editor removes later is not brought back.
    post::Entity::update_many()
        .col_expr(
            post::Column::CategoryId,
            quire_tests::sea_orm::sea_query::Expr::value(Option::<i64>::None),
        )
        .filter(post::Column::Slug.eq("jekyll"))
        .exec(&app.db)
        .await
        .unwrap();
    let categories = tree(&app).await;
    db::migrate(&app.db).await.unwrap();
    assert_eq!(tree(&app).await, categories);
    let again = stored().await;
    assert_eq!(again[1], ("jekyll".to_owned(), vec![], 1));
    assert_eq!(again[0], after[0]);
}
both_backends!(posts_imported_before_get_their_categories_once);
