//! The example blog of `examples/blog/` (Astro, static) in a real browser, against a real
//! `quire serve --demo` (the built binary, on SQLite):
//!
//! - the site is built with `npm run build` (GraphQL Code Generator over the committed
//!   `schema.graphql`, then `astro build`), after the test gave one demo post a cover
//!   image from the media library (`quire media add`) and the site its base URL (the
//!   blog's address, so the copied feeds link it);
//! - a build against a quire that cannot be reached fails with a clear message and
//!   leaves the published site as it was;
//! - the example's `server.mjs` serves the build and receives quire's webhooks
//!   (registered with `quire webhook add`, verified with `standardwebhooks`);
//! - `astro check` type-checks the pages and browser scripts against the types GraphQL
//!   Code Generator wrote;
//! - `e2e/run.mjs` drives headless Chromium (Debian's `chromium`, with `playwright-core`)
//!   through every page type, every link, the search box, the 404 page, a former
//!   slug's redirect, a draft preview (and an expired token), a post published through
//!   the API appearing after its webhook rebuilt the site, no console errors, and axe-core
//!   finding no serious accessibility violation; it writes `docs/screenshots/home.png`
//!   and `post.png`.
//!
//! Node 20 with npm, and Chromium at `/usr/bin/chromium` (or `QUIRE_CHROMIUM`), are
//! required: without them this test fails and says what to install (`.ci/run` installs
//! them). `npm ci` runs when `examples/blog/node_modules` is missing.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::{
    io::{BufRead, BufReader},
    net::TcpListener,
    path::{Path, PathBuf},
    process::{Child, Command, Output, Stdio},
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{Value, json};
use support::{Server, Target};

const ADMIN_EMAIL: &str = "admin@example.com";
const ADMIN_PASSWORD: &str = "블로그-관리자-비밀번호";
const JWT_SECRET: &str = "blog-e2e-secret-0123456789abcdef0123456789";
const MATH_POST: &str = "모델-평가-지표-정리-정밀도와-재현율";

fn blog_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/blog")
}

fn chromium() -> PathBuf {
    let path = std::env::var_os("QUIRE_CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.exists(),
        "{} is missing: the blog's browser test needs Chromium (Debian: `apt-get install \
         chromium`; `bash .ci/run` installs it), or set QUIRE_CHROMIUM",
        path.display()
    );
    path
}

/// Fails, rather than skips, when a program the example needs is missing.
fn require(program: &str, install: &str) {
    let found = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "`{program}` is required by the blog example: {install}"
    );
}

fn shown(out: &Output) -> String {
    format!(
        "status {}\n--- stdout\n{}\n--- stderr\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn in_blog(program: &str, args: &[&str]) -> Command {
    let mut command = Command::new(program);
    command.args(args).current_dir(blog_dir());
    command
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A 1600×900 PNG (a blue gradient), the size of a cover image.
fn cover_png(dir: &Path) -> PathBuf {
    let img = image::RgbImage::from_fn(1600, 900, |x, y| {
        image::Rgb([(40 + x / 20) as u8, (90 + y / 10) as u8, 165])
    });
    let path = dir.join("표지.png");
    img.save(&path).unwrap();
    path
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

/// The site's server (`node server.mjs`), its output kept for the assertions.
struct Blog {
    child: Child,
    log: Arc<Mutex<Vec<String>>>,
}

impl Blog {
    fn start(port: u16, quire: &str, secret: &str) -> Self {
        let mut child = in_blog("node", &["server.mjs"])
            .env("PORT", port.to_string())
            .env("HOST", "127.0.0.1")
            .env("QUIRE_URL", quire)
            .env("PUBLIC_QUIRE_URL", quire)
            .env("QUIRE_WEBHOOK_SECRET", secret)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("node server.mjs");
        let log = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let log = log.clone();
            let tx = tx.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    if line.starts_with("blog at ") {
                        let _ = tx.send(());
                    }
                    log.lock().unwrap().push(line);
                }
            });
        }
        rx.recv_timeout(Duration::from_secs(30))
            .expect("server.mjs did not start listening");
        Self { child, log }
    }

    fn log(&self) -> String {
        self.log.lock().unwrap().join("\n")
    }
}

