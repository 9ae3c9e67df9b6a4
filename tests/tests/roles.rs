//! The role matrix: every mutation against anonymous, an author (on their own post, on a
//! post they co-author in second place, and on someone else's), an editor and an admin.
//! A refused call writes nothing.

use quire_tests::{
    TestApp, both_backends,
    entity::{api_key, category, post, post_author, post_tag, series, site, tag, user, user::Role},
    quire::{
        auth::Principal,
        service::{self, post::input::PostChanges},
    },
    sea_orm::{EntityTrait, QueryOrder},
};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    /// The author, acting on a post of their own.
    AuthorOwn,
    /// The author, acting on a post another author wrote with them (they are second).
    AuthorCo,
    /// The author, acting on another author's post.
    AuthorOther,
    Editor,
    Admin,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Want {
    Ok,
    Unauthenticated,
    Forbidden,
}

/// Fresh objects for one call.
struct Fixture {
    post: String,
    post_version: i32,
    revision: String,
    series: String,
    series_posts: Vec<String>,
    tag_a: String,
    tag_b: String,
    category: String,
    victim: String,
    key_id: String,
    page: String,
    page_version: i32,
    page_revision: String,
}

fn gid(kind: &str, id: i64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("{kind}:{id}"))
}

async fn fixture(
    app: &TestApp,
    owner: &user::Model,
    co_author: Option<&user::Model>,
    admin: &user::Model,
    trashed: bool,
    n: usize,
) -> Fixture {
    let who = Principal::User(owner.clone());
    let boss = Principal::User(admin.clone());
    let p = service::post::write::create(
        &app.db,
        &who,
        PostChanges {
            title: Some(format!("글 {n}")),
            markdown: Some("본문".into()),
            authors: co_author.map(|c| vec![owner.id, c.id]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let p = if trashed {
        service::post::lifecycle::trash(&app.db, &who, p.id, None)
            .await
            .unwrap()
    } else {
        p
    };
    let revision = service::post::revision::revisions(&app.db, &who, &p)
        .await
        .unwrap()[0]
        .id;
    let page = service::page::write::create(
        &app.db,
        &who,
        PostChanges {
            title: Some(format!("쪽 {n}")),
            markdown: Some("소개".into()),
            authors: co_author.map(|c| vec![owner.id, c.id]),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let page = if trashed {
        service::post::lifecycle::trash(&app.db, &who, page.id, None)
            .await
            .unwrap()
    } else {
        page
    };
    let page_revision = service::post::revision::revisions(&app.db, &who, &page)
        .await
        .unwrap()[0]
        .id;
    let s = service::taxonomy::create_series(
        &app.db,
        &boss,
        service::taxonomy::NamedChanges {
            name: Some(format!("시리즈 {n}")),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let mut series_posts = Vec::new();
    for i in 0..2 {
        let sp = service::post::write::create(
            &app.db,
            &boss,
            PostChanges {
                title: Some(format!("연재 {n}-{i}")),
                series: Some(Some(s.slug.clone())),
                ..Default::default()
            },
        )
        .await
        .unwrap();
        series_posts.push(gid("Post", sp.id));
    }
    let t = |name: String| {
        let boss = boss.clone();
        async move {
            service::taxonomy::create_tag(
                &app.db,
                &boss,
                service::taxonomy::NamedChanges {
                    name: Some(name),
                    ..Default::default()
                },
            )
            .await
            .unwrap()
        }
    };
    let tag_a = t(format!("태그 a{n}")).await;
    let tag_b = t(format!("태그 b{n}")).await;
    let category = service::category::create(
        &app.db,
        &boss,
        service::category::CategoryChanges {
            name: Some(format!("분류 {n}")),
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let victim = app
        .user(
            &format!("victim{n}@example.com"),
            &format!("피해자 {n}"),
            Role::Author,
        )
        .await;
    let secret = app.secret().await;
    let (key, _) = service::apikey::create(&app.db, &secret, "키", Role::Editor, admin.id)
        .await
        .unwrap();
    Fixture {
        post: gid("Post", p.id),
        post_version: p.version,
        revision: gid("Revision", revision),
        series: gid("Series", s.id),
        series_posts,
        tag_a: gid("Tag", tag_a.id),
        tag_b: gid("Tag", tag_b.id),
        category: gid("Category", category.id),
        victim: gid("Author", victim.id),
        key_id: key.key_id,
        page: gid("Page", page.id),
        page_version: page.version,
        page_revision: gid("Revision", page_revision),
    }
}

/// Everything a mutation could change, to prove a refused one changed nothing.
async fn snapshot(app: &TestApp) -> String {
    let posts: Vec<_> = post::Entity::find()
        .order_by_asc(post::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| {
            (
                p.id,
                p.version,
                p.title,
                p.slug,
                format!("{:?}", p.status),
                p.deleted_at.is_some(),
                p.series_id,
                p.series_position,
                p.author_id,
                p.category_id,
                p.parent_id,
                p.menu_order,
            )
        })
        .collect();
    let links: Vec<_> = post_tag::Entity::find()
        .order_by_asc(post_tag::Column::PostId)
        .order_by_asc(post_tag::Column::TagId)
        .all(&app.db)
        .await
        .unwrap();
    let tags: Vec<_> = tag::Entity::find()
        .order_by_asc(tag::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|t| (t.id, t.slug, t.name))
        .collect();
    let categories: Vec<_> = category::Entity::find()
        .order_by_asc(category::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.id, c.slug, c.name, c.parent_id, c.position))
        .collect();
    let series: Vec<_> = series::Entity::find()
        .order_by_asc(series::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.id, s.slug, s.title))
        .collect();
    let users: Vec<_> = user::Entity::find()
        .order_by_asc(user::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|u| {
            (
                u.id,
                u.role,
                u.email,
                u.disabled_at.is_some(),
                u.display_name,
                u.bio,
                u.password_hash,
            )
        })
        .collect();
    let keys: Vec<_> = api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|k| (k.id, k.revoked_at.is_some()))
        .collect();
    let site = site::Entity::find().all(&app.db).await.unwrap();
    let bylines: Vec<_> = post_author::Entity::find()
        .order_by_asc(post_author::Column::PostId)
        .order_by_asc(post_author::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    format!(
        "{posts:?}{links:?}{tags:?}{categories:?}{series:?}{users:?}{keys:?}{site:?}{bylines:?}"
    )
}

fn call(name: &str, input: Value) -> (String, Value) {
    let cap = {
        let mut c = name.chars();
        c.next()
            .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
            .unwrap_or_default()
    };
    (
        format!("mutation($i: {cap}Input!) {{ {name}(input: $i) {{ __typename }} }}"),
        json!({ "i": input }),
    )
}

fn input(name: &str, f: &Fixture) -> Value {
    match name {
        "createPost" => json!({ "title": "새 글", "tags": [] }),
        "updatePost" => {
            json!({ "id": f.post, "expectedVersion": f.post_version, "title": "고친 제목" })
        }
        "publishPost" | "unpublishPost" | "archivePost" | "deletePost" | "restorePost"
        | "purgePost" => json!({ "id": f.post }),
        "restoreRevision" => json!({ "id": f.revision }),
        "createPreviewToken" => json!({ "postId": f.post }),
        "createPage" => json!({ "title": "새 쪽", "menuOrder": 1 }),
        "updatePage" => {
            json!({ "id": f.page, "expectedVersion": f.page_version, "title": "고친 쪽", "menuOrder": 3 })
        }
        "publishPage" | "unpublishPage" | "archivePage" | "deletePage" | "restorePage"
        | "purgePage" => json!({ "id": f.page }),
        "restorePageRevision" => json!({ "id": f.page_revision }),
        "createPagePreviewToken" => json!({ "pageId": f.page }),
        "createSeries" => json!({ "title": format!("새 시리즈 {}", f.key_id) }),
        "updateSeries" => json!({ "id": f.series, "title": "바뀐 시리즈" }),
        "deleteSeries" => json!({ "id": f.series }),
        "setPostSeries" => json!({ "postId": f.post, "seriesId": f.series }),
        "reorderSeries" => {
            json!({ "seriesId": f.series, "postIds": [f.series_posts[1], f.series_posts[0]] })
        }
        "createTag" => json!({ "name": format!("새 태그 {}", f.key_id) }),
        "updateTag" => json!({ "id": f.tag_a, "name": format!("바뀐 태그 {}", f.key_id) }),
        "mergeTags" => json!({ "from": f.tag_a, "into": f.tag_b }),
        "deleteTag" => json!({ "id": f.tag_a }),
        "createCategory" => json!({ "name": format!("새 분류 {}", f.key_id) }),
        "updateCategory" => json!({ "id": f.category, "name": "바뀐 분류" }),
        "deleteCategory" => json!({ "id": f.category }),
        "createUser" => {
            json!({ "email": format!("new-{}@example.com", f.key_id.to_lowercase()), "name": "새 사람", "role": "AUTHOR" })
        }
        "updateUser" => {
            json!({ "id": f.victim, "role": "EDITOR", "email": format!("moved-{}@example.com", f.key_id) })
        }
        "resetUserPassword" => json!({ "id": f.victim, "newPassword": "새 비밀번호 하나" }),
        "deleteUser" => json!({ "id": f.victim }),
        "createApiKey" => json!({ "name": "새 키", "role": "AUTHOR" }),
        "revokeApiKey" => json!({ "keyId": f.key_id }),
        "updateViewer" => json!({ "bio": "새 소개" }),
        "changePassword" => {
            json!({ "currentPassword": quire_tests::PASSWORD, "newPassword": quire_tests::PASSWORD })
        }
        "updateSite" => json!({ "title": format!("새 이름 {}", f.key_id) }),
        other => panic!("no input for {other}"),
    }
}

/// Which roles may call what. `Some(own_only)` marks post mutations an author may call on
/// their own posts only.
fn expected(name: &str, who: Who) -> Want {
    use Want::*;
    if who == Who::Anonymous {
        return Unauthenticated;
    }
    let rank = match who {
        Who::AuthorOwn | Who::AuthorCo | Who::AuthorOther => 1,
        Who::Editor => 2,
        Who::Admin => 3,
        Who::Anonymous => 0,
    };
    match name {
        "createPost" | "createPage" | "updateViewer" | "changePassword" => Ok,
        "updatePost"
        | "publishPost"
        | "unpublishPost"
        | "archivePost"
        | "deletePost"
        | "restorePost"
        | "restoreRevision"
        | "createPreviewToken"
        | "setPostSeries"
        | "updatePage"
        | "publishPage"
        | "unpublishPage"
        | "archivePage"
        | "deletePage"
        | "restorePage"
        | "restorePageRevision"
        | "createPagePreviewToken" => {
            if who == Who::AuthorOther {
                Forbidden
            } else {
                Ok
            }
        }
        "purgePost" | "purgePage" | "createUser" | "updateUser" | "resetUserPassword"
        | "deleteUser" | "createApiKey" | "revokeApiKey" | "updateSite" => {
            if rank == 3 {
                Ok
            } else {
                Forbidden
            }
        }
        _ => {
            if rank >= 2 {
                Ok
            } else {
                Forbidden
            }
        }
    }
}

const MUTATIONS: &[&str] = &[
    "createPost",
    "updatePost",
    "publishPost",
    "unpublishPost",
    "archivePost",
    "deletePost",
    "restorePost",
    "purgePost",
    "restoreRevision",
    "createPreviewToken",
    "createPage",
    "updatePage",
    "publishPage",
    "unpublishPage",
    "archivePage",
    "deletePage",
    "restorePage",
    "purgePage",
    "restorePageRevision",
    "createPagePreviewToken",
    "createSeries",
    "updateSeries",
    "deleteSeries",
    "setPostSeries",
    "reorderSeries",
    "createTag",
    "updateTag",
    "mergeTags",
    "deleteTag",
    "createCategory",
    "updateCategory",
    "deleteCategory",
    "createUser",
    "updateUser",
    "resetUserPassword",
    "createApiKey",
    "revokeApiKey",
    "updateViewer",
    "changePassword",
    "updateSite",
];

async fn every_mutation_against_every_role(app: TestApp) {
    let (author, author_token) = app.actor(Role::Author).await;
    let (other, _) = app.actor(Role::Author).await;
    let (_, editor_token) = app.actor(Role::Editor).await;
    let (admin, admin_token) = app.actor(Role::Admin).await;
    let mut n = 0;
    let mut table = Vec::new();
    for name in MUTATIONS {
        for who in [
            Who::Anonymous,
            Who::AuthorOwn,
            Who::AuthorCo,
            Who::AuthorOther,
            Who::Editor,
            Who::Admin,
        ] {
            n += 1;
            // The target post belongs to the author for AuthorOwn, to someone else
            // otherwise; for AuthorCo the author is its second author.
            let owner = if who == Who::AuthorOwn {
                &author
            } else {
                &other
            };
            let trashed = *name == "restorePost" || *name == "restorePage";
            let co = (who == Who::AuthorCo).then_some(&author);
            let f = fixture(&app, owner, co, &admin, trashed, n).await;
            let (doc, vars) = call(name, input(name, &f));
            let before = snapshot(&app).await;
            let r = match who {
                Who::Anonymous => app.graphql(&doc, vars).await,
                Who::AuthorOwn | Who::AuthorCo | Who::AuthorOther => {
                    app.graphql_as(&author_token, &doc, vars).await
                }
                Who::Editor => app.graphql_as(&editor_token, &doc, vars).await,
                Who::Admin => app.graphql_as(&admin_token, &doc, vars).await,
            };
            let got = match r.body["errors"][0]["extensions"]["code"].as_str() {
                None => Want::Ok,
                Some("UNAUTHENTICATED") => Want::Unauthenticated,
                Some("FORBIDDEN") => Want::Forbidden,
                Some(other) => panic!("{name} as {who:?}: unexpected {other}: {}", r.body),
            };
            let want = expected(name, who);
            assert_eq!(got, want, "{name} as {who:?}: {}", r.body);
            if want != Want::Ok {
                assert_eq!(
                    snapshot(&app).await,
                    before,
                    "{name} as {who:?} was refused but wrote something"
                );
            }
            table.push(format!("{name:<20} {who:<12?} {got:?}"));
        }
    }
    assert_eq!(table.len(), MUTATIONS.len() * 6);
}
both_backends!(every_mutation_against_every_role);

async fn authors_attach_but_never_create_taxonomy(app: TestApp) {
    let (_, author) = app.actor(Role::Author).await;
    let (_, editor) = app.actor(Role::Editor).await;
    let q = "mutation($i: CreatePostInput!) { createPost(input: $i) { post { tags { slug } series { slug } } } }";
    app.graphql_as(
        &editor,
        q,
        json!({ "i": { "title": "기존", "tags": ["러스트"], "series": "기초" } }),
    )
    .await
    .data();
    let r = app
        .graphql_as(
            &author,
            q,
            json!({ "i": { "title": "내 글", "tags": ["러스트"], "series": "기초" } }),
        )
        .await;
    assert_eq!(
        r.data()["createPost"]["post"],
        json!({ "tags": [{ "slug": "러스트" }], "series": { "slug": "기초" } })
    );
    let before = app.count_posts().await;
    let r = app
        .graphql_as(
            &author,
            q,
            json!({ "i": { "title": "새 태그 글", "tags": ["러스트", "없는 태그"] } }),
        )
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("없는 태그")
    );
    let r = app
        .graphql_as(
            &author,
            q,
            json!({ "i": { "title": "새 시리즈 글", "series": "없는 시리즈" } }),
        )
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    assert_eq!(app.count_posts().await, before);
}
both_backends!(authors_attach_but_never_create_taxonomy);
