//! `importPosts`: the importer over GraphQL for admin scripts, one result per file.

use quire_tests::{TestApp, both_backends, entity::user::Role};
use serde_json::json;

const IMPORT: &str = "mutation($i: ImportPostsInput!) { importPosts(input: $i) { results { path outcome post { title slug status tags { slug } publishedAt } error { code field message } } } }";

async fn import_posts_reports_each_file(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let good = "---\ntitle: API로 옮긴 글\ndate: 2022-01-01 17:30:00 +0900\ntags: [이사, api]\n---\n\n본문입니다.\n";
    let broken = "---\ntitle: 깨진 글\ntags: [a, b\n---\n본문\n";
    let many_tags = format!(
        "---\ntitle: 태그가 많은 글\ntags: [{}]\n---\n",
        (0..51)
            .map(|i| format!("t{i}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let files = json!([
        { "path": "_posts/2022-01-01-moved.md", "content": good },
        { "path": "_posts/broken.md", "content": broken },
        { "path": "_posts/many.md", "content": many_tags },
    ]);
    let r = app
        .graphql_as(&editor, IMPORT, json!({ "i": { "files": files } }))
        .await;
    let results = r.data()["importPosts"]["results"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(results.len(), 3);
    assert_eq!(results[0]["outcome"], "IMPORTED");
    assert_eq!(results[0]["post"]["title"], "API로 옮긴 글");
    assert_eq!(results[0]["post"]["status"], "PUBLISHED");
    assert_eq!(
        results[0]["post"]["publishedAt"],
        "2022-01-01T17:30:00+09:00"
    );
    assert_eq!(
        results[0]["post"]["tags"],
        json!([{ "slug": "이사" }, { "slug": "api" }])
    );
    assert_eq!(results[1]["outcome"], "FAILED");
    assert_eq!(results[1]["error"]["code"], "BAD_USER_INPUT");
    assert!(
        results[1]["error"]["field"]
            .as_str()
            .unwrap()
            .starts_with("files[_posts/broken.md]:"),
        "{}",
        results[1]
    );
    assert!(
        results[1]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("YAML")
    );
    assert_eq!(results[2]["outcome"], "FAILED");
    assert!(
        results[2]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("50 tags")
    );
    assert_eq!(
        app.count_posts().await,
        1,
        "failed files leave nothing behind"
    );

    // The same file again: unchanged; edited: updated, not duplicated.
    let again = json!([{ "path": "_posts/2022-01-01-moved.md", "content": good }]);
    let r = app
        .graphql_as(&editor, IMPORT, json!({ "i": { "files": again } }))
        .await;
    assert_eq!(
        r.data()["importPosts"]["results"][0]["outcome"],
        "UNCHANGED"
    );
    let edited = json!([{ "path": "_posts/2022-01-01-moved.md", "content": good.replace("본문입니다", "고친 본문") }]);
    let r = app
        .graphql_as(
            &editor,
            IMPORT,
            json!({ "i": { "files": edited, "status": "DRAFT" } }),
        )
        .await;
    assert_eq!(r.data()["importPosts"]["results"][0]["outcome"], "UPDATED");
    assert_eq!(
        r.data()["importPosts"]["results"][0]["post"]["status"],
        "DRAFT"
    );
    assert_eq!(app.count_posts().await, 1);
}
both_backends!(import_posts_reports_each_file);

async fn only_editors_and_admins_import(app: TestApp) {
    let (_, author) = app.actor(Role::Author).await;
    let files = json!([{ "path": "a.md", "content": "# 제목\n본문" }]);
    let r = app
        .graphql_as(&author, IMPORT, json!({ "i": { "files": files } }))
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = app
        .graphql(IMPORT, json!({ "i": { "files": files } }))
        .await;
    assert_eq!(r.error_code(), "UNAUTHENTICATED");
    let (_, admin) = app.actor(Role::Admin).await;
    let too_many: Vec<_> = (0..201)
        .map(|i| json!({ "path": format!("p{i}.md"), "content": "x" }))
        .collect();
    let r = app
        .graphql_as(&admin, IMPORT, json!({ "i": { "files": too_many } }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    assert_eq!(app.count_posts().await, 0);
}
both_backends!(only_editors_and_admins_import);

/// A file without a date is dated when first imported (now, over the API); importing it
/// again later leaves its post as it was: UNCHANGED, the same date.
async fn an_undated_file_imported_again_keeps_its_date(app: TestApp) {
    let (_, editor) = app.actor(Role::Editor).await;
    let files =
        json!([{ "path": "undated.md", "content": "---\ntitle: 날짜 없는 글\n---\n본문\n" }]);
    let first = app
        .graphql_as(&editor, IMPORT, json!({ "i": { "files": files } }))
        .await;
    let first = &first.data()["importPosts"]["results"][0];
    assert_eq!(first["outcome"], "IMPORTED");
    // Past the second the first import was dated to.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let again = app
        .graphql_as(&editor, IMPORT, json!({ "i": { "files": files } }))
        .await;
    let again = &again.data()["importPosts"]["results"][0];
    assert_eq!(again["outcome"], "UNCHANGED");
    assert_eq!(again["post"]["publishedAt"], first["post"]["publishedAt"]);
    let changed =
        json!([{ "path": "undated.md", "content": "---\ntitle: 날짜 없는 글\n---\n고친 본문\n" }]);
    let edited = app
        .graphql_as(&editor, IMPORT, json!({ "i": { "files": changed } }))
        .await;
    let edited = &edited.data()["importPosts"]["results"][0];
    assert_eq!(edited["outcome"], "UPDATED");
    assert_eq!(edited["post"]["publishedAt"], first["post"]["publishedAt"]);
}
both_backends!(an_undated_file_imported_again_keeps_its_date);

/// Only an admin's import creates an author for an unknown `author:` (role AUTHOR, no
/// password); an editor's post by an unknown author is the editor's.
async fn only_admins_create_authors(app: TestApp) {
    use quire_tests::{
        entity::{post, user},
        sea_orm::{EntityTrait, PaginatorTrait},
    };
    let (editor_user, editor) = app.actor(Role::Editor).await;
    let (_, admin) = app.actor(Role::Admin).await;
    let users = user::Entity::find().count(&app.db).await.unwrap();
    let file = |path: &str| json!([{ "path": path, "content": "---\ntitle: 손님 글\nauthor: 손님 작가\n---\n본문\n" }]);
    let r = app
        .graphql_as(&editor, IMPORT, json!({ "i": { "files": file("e.md") } }))
        .await;
    assert_eq!(r.data()["importPosts"]["results"][0]["outcome"], "IMPORTED");
    assert_eq!(user::Entity::find().count(&app.db).await.unwrap(), users);
    let by_editor = post::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(by_editor.author_id, editor_user.id);

    let r = app
        .graphql_as(&admin, IMPORT, json!({ "i": { "files": file("a.md") } }))
        .await;
    assert_eq!(r.data()["importPosts"]["results"][0]["outcome"], "IMPORTED");
    let created = user::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .find(|u| u.display_name == "손님 작가")
        .unwrap();
    assert_eq!(created.role, user::Role::Author);
    assert!(created.password_hash.is_none());
    assert_eq!(
        user::Entity::find().count(&app.db).await.unwrap(),
        users + 1
    );
}
both_backends!(only_admins_create_authors);