impl Drop for Blog {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Installs the packages once.
fn prepare() {
    require(
        "node",
        "install Node.js 20 or later (Debian: `apt-get install nodejs npm`)",
    );
    require("npm", "install npm (Debian: `apt-get install npm`)");
    chromium();
    if !blog_dir().join("node_modules").exists() {
        let out = in_blog("npm", &["ci", "--no-audit", "--no-fund"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "npm ci in examples/blog:\n{}",
            shown(&out)
        );
    }
}

/// The published build `dist` points at, if any.
fn published() -> Option<PathBuf> {
    std::fs::read_link(blog_dir().join("dist")).ok()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_example_blog_in_a_real_browser() {
    prepare();
    let target = Target::sqlite();
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
    let server = Server::start_with(
        &target,
        &[
            "--demo",
            "--jwt-secret",
            JWT_SECRET,
            "--webhook-allow-private",
            "true",
        ],
    );
    let quire_url = format!("http://{}", server.addr);
    let port = free_port();
    let blog_url = format!("http://127.0.0.1:{port}");

    // The editor's side, before the first build: the site's address, and a cover image
    // from the media library on the math post.
    let login = graphql(
        &server,
        None,
        "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
        json!({"i": {"email": ADMIN_EMAIL, "password": ADMIN_PASSWORD}}),
    )
    .await;
    let token = login["login"]["accessToken"].as_str().unwrap().to_owned();
    let site = graphql(
        &server,
        Some(&token),
        "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { url } } }",
        json!({"i": {"baseUrl": format!("{blog_url}/")}}),
    )
    .await;
    assert_eq!(site["updateSite"]["site"]["url"], format!("{blog_url}/"));
    let Target::Sqlite(data_dir) = &target else {
        unreachable!()
    };
    let added = target.quire(&[
        "media",
        "add",
        cover_png(data_dir).to_str().unwrap(),
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
        &server,
        None,
        "query($s: String!) { post(slug: $s) { id version } }",
        json!({"s": MATH_POST}),
    )
    .await;
    let updated = graphql(
        &server,
        Some(&token),
        "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { coverImage } } }",
        json!({"i": {"id": post["post"]["id"], "expectedVersion": post["post"]["version"], "coverImage": cover}}),
    )
    .await;
    assert_eq!(updated["updatePost"]["post"]["coverImage"], cover);

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
    let check = in_blog("node", &["node_modules/astro/astro.js", "check"])
        .env("ASTRO_TELEMETRY_DISABLED", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("astro check");

    let screenshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    let e2e = in_blog("node", &["e2e/run.mjs"])
        .env("BLOG_URL", &blog_url)
        .env("QUIRE_URL", &quire_url)
        .env("QUIRE_ADMIN_EMAIL", ADMIN_EMAIL)
        .env("QUIRE_ADMIN_PASSWORD", ADMIN_PASSWORD)
        .env("QUIRE_JWT_SECRET", JWT_SECRET)
        .env("CHROMIUM", chromium())
        .env("SCREENSHOTS", &screenshots)
        .output()
        .unwrap();
    let check = check.wait_with_output().unwrap();
    assert!(check.status.success(), "astro check:\n{}", shown(&check));
    assert!(
        String::from_utf8_lossy(&check.stdout).contains("- 0 errors"),
        "astro check:\n{}",
        shown(&check)
    );
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
            "About and the other menu pages",
            "every link on every page works (Hangul slugs included)",
            "search box finds a Korean word, with highlighted snippets",
            "a slug that does not exist: the 404 page, status 404",
            "draft preview through a preview token; an expired token gets a clear message",
            "a published post appears after its webhook (post.published → rebuild)",
            "a former slug redirects (301) to the current one",
            "no console errors on any page",
        ],
        "{out}"
    );
    assert!(out.contains("e2e: 14 passed, 0 failed"), "{out}");
    let log = blog.log();
    assert!(log.contains("webhook post.published: "), "{log}");
    assert!(log.contains("rebuilt after post.published"), "{log}");
    assert!(log.contains("webhook post.updated: "), "{log}");

    for name in ["home.png", "post.png"] {
        let bytes = std::fs::read(screenshots.join(name)).unwrap();
        assert!(bytes.starts_with(b"\x89PNG"), "{name} is a PNG");
        let img = image::load_from_memory(&bytes).unwrap();
        assert_eq!(img.width(), 1280, "{name}: the viewport's width");
        assert!(img.height() >= 900, "{name}");
    }
    drop(blog);
    server.stop();
}
