//! Images in the media library, on both databases and both stores: EXIF orientation
//! applied and EXIF/GPS stripped (read back with Pillow), responsive variants made on
//! first request and kept (across a server restart too), and decompression bombs and
//! corrupt images refused with their codes.

use quire_tests::{
    TestApp,
    entity::user::Role,
    media::{TestStore, image, inspect, upload, upload_ok},
    media_test,
    quire::{app::Application, service::media::Library},
};
use serde_json::json;

/// Pillow code making a photo with a GPS position, turned by `orientation` (EXIF 274).
fn photo(w: u32, h: u32, orientation: u32) -> String {
    format!(
        "img = Image.new('RGB', ({w}, {h}), (200, 30, 30))\n\
         for x in range({w} // 2):\n    img.putpixel((x, 0), (0, 0, 255))\n\
         exif = Image.Exif()\nexif[274] = {orientation}\nexif[271] = 'Quire Camera'\n\
         exif.get_ifd(0x8825).update({{1: 'N', 2: (37.0, 33.0, 0.0), 3: 'E', 4: (126.0, 58.0, 0.0)}})\n\
         kw = {{'exif': exif}}"
    )
}

async fn fetch(app: &TestApp, url: &str) -> (u16, String, Vec<u8>) {
    let resp = app.client().get(app.url(url)).send().await.unwrap();
    let status = resp.status().as_u16();
    let mime = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, mime, resp.bytes().await.unwrap().to_vec())
}

media_test!(exif_is_applied_and_stripped);
async fn exif_is_applied_and_stripped(app: TestApp, _store: TestStore, _lib: Library) {
    let (_, token) = app.actor(Role::Author).await;
    let source = image(&photo(300, 200, 6), "JPEG");
    let before = inspect(&source);
    assert_eq!(
        before["gps"]["1"], "N",
        "the fixture carries a position: {before}"
    );

    // Orientation 6 (turn 90° clockwise): stored upright, 200 × 300, without metadata.
    let m = upload_ok(&app, &token, source, "여행.jpg").await;
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(200), Some(300))
    );
    let (status, mime, bytes) = fetch(&app, m["url"].as_str().unwrap()).await;
    assert_eq!((status, mime.as_str()), (200, "image/jpeg"));
    let after = inspect(&bytes);
    assert_eq!(after["size"], json!([200, 300]));
    assert_eq!(after["gps"], json!({}), "no GPS: {after}");
    assert_eq!(after["exif"], json!({}), "no EXIF at all: {after}");

    // Upright already: the metadata is cut out and the pixels are left alone.
    for format in ["JPEG", "PNG", "WEBP"] {
        let source = image(&photo(64, 48, 1), format);
        assert_eq!(
            inspect(&source)["gps"]["1"],
            "N",
            "{format} fixture has GPS"
        );
        let m = upload_ok(&app, &token, source, "upright").await;
        assert_eq!(
            (m["width"].as_i64(), m["height"].as_i64()),
            (Some(64), Some(48))
        );
        let (_, _, bytes) = fetch(&app, m["url"].as_str().unwrap()).await;
        let after = inspect(&bytes);
        assert_eq!(after["format"], format);
        assert_eq!(after["gps"], json!({}), "{format}: {after}");
        assert_eq!(after["exif"], json!({}), "{format}: {after}");
        assert_eq!(after["size"], json!([64, 48]));
    }
}

