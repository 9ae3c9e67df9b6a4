//! The soak's blog: the benchmark corpus (half of it Korean) written in bulk before the
//! server starts, then what a blogger adds through the API: categories two deep with
//! posts filed under them, two pages, the site's settings and menus, and an editor's
//! API key for the writes of the run.

use anyhow::anyhow;
use entity::user::Role;
use quire::service::account::users;
use sea_orm::DatabaseConnection;
use serde_json::{Value, json};

use super::{
    api::{ApiKey, gql, int_at, str_at},
    mix::Targets,
};
use crate::corpus::{self, Spec};

const ADMIN_EMAIL: &str = "soak-admin@example.com";
const ADMIN_PASSWORD: &str = "soak-password-0123456789";

/// A post the run may update: its global ID and current version.
#[derive(Debug, Clone)]
pub struct Editable {
    pub id: String,
    pub version: i64,
}

/// The seeded blog as the load sees it.
pub struct Seeded {
    pub targets: Targets,
    pub published: Vec<Editable>,
    pub key: ApiKey,
}

/// The corpus's shape: `posts` posts over 40 tags, 10 series, 5 authors.
pub fn spec(posts: usize) -> Spec {
    Spec {
        posts,
        tags: 40,
        series: 10,
        authors: 5,
        series_every: 5,
    }
}

/// Writes the corpus and an admin account into `db` (migrated, empty); returns the
/// slugs of its tags.
pub async fn before_start(db: &DatabaseConnection, posts: usize) -> anyhow::Result<Vec<String>> {
    let corpus = corpus::generate(db, spec(posts)).await?;
    users::create_user(
        db,
        users::NewAccount {
            email: ADMIN_EMAIL,
            name: "관리자",
            role: Role::Admin,
            password: ADMIN_PASSWORD,
        },
    )
    .await
    .map_err(|e| anyhow!("creating the admin account: {e}"))?;
    Ok(corpus.tag_slugs)
}

async fn call(
    client: &reqwest::Client,
    base: &str,
    token: &str,
    query: &str,
    variables: Value,
) -> anyhow::Result<Value> {
    gql(client, base, Some(token), query, variables)
        .await
        .map_err(|e| anyhow!("{e} (to {})", query.chars().take(60).collect::<String>()))
}

/// The categories (개발 › MLOps, 회고), as `(name, parent)`.
const CATEGORIES: &[(&str, Option<&str>)] =
    &[("개발", None), ("MLOps", Some("개발")), ("회고", None)];

/// The pages (소개 and, below it, 사용하는 도구), as `(title, parent)`.
const PAGES: &[(&str, Option<&str>)] = &[("소개", None), ("사용하는 도구", Some("소개"))];

