//! `quire import` brings in the images posts show (Markdown images, `<img src>`, Hugo
//! figures, front-matter covers; `/assets/…` under the site root, relative paths, Hugo
//! page bundles and `static/`; Hangul names written in NFC finding files saved in NFD),
//! stores each once and rewrites the references; a missing file or a file that is no
//! image is a warning naming file and line, never a failure. `quire export` writes the
//! images under `assets/media/`, and importing the export into a fresh database and a
//! fresh store keeps every image: same bytes (by hash), same count, same references.
//! Both databases, both stores; the last test runs the real binary.

use std::{
    collections::HashMap,
    path::{Path, PathBuf},
};

use quire_tests::{
    TestApp,
    entity::{media, post, user::Role},
    imports,
    media::{TestStore, image},
    media_test,
    quire::{
        commands::{export, import},
        media::store::original_key,
        service::{author, media::Library},
    },
    sea_orm::{DatabaseConnection, EntityTrait},
};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

fn nfd(s: &str) -> String {
    s.nfd().collect()
}

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn png(w: u32, h: u32, rgb: (u8, u8, u8)) -> Vec<u8> {
    image(
        &format!("img = Image.new('RGB', ({w}, {h}), {rgb:?})"),
        "PNG",
    )
}

const HAN_RIVER: &str = "---\n\
title: 한강 산책\n\
slug: han-river\n\
date: 2024-03-01 10:00:00 +0900\n\
image:\n  path: /assets/img/표지.jpg\n\
---\n\
봄날의 한강.\n\
\n\
![강변 풍경](/assets/img/강변.png \"강변\")\n\
\n\
<p><img src=\"../assets/diagram.png\" alt=\"도표\"></p>\n\
\n\
![없는 사진](/assets/img/없는-파일.png)\n\
\n\
```text\n\
![코드 속](/assets/img/강변.png)\n\
```\n\
\n\
![외부](https://example.com/remote.png) ![메모](/assets/notes.txt)\n";

const AGAIN: &str = "---\ntitle: 다시 한강\nslug: again\ndate: 2024-03-02 10:00:00 +0900\n---\n\
![같은 사진]({{site.baseurl}}/assets/img/강변.png) 그리고 ![복사본](/assets/copy.png)\n";

const BUNDLE: &str = "---\ntitle: 번들\nslug: bundle\ndate: 2024-03-03 10:00:00 +0900\ncover:\n  image: cover.png\n---\n\
![사진](사진.png)\n\n{{< figure src=\"/images/logo.png\" >}}\n";

/// A Jekyll site and a Hugo site with images: `(jekyll root, hugo root)`.
fn sites(dir: &Path) -> (PathBuf, PathBuf) {
    let blog = dir.join("blog");
    write(&blog, "_config.yml", b"title: x\n");
    write(
        &blog,
        "assets/img/표지.jpg",
        &image("img = Image.new('RGB', (40, 30), (200, 10, 10))", "JPEG"),
    );
    let river = png(800, 600, (10, 120, 200));
    // Saved decomposed, as macOS writes names; the Markdown says it composed.
    write(&blog, &nfd("assets/img/강변.png"), &river);
    write(&blog, "assets/copy.png", &river);
    write(&blog, "assets/diagram.png", &png(30, 20, (0, 0, 0)));
    write(&blog, "assets/notes.txt", "메모일 뿐".as_bytes());
    write(
        &blog,
        "_posts/2024-03-01-han-river.md",
        HAN_RIVER.as_bytes(),
    );
    write(&blog, "_posts/2024-03-02-again.md", AGAIN.as_bytes());
    let hugo = dir.join("hugo");
    write(&hugo, "hugo.toml", b"title = 'x'\n");
    write(&hugo, "content/posts/bundle/index.md", BUNDLE.as_bytes());
    write(
        &hugo,
        "content/posts/bundle/cover.png",
        &png(50, 40, (1, 1, 1)),
    );
    write(
        &hugo,
        &nfd("content/posts/bundle/사진.png"),
        &png(60, 40, (9, 9, 9)),
    );
    write(&hugo, "static/images/logo.png", &png(16, 16, (5, 200, 5)));
    (blog, hugo)
}

/// The line `needle` first appears on in `text`.
fn line(text: &str, needle: &str) -> usize {
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

async fn library_files(db: &DatabaseConnection) -> HashMap<String, media::Model> {
    media::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|m| (m.filename.clone(), m))
        .collect()
}

async fn posts(db: &DatabaseConnection) -> HashMap<String, post::Model> {
    post::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|p| (p.slug.clone(), p))
        .collect()
}

/// Every file's object in `lib` hashes to its row's SHA-256.
async fn bytes_match(lib: &Library, files: &HashMap<String, media::Model>) {
    for m in files.values() {
        let bytes = lib.store.read(&original_key(&m.sha256)).await.unwrap();
        assert_eq!(
            format!("{:x}", Sha256::digest(&bytes)),
            m.sha256,
            "{}",
            m.filename
        );
        assert_eq!(bytes.len() as i64, m.bytes, "{}", m.filename);
    }
}

