//! The sitemap and robots.txt: every public page (home, pages, posts, and the pages of
//! tags, categories, series and authors that list a public post) with `lastmod` from
//! `updatedAt`, validated against the sitemap protocol's own XML Schemas; a sitemap
//! index past the per-file limit (set low here so a few posts cross it).

use quire_tests::{
    TestApp,
    blog::{self, at},
    both_backends,
    feedcheck::sitemap_errors,
};
use serde_json::json;

async fn get(app: &TestApp, path: &str) -> (u16, String) {
    let resp = app.client().get(app.url(path)).send().await.unwrap();
    let status = resp.status().as_u16();
    (status, resp.text().await.unwrap())
}

/// The `(loc, lastmod)` of each entry, in order.
fn entries(xml: &str) -> Vec<(String, Option<String>)> {
    xml.split("<loc>")
        .skip(1)
        .map(|rest| {
            let (loc, after) = rest.split_once("</loc>").unwrap();
            let entry_end = after.find("</").unwrap();
            let lastmod = after[..entry_end + 2]
                .split_once("<lastmod>")
                .map(|(_, t)| t.trim_end_matches("</").to_owned());
            (loc.to_owned(), lastmod)
        })
        .collect()
}

/// Every public page of [`blog::small_blog`], in sitemap order.
fn expected() -> Vec<String> {
    [
        "/",
        "/소개",
        "/posts/2023년-회고",
        "/posts/rust-입문",
        "/tags/회고",
        "/tags/일기",
        "/tags/rust",
        "/categories/글",
        "/categories/회고",
        "/series/연말-정리",
        "/authors/tester",
    ]
    .iter()
    .map(|p| at(p))
    .collect()
}

/// A post's `updatedAt` as a sitemap writes it (whole seconds, UTC).
async fn updated_at(app: &TestApp, slug: &str) -> String {
    let r = app
        .graphql(
            "query($s: String!) { post(slug: $s) { updatedAt } }",
            json!({ "s": slug }),
        )
        .await;
    let t = r.data()["post"]["updatedAt"].as_str().unwrap().to_owned();
    chrono::DateTime::parse_from_rfc3339(&t)
        .unwrap()
        .with_timezone(&chrono::Utc)
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

async fn the_sitemap_lists_every_public_page(app: TestApp) {
    blog::small_blog(&app).await;
    let (status, xml) = get(&app, "/sitemap.xml").await;
    assert_eq!(status, 200);
    assert_eq!(
        sitemap_errors("sitemap.xsd", xml.as_bytes()),
        Vec::<String>::new()
    );
    let got = entries(&xml);
    let locs: Vec<String> = got.iter().map(|(l, _)| l.clone()).collect();
    assert_eq!(locs, expected(), "no draft, trashed post or empty tag");
    assert_eq!(
        locs[2],
        "https://blog.example.com/%EB%85%B8%ED%8A%B8/posts/2023%EB%85%84-%ED%9A%8C%EA%B3%A0"
    );
    let review = updated_at(&app, "2023년-회고").await;
    let rust = updated_at(&app, "rust-입문").await;
    assert_eq!(got[2].1.as_deref(), Some(review.as_str()));
    assert_eq!(got[3].1.as_deref(), Some(rust.as_str()));
    // A listing's lastmod: the newest of its public posts (or its own row, if newer).
    let newest = review.clone().max(rust.clone());
    assert_eq!(got[0].1.as_deref(), Some(newest.as_str()), "home");
    assert!(got[6].1.as_deref().unwrap() >= rust.as_str(), "tag rust");
    assert!(got.iter().all(|(_, m)| m.is_some()));

    let (status, robots) = get(&app, "/robots.txt").await;
    assert_eq!(status, 200);
    assert_eq!(
        robots,
        format!(
            "User-agent: *\nDisallow:\n\nSitemap: {}\n",
            at("/sitemap.xml")
        )
    );
}
both_backends!(the_sitemap_lists_every_public_page);

async fn past_the_limit_the_sitemap_is_an_index(app: TestApp) {
    blog::small_blog(&app).await;
    let (status, index) = get(&app, "/sitemap.xml").await;
    assert_eq!(status, 200);
    assert_eq!(
        sitemap_errors("siteindex.xsd", index.as_bytes()),
        Vec::<String>::new()
    );
    assert!(!sitemap_errors("sitemap.xsd", index.as_bytes()).is_empty());
    let parts = entries(&index);
    let want: Vec<String> = (1..=4).map(|n| at(&format!("/sitemaps/{n}.xml"))).collect();
    let got: Vec<String> = parts.iter().map(|(l, _)| l.clone()).collect();
    assert_eq!(got, want, "11 URLs, 3 a file");
    let mut all = Vec::new();
    for (n, (_, lastmod)) in parts.iter().enumerate() {
        let (status, xml) = get(&app, &format!("/sitemaps/{}.xml", n + 1)).await;
        assert_eq!(status, 200);
        assert_eq!(
            sitemap_errors("sitemap.xsd", xml.as_bytes()),
            Vec::<String>::new()
        );
        let urls = entries(&xml);
        assert!(urls.len() <= 3);
        let newest = urls.iter().filter_map(|(_, m)| m.clone()).max();
        assert_eq!(lastmod, &newest, "part {}'s lastmod", n + 1);
        all.extend(urls.into_iter().map(|(l, _)| l));
    }
    assert_eq!(all, expected());
    let (status, body) = get(&app, "/sitemaps/5.xml").await;
    assert_eq!(status, 404);
    assert!(body.contains("NOT_FOUND"), "{body}");
}
both_backends!(past_the_limit_the_sitemap_is_an_index, |app| {
    let mut config = app.http().clone();
    config.feeds.sitemap_max_urls = 3;
    app.http_config(config)
});
