//! The example blog of `examples/blog/` (Astro, static) in a real browser, against a real
//! `quire serve --demo` (the built binary), on SQLite and, with
//! `QUIRE_TEST_POSTGRES_URL`, on PostgreSQL: one flow, run once per database, sharing the
//! npm packages; each run builds the site from its own quire.
//!
//! - before the build, the test gives one demo post a cover image from the media library
//!   (`quire media add`), the site its base URL (the blog's address, so the copied feeds
//!   link it), and imports eleven posts in one tag, category and author (`quire
//!   import`), so their pages need three numbered pages;
//! - the site is built with `npm run build` (GraphQL Code Generator over the committed
//!   `schema.graphql`, then `astro build`);
//! - a build against a quire that cannot be reached fails with a clear message and
//!   leaves the published site as it was;
//! - the example's `server.mjs` serves the build and receives quire's webhooks
//!   (registered with `quire webhook add`, verified with `standardwebhooks`);
//! - `astro check` type-checks the pages and browser scripts against the types GraphQL
//!   Code Generator wrote (in the first run: it reads no data);
//! - `e2e/run.mjs` drives headless Chromium (Debian's `chromium`, with `playwright-core`)
//!   through every page type, the numbered pages of the home page and of a tag, a
//!   category and an author (every post reached, in quire's order, as many as
//!   `totalCount`), every link, the search box, the 404 page, a former slug's redirect,
//!   a draft post's and a draft page's preview (and expired, forged and missing
//!   tokens), a post published through the API appearing after its webhook rebuilt the
//!   site, no console errors, and axe-core finding no serious accessibility violation;
//!   the SQLite run writes `docs/screenshots/home.png` and `post.png`.
//!
//! Node 20 with npm, and Chromium at `/usr/bin/chromium` (or `QUIRE_CHROMIUM`), are
//! required: without them this test fails and says what to install (`.ci/run` installs
//! them). `npm ci` runs when `examples/blog/node_modules` is missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "blog_e2e/fixture.rs"]
mod fixture;
mod support;
#[path = "blog_e2e/tools.rs"]
mod tools;

use std::{
    path::{Path, PathBuf},
    process::Stdio,
    time::Instant,
};

use fixture::{PAGED_AUTHOR, PAGED_CATEGORY, PAGED_POSTS, PAGED_TAG, cover_png, paged_posts};
use serde_json::{Value, json};
use support::{Server, Target};
use tools::{Blog, blog_dir, chromium, free_port, in_blog, prepare, published, shown};

const ADMIN_EMAIL: &str = "admin@example.com";
const ADMIN_PASSWORD: &str = "블로그-관리자-비밀번호";
const JWT_SECRET: &str = "blog-e2e-secret-0123456789abcdef0123456789";
const MATH_POST: &str = "모델-평가-지표-정리-정밀도와-재현율";

/// What differs between the two databases' runs.
struct Run {
    /// Where the screenshots go; `None`: none (one run writes them).
    screenshots: Option<PathBuf>,
    /// Whether `astro check` runs beside the browser (once is enough: it reads no data).
    type_check: bool,
}

/// A scratch folder (the cover image, the imported posts, the media library), removed
/// at the end.
struct Scratch(PathBuf);

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn graphql(server: &Server, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("http://{}/graphql", server.addr))
        .json(&json!({"query": query, "variables": variables}));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request.send().await.unwrap().json().await.unwrap();
    assert!(body["errors"].is_null(), "{body}");
    body["data"].clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_blog_in_a_real_browser() {
    prepare();
    let screenshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    let started = Instant::now();
    let sqlite = Run {
        screenshots: Some(screenshots),
        type_check: true,
    };
    blog_against(Target::sqlite(), sqlite).await;
    eprintln!(
        "the blog on SQLite: {:.0} s",
        started.elapsed().as_secs_f64()
    );
    if let Some(target) = Target::postgres().await {
        let started = Instant::now();
        let postgres = Run {
            screenshots: None,
            type_check: false,
        };
        blog_against(target, postgres).await;
        eprintln!(
            "the blog on PostgreSQL: {:.0} s",
            started.elapsed().as_secs_f64()
        );
    }
}