/// A store of the same kind as `store`, empty.
fn other_library(store: &TestStore, tmp: &Path) -> Library {
    let mut config = store.config();
    config.media_url = Some(if store.is_s3() {
        store.url.replace("/blog/media", "/again/media")
    } else {
        tmp.join("again-store").display().to_string()
    });
    store.library(&config)
}

media_test!(images_come_in_and_go_out);
async fn images_come_in_and_go_out(app: TestApp, store: TestStore, lib: Library) {
    let dir = tempfile::tempdir().unwrap();
    let (blog, hugo) = sites(dir.path());
    let req = imports::request(vec![blog.clone(), hugo.clone()]);
    let report = import::run_with_media(&app.db, &req, Some(&lib))
        .await
        .unwrap();
    let summary = report.render();
    assert_eq!(imports::outcomes(&report), (3, 0, 0, 0), "{summary}");
    assert_eq!(
        (report.images_added, report.images_reused),
        (6, 1),
        "six different images, copy.png has 강변.png's bytes: {summary}"
    );
    let han = blog
        .join("_posts/2024-03-01-han-river.md")
        .display()
        .to_string();
    let warnings: Vec<(String, Option<usize>, String)> = report
        .image_warnings
        .iter()
        .map(|w| (w.path.clone(), w.line, w.reason.clone()))
        .collect();
    assert_eq!(
        warnings,
        [
            (
                han.clone(),
                Some(line(HAN_RIVER, "없는-파일")),
                "image `/assets/img/없는-파일.png`: no such file in the site".to_owned()
            ),
            (
                han.clone(),
                Some(line(HAN_RIVER, "notes.txt")),
                "image `/assets/notes.txt`: the file is not an image (text/plain)".to_owned()
            ),
        ],
        "{summary}"
    );
    assert!(
        summary.contains(&format!(
            "Images not brought in (each reference is left as written):\n  {han}:{}: image `/assets/img/없는-파일.png`: no such file in the site\n",
            line(HAN_RIVER, "없는-파일")
        )),
        "{summary}"
    );
    assert!(
        summary.contains("Images: 6 added to the media library, 1 already in it"),
        "{summary}"
    );

    // One row per content, named in NFC whatever the disk said.
    let files = library_files(&app.db).await;
    let mut names: Vec<&str> = files.keys().map(String::as_str).collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "cover.png",
            "diagram.png",
            "logo.png",
            "강변.png",
            "사진.png",
            "표지.jpg"
        ]
    );
    bytes_match(&lib, &files).await;
    let path = |name: &str| {
        let m = &files[name];
        format!(
            "/media/{}/{}",
            m.sha256,
            quire_tests::quire::media::name::url_segment(&m.filename)
        )
    };

    let by_slug = posts(&app.db).await;
    let p = &by_slug["han-river"];
    assert_eq!(p.cover_image.as_deref(), Some(path("표지.jpg").as_str()));
    assert_eq!(p.front_matter["image"]["path"], path("표지.jpg"));
    assert!(
        p.markdown
            .contains(&format!("![강변 풍경]({} \"강변\")", path("강변.png"))),
        "{}",
        p.markdown
    );
    assert!(
        p.markdown.contains(&format!(
            "<img src=\"{}\" alt=\"도표\">",
            path("diagram.png")
        )),
        "{}",
        p.markdown
    );
    for kept in [
        "![없는 사진](/assets/img/없는-파일.png)",
        "```text\n![코드 속](/assets/img/강변.png)\n```",
        "![외부](https://example.com/remote.png)",
        "![메모](/assets/notes.txt)",
    ] {
        assert!(p.markdown.contains(kept), "{kept} in {}", p.markdown);
    }
    let again = &by_slug["again"];
    assert_eq!(
        again.markdown.trim_end(),
        format!(
            "![같은 사진]({}) 그리고 ![복사본]({})",
            path("강변.png"),
            path("강변.png")
        )
    );
    let bundle = &by_slug["bundle"];
    assert_eq!(
        bundle.cover_image.as_deref(),
        Some(path("cover.png").as_str())
    );
    assert_eq!(bundle.front_matter["cover"]["image"], path("cover.png"));
    assert!(
        bundle
            .markdown
            .contains(&format!("![사진]({})", path("사진.png")))
    );
    assert!(
        bundle
            .markdown
            .contains(&format!("{{{{< figure src=\"{}\" >}}}}", path("logo.png")))
    );

    // Rendered, the imported image gets its size and srcset like an uploaded one.
    let html = app
        .graphql(
            "{ post(slug: \"han-river\") { html coverImage } }",
            serde_json::json!({}),
        )
        .await
        .data()["post"]["html"]
        .as_str()
        .unwrap()
        .to_owned();
    let river = &files["강변.png"].sha256;
    assert!(
        html.contains(&format!(
            "width=\"800\" height=\"600\" loading=\"lazy\" decoding=\"async\" srcset=\"/media/{river}/320.png/"
        )),
        "{html}"
    );

    // Importing again changes nothing and adds no file.
    let twice = import::run_with_media(&app.db, &req, Some(&lib))
        .await
        .unwrap();
    assert_eq!(
        imports::outcomes(&twice),
        (0, 0, 3, 0),
        "{}",
        twice.render()
    );
    assert_eq!(
        (twice.images_added, twice.images_reused),
        (0, 7),
        "seven paths, all known"
    );
    assert_eq!(media::Entity::find().all(&app.db).await.unwrap().len(), 6);

    // Export: the images under assets/media/, the references pointing at them.
    let out = dir.path().join("export");
    let exported = export::run_with_media(&app.db, &out, Some(&lib))
        .await
        .unwrap();
    assert_eq!(exported.media, 6);
    let mut written: Vec<String> = std::fs::read_dir(out.join("assets/media"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort_unstable();
    assert_eq!(written, names);
    for name in &written {
        let bytes = std::fs::read(out.join("assets/media").join(name)).unwrap();
        assert_eq!(format!("{:x}", Sha256::digest(&bytes)), files[name].sha256);
    }
    let text = std::fs::read_to_string(out.join("_posts/2024-03-01-han-river.md")).unwrap();
    assert!(
        text.contains("![강변 풍경](/assets/media/강변.png \"강변\")"),
        "{text}"
    );
    assert!(text.contains("path: /assets/media/표지.jpg"), "{text}");
    assert!(
        !text.contains(&files["강변.png"].sha256),
        "no library path is left: {text}"
    );

    // Round trip into a fresh database and an empty store: every image survives.
    let (fresh, _guard) = quire_tests::fresh_database(app.backend).await.unwrap();
    author::ensure(
        &fresh,
        author::NewUser {
            slug: "tester",
            display_name: "테스터",
            email: "t@example.com",
            bio: None,
            role: Role::Author,
        },
    )
    .await
    .unwrap();
    let second = other_library(&store, dir.path());
    let back = import::run_with_media(&fresh, &imports::request(vec![out.clone()]), Some(&second))
        .await
        .unwrap();
    assert_eq!(imports::outcomes(&back), (3, 0, 0, 0), "{}", back.render());
    assert_eq!(
        (back.images_added, back.images_reused),
        (6, 0),
        "{}",
        back.render()
    );
    let files_back = library_files(&fresh).await;
    let hashes = |f: &HashMap<String, media::Model>| {
        let mut h: Vec<(String, String)> = f
            .values()
            .map(|m| (m.filename.clone(), m.sha256.clone()))
            .collect();
        h.sort();
        h
    };
    assert_eq!(hashes(&files_back), hashes(&files));
    bytes_match(&second, &files_back).await;
    let posts_back = posts(&fresh).await;
    for (slug, before) in &by_slug {
        let after = &posts_back[slug];
        assert_eq!(after.markdown, before.markdown, "{slug}");
        assert_eq!(after.cover_image, before.cover_image, "{slug}");
    }
}

/// The real binary: images come in, a missing one is a warning on its line, exit 0.
async fn the_command_line_warns_and_succeeds(backend: quire_tests::Backend) {
    let Some((db, guard)) = quire_tests::fresh_database(backend).await else {
        eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set, PostgreSQL half not run");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (blog, _) = sites(dir.path());
    let store = dir.path().join("store");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_quire-server"))
            .args(args)
            .env("DATABASE_URL", guard.url())
            .env("QUIRE_MEDIA_URL", &store)
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let blog_arg = blog.display().to_string();
    let missing = format!(
        "_posts/2024-03-01-han-river.md:{}: image `/assets/img/없는-파일.png`: no such file in the site",
        line(HAN_RIVER, "없는-파일")
    );
    // A dry run looks the images up and stores nothing.
    let out = run(&["import", &blog_arg, "--author", "하늘", "--dry-run"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("Images: 4 files would be brought into the media library"),
        "{stdout}"
    );
    assert!(stdout.contains(&missing), "{stdout}");
    assert!(
        !store.join("originals").exists(),
        "a dry run stores nothing"
    );
    let out = run(&["import", &blog_arg, "--author", "하늘"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("2 imported, 0 updated, 0 unchanged, 0 failed (2 files)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("Images: 3 added to the media library, 1 already in it"),
        "{stdout}"
    );
    assert!(stdout.contains(&missing), "{stdout}");
    assert_eq!(media::Entity::find().all(&db).await.unwrap().len(), 3);
    let objects = std::fs::read_dir(store.join("originals")).unwrap().count();
    assert_eq!(objects, 3);
    let exported = dir.path().join("out");
    let out = run(&["export", &exported.display().to_string()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Wrote 3 media files under"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(exported.join("assets/media/강변.png").is_file());
}
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_line_sqlite() {
    the_command_line_warns_and_succeeds(quire_tests::Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn command_line_postgres() {
    the_command_line_warns_and_succeeds(quire_tests::Backend::Postgres).await;
}