/// Everything the API adds to the corpus; `tag_slugs` from [`before_start`].
pub async fn through_api(
    client: &reqwest::Client,
    base: &str,
    tag_slugs: Vec<String>,
) -> anyhow::Result<Seeded> {
    let login = gql(
        client,
        base,
        None,
        "mutation($e: String!, $p: String!) { login(input: { email: $e, password: $p }) { accessToken } }",
        json!({ "e": ADMIN_EMAIL, "p": ADMIN_PASSWORD }),
    )
    .await
    .map_err(|e| anyhow!("login: {e}"))?;
    let token = str_at(&login, "login.accessToken").map_err(|e| anyhow!(e))?;
    let token = token.as_str();

    let mut category_slugs = Vec::new();
    for &(name, parent) in CATEGORIES {
        let parent_slug = parent.and_then(|p| {
            CATEGORIES
                .iter()
                .position(|(n, _)| *n == p)
                .and_then(|k| category_slugs.get(k).cloned())
        });
        let d = call(
            client,
            base,
            token,
            "mutation($i: CreateCategoryInput!) { createCategory(input: $i) { category { slug } } }",
            json!({ "i": { "name": name, "parent": parent_slug, "description": format!("{name} 이야기") } }),
        )
        .await?;
        category_slugs.push(str_at(&d, "createCategory.category.slug").map_err(|e| anyhow!(e))?);
    }

    let mut page_slugs: Vec<String> = Vec::new();
    for &(title, parent) in PAGES {
        let parent_slug = parent.and_then(|_| page_slugs.first().cloned());
        let markdown = format!(
            "## {title}\n\n안녕하세요. 배포 파이프라인과 모델 서빙을 다루는 개발자입니다.\n\n## 연락\n\n메일로 연락 주세요.\n"
        );
        let d = call(
            client,
            base,
            token,
            "mutation($i: CreatePageInput!) { createPage(input: $i) { page { id slug } } }",
            json!({ "i": { "title": title, "markdown": markdown, "parent": parent_slug } }),
        )
        .await?;
        let id = str_at(&d, "createPage.page.id").map_err(|e| anyhow!(e))?;
        call(
            client,
            base,
            token,
            "mutation($id: ID!) { publishPage(input: { id: $id }) { page { slug } } }",
            json!({ "id": id }),
        )
        .await?;
        page_slugs.push(str_at(&d, "createPage.page.slug").map_err(|e| anyhow!(e))?);
    }

    let target = |kind: &str, slug: &str| json!({ "kind": kind, "slug": slug });
    let site = json!({
        "title": "하늘의 개발 노트",
        "language": "ko",
        "timezone": "Asia/Seoul",
        "description": "배포와 모델 서빙, 그리고 회고",
        "primaryMenu": [
            { "label": "소개", "target": target("PAGE", &page_slugs[0]) },
            { "label": "개발", "target": target("CATEGORY", &category_slugs[0]),
              "children": [{ "label": "MLOps", "target": target("CATEGORY", &category_slugs[1]) }] },
            { "label": "회고", "target": target("CATEGORY", &category_slugs[2]) },
            { "label": "태그", "target": target("TAG", tag_slugs.first().map_or("", String::as_str)) },
        ],
        "secondaryMenu": [{ "label": "GitHub", "url": "https://github.com/example" }],
    });
    call(
        client,
        base,
        token,
        "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { title } } }",
        json!({ "i": site }),
    )
    .await?;

    let mut published = all_posts(client, base, token).await?;
    let mut post_slugs = Vec::with_capacity(published.len());
    for (k, (post, slug)) in published.iter_mut().enumerate() {
        post_slugs.push(std::mem::take(slug));
        if k % 3 != 0 {
            continue;
        }
        let d = call(
            client,
            base,
            token,
            "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { version } } }",
            json!({ "i": { "id": post.id, "expectedVersion": post.version,
                           "category": category_slugs[(k / 3) % category_slugs.len()] } }),
        )
        .await?;
        post.version = int_at(&d, "updatePost.post.version").map_err(|e| anyhow!(e))?;
    }

    let d = call(
        client,
        base,
        token,
        "mutation { createApiKey(input: { name: \"soak\", role: EDITOR }) { secret } }",
        json!({}),
    )
    .await?;
    let key = ApiKey::parse(&str_at(&d, "createApiKey.secret").map_err(|e| anyhow!(e))?)?;

    Ok(Seeded {
        targets: Targets {
            post_slugs,
            tag_slugs,
            category_slugs,
            page_slugs,
        },
        published: published.into_iter().map(|(p, _)| p).collect(),
        key,
    })
}

/// Every published post with its slug, a hundred at a time.
async fn all_posts(
    client: &reqwest::Client,
    base: &str,
    token: &str,
) -> anyhow::Result<Vec<(Editable, String)>> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let d = call(
            client,
            base,
            token,
            "query($after: String) { posts(first: 100, after: $after) { nodes { id slug version } \
             pageInfo { hasNextPage endCursor } } }",
            json!({ "after": after }),
        )
        .await?;
        let nodes = d["posts"]["nodes"]
            .as_array()
            .ok_or_else(|| anyhow!("posts.nodes is not a list"))?;
        for n in nodes {
            out.push((
                Editable {
                    id: str_at(n, "id").map_err(|e| anyhow!(e))?,
                    version: int_at(n, "version").map_err(|e| anyhow!(e))?,
                },
                str_at(n, "slug").map_err(|e| anyhow!(e))?,
            ));
        }
        if d["posts"]["pageInfo"]["hasNextPage"].as_bool() != Some(true) {
            return Ok(out);
        }
        after = Some(str_at(&d, "posts.pageInfo.endCursor").map_err(|e| anyhow!(e))?);
    }
}