/// The editor's side, before the first build: the site's address, a cover image from
/// the media library (in `scratch`) on the math post, and the imported posts.
async fn before_the_build(target: &Target, server: &Server, blog_url: &str, scratch: &Path) {
    let login = graphql(
        server,
        None,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        json!({"i": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}),
    )
    .await;
    let token = login["login"]["accessToken"].as_str().unwrap().to_owned();
    let site = graphql(
        server,
        Some(&token),
        "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { url } } }",
        json!({"i": {"baseUrl": format!("{blog_url}/")}}),
    )
    .await;
    assert_eq!(site["updateSite"]["site"]["url"], format!("{blog_url}/"));
    let media = scratch.join("media");
    let added = target.quire(&[
        "--media-url",
        media.to_str().unwrap(),
        "media",
        "add",
        cover_png(scratch).to_str().unwrap(),
        "--alt",
        "파란 그러데이션",
    ]);
    assert!(
        added.status.success(),
        "quire media add:\n{}",
        shown(&added)
    );
    let added = String::from_utf8(added.stdout).unwrap();
    let cover = added.split('\t').nth(1).unwrap().to_owned();
    assert!(cover.starts_with("/media/"), "{added}");
    let post = graphql(
        server,
        None,
        "query($s: String!) { post(slug: $s) { id version } }",
        json!({"s": MATH_POST}),
    )
    .await;
    let updated = graphql(
        server,
        Some(&token),
        "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { coverImage } } }",
        json!({"i": {"id": post["post"]["id"], "expectedVersion": post["post"]["version"], "coverImage": cover}}),
    )
    .await;
    assert_eq!(updated["updatePost"]["post"]["coverImage"], cover);

    let imported = target.quire(&[
        "--media-url",
        media.to_str().unwrap(),
        "import",
        paged_posts(scratch).to_str().unwrap(),
    ]);
    assert!(
        imported.status.success(),
        "quire import:\n{}",
        shown(&imported)
    );
    let counts = graphql(
        server,
        None,
        "query($t: String!, $c: String!, $a: String!) { tag(slug: $t) { postCount } \
         category(slug: $c) { postCount } author(slug: $a) { postCount } }",
        json!({"t": PAGED_TAG, "c": PAGED_CATEGORY, "a": PAGED_AUTHOR}),
    )
    .await;
    let n = PAGED_POSTS;
    assert_eq!(
        counts,
        json!({"tag": {"postCount": n}, "category": {"postCount": n}, "author": {"postCount": n}}),
        "the imported posts' tag, category and author"
    );
}

