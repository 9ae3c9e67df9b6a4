//! The example blog that `quire serve --demo` loads into an empty database. The posts
//! live in `examples/demo/` and are compiled in, so the binary needs no files beside it;
//! they go through the same importer as any Markdown file, and `site.json` gives the
//! site its Korean title, language, time zone and menus. It shows what a blog needs: an
//! About page, categories two deep, a post by two authors, math and highlighted code.

use entity::user::Role;
use sea_orm::DatabaseConnection;

use crate::{
    error::{AppError, AppResult},
    import::parse_document,
    service::{
        self, author,
        import::{ImportOptions, ImportStatus, PreparedFile, import_post},
    },
};

/// `(file name, text)` of each demo post and page (`about.md` is a page: its front
/// matter says `layout: page`).
pub const POSTS: &[(&str, &str)] = &[
    (
        "2024-03-02-docker-first-steps.md",
        include_str!("../../examples/demo/2024-03-02-docker-first-steps.md"),
    ),
    (
        "2024-05-18-compose-and-ci.md",
        include_str!("../../examples/demo/2024-05-18-compose-and-ci.md"),
    ),
    (
        "2023-retrospective.md",
        include_str!("../../examples/demo/2023-retrospective.md"),
    ),
    (
        "onboarding-notes.md",
        include_str!("../../examples/demo/onboarding-notes.md"),
    ),
    (
        "quarterly-writing-review.md",
        include_str!("../../examples/demo/quarterly-writing-review.md"),
    ),
    (
        "building-a-blog-api.md",
        include_str!("../../examples/demo/building-a-blog-api.md"),
    ),
    (
        "2024-11-02-evaluating-a-model.md",
        include_str!("../../examples/demo/2024-11-02-evaluating-a-model.md"),
    ),
    ("about.md", include_str!("../../examples/demo/about.md")),
];

/// The demo site's settings (a `quire site set --file` document), set after its posts
/// exist, since its menu points at some of them.
pub const SITE: &str = include_str!("../../examples/demo/site.json");

/// Loads the demo blog when the database has no posts; returns how many were loaded.
pub async fn load_if_empty(db: &DatabaseConnection) -> AppResult<usize> {
    if service::post::count_all(db).await? > 0 {
        return Ok(0);
    }
    let writer = author::ensure(
        db,
        author::NewUser {
            slug: "haneul",
            display_name: "김하늘",
            email: "haneul@example.com",
            bio: Some("MLOps 엔지니어. 배포와 글쓰기를 좋아합니다."),
            role: Role::Author,
        },
    )
    .await?;
    // The co-author of the post on model evaluation (named in its `authors:`).
    author::ensure(
        db,
        author::NewUser {
            slug: "doyun",
            display_name: "이도윤",
            email: "doyun@example.com",
            bio: Some("데이터 과학자. 평가 지표와 실험 설계를 다룹니다."),
            role: Role::Author,
        },
    )
    .await?;
    let opts = ImportOptions {
        default_author_id: writer.id,
        status: ImportStatus::Published,
        create_authors: false,
    };
    // Pages without a date (the just-the-docs and plain-Markdown examples) get a fixed
    // one, so the demo looks the same on every machine.
    let undated = chrono::DateTime::parse_from_rfc3339("2024-10-05T10:00:00+09:00")
        .map_err(|e| AppError::Internal(e.to_string()))?;
    for (name, text) in POSTS {
        let path = format!("examples/demo/{name}");
        let doc = parse_document(&path, text)
            .map_err(|e| AppError::Internal(format!("demo post {path}: {e}")))?;
        import_post(db, &PreparedFile::new(doc, undated), &opts).await?;
    }
    let site = serde_json::from_str(SITE)
        .map_err(|e| AppError::Internal(format!("examples/demo/site.json: {e}")))?;
    service::site::set(db, site).await?;
    Ok(POSTS.len())
}