media_test!(variants_are_made_on_first_request_and_kept);
async fn variants_are_made_on_first_request_and_kept(
    app: TestApp,
    _store: TestStore,
    lib: Library,
) {
    let (_, token) = app.actor(Role::Author).await;
    let m = upload_ok(
        &app,
        &token,
        image(&photo(2000, 1000, 1), "JPEG"),
        "풍경.jpg",
    )
    .await;
    let sha = m["sha256"].as_str().unwrap();
    let id = m["id"].as_str().unwrap();
    let name = "%ED%92%8D%EA%B2%BD";
    assert_eq!(
        m["srcset"],
        format!(
            "/media/{sha}/320.jpeg/{name}.jpg 320w, /media/{sha}/640.jpeg/{name}.jpg 640w, \
             /media/{sha}/1024.jpeg/{name}.jpg 1024w, /media/{sha}/1600.jpeg/{name}.jpg 1600w, \
             /media/{sha}/{name}.jpg 2000w"
        )
    );
    let q = "query($id: ID!) { node(id: $id) { ... on Media { \
        webp: url(width: 600, format: WEBP) jpeg: url(width: 600) big: url(width: 4000) } } }";
    let urls = app.graphql_as(&token, q, json!({ "id": id })).await;
    let urls = &urls.data()["node"];
    assert_eq!(urls["webp"], format!("/media/{sha}/640.webp/{name}.webp"));
    assert_eq!(urls["jpeg"], format!("/media/{sha}/640.jpeg/{name}.jpg"));
    assert_eq!(
        urls["big"],
        format!("/media/{sha}/{name}.jpg"),
        "never upscaled"
    );
    assert_eq!(
        app.number("SELECT COUNT(*) FROM media_variants").await,
        0,
        "made on request"
    );

    let webp = urls["webp"].as_str().unwrap();
    let (status, mime, first) = fetch(&app, webp).await;
    assert_eq!((status, mime.as_str()), (200, "image/webp"));
    let seen = inspect(&first);
    assert_eq!(
        (seen["format"].as_str(), &seen["size"]),
        (Some("WEBP"), &json!([640, 320]))
    );
    let (_, mime, jpeg) = fetch(&app, urls["jpeg"].as_str().unwrap()).await;
    assert_eq!(mime, "image/jpeg");
    assert_eq!(inspect(&jpeg)["size"], json!([640, 320]));
    assert_eq!(app.number("SELECT COUNT(*) FROM media_variants").await, 2);
    assert_eq!(
        lib.store.list(&format!("variants/{sha}")).await.unwrap(),
        vec![
            format!("variants/{sha}/640.jpeg"),
            format!("variants/{sha}/640.webp")
        ]
    );
    assert!(
        first.len() < jpeg.len(),
        "WebP {} vs JPEG {}",
        first.len(),
        jpeg.len()
    );

    // Widths that are not configured are not made.
    let (status, _, _) = fetch(&app, &format!("/media/{sha}/500.webp/x.webp")).await;
    assert_eq!(status, 404);
    let (status, _, _) = fetch(&app, &format!("/media/{sha}/640.gif/x.gif")).await;
    assert_eq!(status, 404);

    // A restarted server (same database, same store) serves what was kept.
    let restarted =
        Application::build_with_db("127.0.0.1:0".parse().unwrap(), app.db.clone(), None)
            .await
            .unwrap()
            .media(lib.clone());
    let base = format!("http://127.0.0.1:{}", restarted.port());
    tokio::spawn(restarted.run_until_stopped());
    let again = app
        .client()
        .get(format!("{base}{webp}"))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.bytes().await.unwrap().to_vec(),
        first,
        "the kept variant"
    );
    let original = app
        .client()
        .get(format!("{base}{}", m["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(original.status(), 200);
    assert_eq!(app.number("SELECT COUNT(*) FROM media_variants").await, 2);
}

/// A PNG whose header claims `w` × `h` pixels, with almost no data behind it.
fn claimed_png(w: u32, h: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        out.extend(kind);
        out.extend(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend(crc.sum().to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

media_test!(bombs_and_corrupt_images_are_refused);
async fn bombs_and_corrupt_images_are_refused(app: TestApp, _store: TestStore, lib: Library) {
    let (_, token) = app.actor(Role::Author).await;
    let bomb = claimed_png(50_000, 50_000);
    assert!(bomb.len() < 100);
    let r = upload(&app, &token, bomb, "bomb.png", "image/png", None).await;
    assert_eq!(r.error_code(), "IMAGE_TOO_LARGE");
    let message = r.body["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("50000 × 50000"), "{message}");

    let jpeg = image(&photo(200, 100, 1), "JPEG");
    let cut = jpeg[..jpeg.len() / 3].to_vec();
    let r = upload(&app, &token, cut, "cut.jpg", "image/jpeg", None).await;
    assert_eq!(r.error_code(), "INVALID_MEDIA");
    let r = upload(
        &app,
        &token,
        claimed_png(10, 10),
        "tiny.png",
        "image/png",
        None,
    )
    .await;
    assert_eq!(
        r.error_code(),
        "INVALID_MEDIA",
        "no pixels behind the header"
    );

    assert_eq!(app.number("SELECT COUNT(*) FROM media").await, 0);
    assert!(lib.store.list("originals").await.unwrap().is_empty());
}