async fn blog_against(target: Target, run: Run) {
    let scratch = Scratch(support::temp_dir());
    let admin = target.quire_with_stdin(
        &[
            "user",
            "create",
            "--email",
            ADMIN_EMAIL,
            "--name",
            "관리자",
            "--role",
            "admin",
            "--password-stdin",
        ],
        &format!("{ADMIN_PASSWORD}\n"),
    );
    assert!(
        admin.status.success(),
        "quire user create:\n{}",
        shown(&admin)
    );
    let media = scratch.0.join("media");
    let server = Server::start_with(
        &target,
        &[
            "--demo",
            "--jwt-secret",
            JWT_SECRET,
            "--webhook-allow-private",
            "true",
            "--media-url",
            media.to_str().unwrap(),
        ],
    );
    let quire_url = format!("http://{}", server.addr);
    let port = free_port();
    let blog_url = format!("http://127.0.0.1:{port}");
    before_the_build(&target, &server, &blog_url, &scratch.0).await;

    // The build, and a build that cannot reach quire.
    let build = in_blog("npm", &["run", "build", "--silent"])
        .env("QUIRE_URL", &quire_url)
        .env("PUBLIC_QUIRE_URL", &quire_url)
        .output()
        .unwrap();
    assert!(build.status.success(), "npm run build:\n{}", shown(&build));
    assert!(
        String::from_utf8_lossy(&build.stdout).contains(&format!("from {quire_url} in ")),
        "{}",
        shown(&build)
    );
    let built = published().expect("dist is a link to the published build");
    assert!(blog_dir().join("dist/index.html").exists());
    assert!(
        blog_dir()
            .join(format!("dist/posts/{MATH_POST}/index.html"))
            .exists()
    );

    let closed = free_port();
    let unreachable = in_blog("node", &["scripts/build.mjs"])
        .env("QUIRE_URL", format!("http://127.0.0.1:{closed}"))
        .output()
        .unwrap();
    assert_eq!(
        unreachable.status.code(),
        Some(1),
        "{}",
        shown(&unreachable)
    );
    let said = String::from_utf8_lossy(&unreachable.stderr);
    assert!(
        said.contains(&format!(
            "blog build failed: quire cannot be reached at http://127.0.0.1:{closed} (ECONNREFUSED)"
        )),
        "{}",
        shown(&unreachable)
    );
    assert_eq!(published(), Some(built), "the published site is unchanged");
    assert!(blog_dir().join("dist/index.html").exists());

    // Webhooks to the blog's server, then the browser.
    let hook = target.quire(&[
        "webhook",
        "--webhook-allow-private",
        "true",
        "add",
        &format!("{blog_url}/_quire/webhook"),
        "--events",
        "post.*,page.*,tag.*,series.*,category.*,site.updated",
    ]);
    assert!(
        hook.status.success(),
        "quire webhook add:\n{}",
        shown(&hook)
    );
    let hook = String::from_utf8(hook.stdout).unwrap();
    let secret = hook
        .lines()
        .find_map(|l| l.strip_prefix("secret: "))
        .unwrap_or_else(|| panic!("no secret in {hook}"))
        .to_owned();
    let blog = Blog::start(port, &quire_url, &secret);

    // `astro check` type-checks the pages and scripts against the generated types, while
    // the browser test runs (it waits on rebuilds more than it computes).
    let check = run.type_check.then(|| {
        in_blog("node", &["node_modules/astro/astro.js", "check"])
            .env("ASTRO_TELEMETRY_DISABLED", "1")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("astro check")
    });

    let screenshots = run
        .screenshots
        .as_deref()
        .map_or_else(String::new, |p| p.display().to_string());
    let e2e = in_blog("node", &["e2e/run.mjs"])
        .env("BLOG_URL", &blog_url)
        .env("QUIRE_URL", &quire_url)
        .env("QUIRE_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("QUIRE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("QUIRE_JWT_SECRET", JWT_SECRET)
        .env("PAGED_TAG", PAGED_TAG)
        .env("PAGED_CATEGORY", PAGED_CATEGORY)
        .env("PAGED_AUTHOR", PAGED_AUTHOR)
        .env("CHROMIUM", chromium())
        .env("SCREENSHOTS", screenshots)
        .env_remove("BLOG_PAGE_SIZE")
        .output()
        .unwrap();
    if let Some(check) = check {
        let check = check.wait_with_output().unwrap();
        assert!(check.status.success(), "astro check:\n{}", shown(&check));
        assert!(
            String::from_utf8_lossy(&check.stdout).contains("- 0 errors"),
            "astro check:\n{}",
            shown(&check)
        );
    }
    let out = String::from_utf8_lossy(&e2e.stdout);
    assert!(
        e2e.status.success(),
        "the browser test failed:\n{}\n--- blog server\n{}",
        shown(&e2e),
        blog.log()
    );
    let checks: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("ok - "))
        .collect();
    assert_eq!(
        checks,
        [
            "home: pinned post first, five posts a page, numbered pages",
            "home: feed discovery links, and the feeds are served",
            "post: series part 2 of 2, previous link, tags, Hangul slug",
            "post: co-authors, category breadcrumb, TOC, reading time, math, highlighted code, cover srcset",
            "Korean text: keep-all line breaking, a Hangul font stack, lang=ko",
            "tag, category, series and author pages",
            "tag, category and author pages in numbered pages, read by cursor (Hangul slugs)",
            "About and the other menu pages",
            "every link on every page works (Hangul slugs included)",
            "search box finds a Korean word, with highlighted snippets",
            "a slug that does not exist: the 404 page, status 404",
            "draft preview through a preview token; an expired token gets a clear message",
            "page preview: a draft page through its token; expired, forged and missing tokens get a clear message",
            "a published post appears after its webhook (post.published → rebuild)",
            "a former slug redirects (301) to the current one",
            "no console errors on any page",
        ],
        "{out}"
    );
    assert!(out.contains("e2e: 16 passed, 0 failed"), "{out}");
    let log = blog.log();
    assert!(log.contains("webhook post.published: "), "{log}");
    assert!(log.contains("rebuilt after post.published"), "{log}");
    assert!(log.contains("webhook post.updated: "), "{log}");

    if let Some(screenshots) = &run.screenshots {
        for name in ["home.png", "post.png"] {
            let bytes = std::fs::read(screenshots.join(name)).unwrap();
            assert!(bytes.starts_with(b"\x89PNG"), "{name} is a PNG");
            let img = image::load_from_memory(&bytes).unwrap();
            assert_eq!(img.width(), 1280, "{name}: the viewport's width");
            assert!(img.height() >= 900, "{name}");
        }
    }
    drop(blog);
    server.stop();
}
