//! A small Korean blog for the feed and sitemap tests: a base URL with a Hangul path,
//! two posts with tags, a category under another and a series, a draft, a page and a
//! trashed post; what the public may see is known exactly.

use quire::service::site::{self, SiteChanges};

use crate::TestApp;

/// The base URL the blog is served at (stored percent-encoded).
pub const BASE: &str = "https://blog.example.com/%EB%85%B8%ED%8A%B8/";
pub const TITLE: &str = "하늘의 개발 노트";

/// `path` (as [`quire::service::url::SitePage`] writes it) as an absolute, encoded URL.
pub fn at(path: &str) -> String {
    quire::service::url::absolute(BASE, path).expect("a URL")
}

/// Sets the site's base URL, title and language.
pub async fn settings(app: &TestApp) {
    site::set(
        &app.db,
        SiteChanges {
            title: Some(TITLE.to_owned()),
            description: Some(Some("배운 것을 적습니다".to_owned())),
            language: Some("ko".to_owned()),
            base_url: Some(Some("https://blog.example.com/노트".to_owned())),
            ..SiteChanges::default()
        },
    )
    .await
    .expect("site settings");
}

/// [`settings`], then the posts: public are "Rust 입문" (2024-01-05, tag rust) and
/// "2023년 회고" (2023-12-31, tags 회고 and 일기, category 글 › 회고, series 연말 정리,
/// with a relative link and image); not public are the draft "초안" (tag 회고), the page
/// "소개" and the trashed "지운 글" (tag rust).
pub async fn small_blog(app: &TestApp) {
    settings(app).await;
    app.import(
        "_posts/2023-12-31-review.md",
        "---\ntitle: \"2023년 회고\"\ndate: 2023-12-31 10:00:00 +0900\n\
         tags: [회고, 일기]\ncategories: [글, 회고]\nseries: 연말 정리\n---\n\n\
         한 해를 돌아봅니다. [지난 회고](/tags/회고)와 [각주](#note)를 보세요.\n\n\
         ![사진](/media/2023.png)\n",
    )
    .await;
    app.post("Rust 입문", "2024-01-05 09:00:00 +0900", "tags: [rust]")
        .await;
    app.post("초안", "2024-02-01", "tags: [회고]\ndraft: true")
        .await;
    app.post("소개", "2024-01-01", "layout: page").await;
    app.post(
        "지운 글",
        "2024-01-02",
        "tags: [rust]\ntrashed: 2024-06-01 10:00:00 +0000",
    )
    .await;
}
