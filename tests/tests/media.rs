//! The media library end to end, on SQLite and PostgreSQL, each with a local store and a
//! real S3-compatible server (moto): uploads over HTTP multipart with a real client, one
//! object per content, serving (type, caching, ETag/304, Range), listing, roles, and
//! deletes refused while the file is in use.

use quire_tests::{
    TestApp,
    entity::user::Role,
    media::{TestStore, image, upload, upload_ok},
    media_test,
    quire::service::media::Library,
};
use serde_json::json;
use unicode_normalization::UnicodeNormalization;

fn png(w: u32, h: u32) -> Vec<u8> {
    image(
        &format!("img = Image.new('RGB', ({w}, {h}), (16, 32, 48))"),
        "PNG",
    )
}

media_test!(uploads_are_sniffed_deduplicated_and_served);
async fn uploads_are_sniffed_deduplicated_and_served(
    app: TestApp,
    _store: TestStore,
    lib: Library,
) {
    let (_, token) = app.actor(Role::Author).await;
    let bytes = png(40, 30);
    // The name as macOS writes it (NFD), the type as a careless client claims it.
    let nfd: String = "바다 사진.png".nfd().collect();
    let r = upload(
        &app,
        &token,
        bytes.clone(),
        &nfd,
        "text/plain",
        Some("푸른 바다"),
    )
    .await;
    let up = &r.data()["uploadMedia"];
    assert_eq!(up["created"], true);
    let m = &up["media"];
    assert_eq!(m["filename"], "바다 사진.png", "stored NFC");
    assert_eq!(
        m["mimeType"], "image/png",
        "sniffed, not the client's text/plain"
    );
    assert_eq!(m["kind"], "IMAGE");
    assert_eq!(
        (m["width"].as_i64(), m["height"].as_i64()),
        (Some(40), Some(30))
    );
    assert_eq!(m["alt"], "푸른 바다");
    assert_eq!(m["dominantColor"], "#102030");
    let sha = m["sha256"].as_str().unwrap().to_owned();
    let url = m["url"].as_str().unwrap().to_owned();
    assert_eq!(
        url,
        format!("/media/{sha}/%EB%B0%94%EB%8B%A4%20%EC%82%AC%EC%A7%84.png")
    );

    // The same bytes again, by someone else and under another name: one row, one object.
    let (_, other) = app.actor(Role::Editor).await;
    let again = upload(&app, &other, bytes.clone(), "copy.png", "image/png", None).await;
    let again = &again.data()["uploadMedia"];
    assert_eq!(again["created"], false);
    assert_eq!(again["media"]["id"], m["id"]);
    assert_eq!(again["media"]["filename"], "바다 사진.png");
    assert_eq!(app.number("SELECT COUNT(*) FROM media").await, 1);
    assert_eq!(
        lib.store.list("originals").await.unwrap(),
        vec![format!("originals/{sha}")]
    );

    // Served with its true type, cached for a year, with an ETag.
    let resp = app.client().get(app.url(&url)).send().await.unwrap();
    assert_eq!(resp.status(), 200);
    let h = resp.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(h["etag"], format!("\"{sha}\"").as_str());
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("inline;")
    );
    let served = resp.bytes().await.unwrap();
    assert_eq!(served.len() as i64, m["bytes"].as_i64().unwrap());
    assert_eq!(&served[..8], b"\x89PNG\r\n\x1a\n");

    let not_modified = app
        .client()
        .get(app.url(&url))
        .header("If-None-Match", format!("\"{sha}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(not_modified.status(), 304);
    assert!(not_modified.bytes().await.unwrap().is_empty());

    let part = app
        .client()
        .get(app.url(&url))
        .header("Range", "bytes=8-15")
        .send()
        .await
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(
        part.headers()["content-range"],
        format!("bytes 8-15/{}", served.len()).as_str()
    );
    assert_eq!(part.bytes().await.unwrap(), served.slice(8..16));
    let tail = app
        .client()
        .get(app.url(&url))
        .header("Range", "bytes=-4")
        .send()
        .await
        .unwrap();
    assert_eq!(tail.status(), 206);
    assert_eq!(
        tail.bytes().await.unwrap(),
        served.slice(served.len() - 4..)
    );
    let beyond = app
        .client()
        .get(app.url(&url))
        .header("Range", format!("bytes={}-", served.len()))
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), 416);
    assert_eq!(
        beyond.headers()["content-range"],
        format!("bytes */{}", served.len()).as_str()
    );

    // Unknown hashes and malformed ones are 404 with a code.
    let missing = app
        .client()
        .get(app.url(&format!("/media/{}/x.png", "0".repeat(64))))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    let body: serde_json::Value = missing.json().await.unwrap();
    assert_eq!(body["errors"][0]["extensions"]["code"], "NOT_FOUND");
    let bad = app
        .client()
        .get(app.url("/media/nothex/x.png"))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 404);
}

media_test!(other_files_stream_and_script_is_only_an_attachment);
async fn other_files_stream_and_script_is_only_an_attachment(
    app: TestApp,
    _store: TestStore,
    _lib: Library,
) {
    let (_, token) = app.actor(Role::Author).await;
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(document.cookie)</script></svg>"#;
    let r = upload(&app, &token, svg.to_vec(), "로고.svg", "image/png", None).await;
    let m = &r.data()["uploadMedia"]["media"];
    assert_eq!(m["mimeType"], "image/svg+xml");
    assert_eq!(m["srcset"], serde_json::Value::Null);
    let resp = app
        .client()
        .get(app.url(m["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let h = resp.headers();
    assert_eq!(h["content-type"], "image/svg+xml");
    assert_eq!(
        h["content-disposition"],
        "attachment; filename=\"__.svg\"; filename*=UTF-8''%EB%A1%9C%EA%B3%A0.svg"
    );
    assert_eq!(h["content-security-policy"], "sandbox");
    assert_eq!(h["x-content-type-options"], "nosniff");

    // A 6 MB file that is not an image: hashed and sent to the store in chunks (on S3 a
    // multipart upload), and read back whole.
    let big: Vec<u8> = (0..6 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let r = upload(&app, &token, big.clone(), "data.bin", "image/jpeg", None).await;
    let m = &r.data()["uploadMedia"]["media"];
    assert_eq!(m["mimeType"], "application/octet-stream");
    assert_eq!(m["kind"], "OTHER");
    assert_eq!(m["bytes"].as_i64(), Some(big.len() as i64));
    let resp = app
        .client()
        .get(app.url(m["url"].as_str().unwrap()))
        .send()
        .await
        .unwrap();
    assert!(
        resp.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(resp.bytes().await.unwrap().as_ref(), big.as_slice());
}

const LIST: &str = "query($kind: MediaKind, $order: MediaOrderBy, $mine: Boolean) { \
    media(first: 10, kind: $kind, orderBy: $order, mine: $mine) { totalCount nodes { filename kind } } }";

media_test!(the_library_is_listed_for_logged_in_users);
async fn the_library_is_listed_for_logged_in_users(app: TestApp, _store: TestStore, _lib: Library) {
    let (_, author) = app.actor(Role::Author).await;
    let (_, editor) = app.actor(Role::Editor).await;
    upload_ok(&app, &author, png(2, 2), "나.png").await;
    upload_ok(&app, &editor, b"just some words".to_vec(), "가.txt").await;
    upload_ok(&app, &author, png(3, 3), "다.png").await;
    let names = |r: &quire_tests::GqlResponse| -> Vec<String> {
        r.data()["media"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["filename"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = app.graphql_as(&author, LIST, json!({})).await;
    assert_eq!(names(&r), ["다.png", "가.txt", "나.png"], "newest first");
    assert_eq!(r.data()["media"]["totalCount"], 3);
    let r = app
        .graphql_as(&author, LIST, json!({ "order": "FILENAME" }))
        .await;
    assert_eq!(names(&r), ["가.txt", "나.png", "다.png"]);
    let r = app
        .graphql_as(
            &author,
            LIST,
            json!({ "kind": "IMAGE", "order": "OLDEST_FIRST" }),
        )
        .await;
    assert_eq!(names(&r), ["나.png", "다.png"]);
    assert_eq!(r.data()["media"]["totalCount"], 2);
    let r = app.graphql_as(&editor, LIST, json!({ "mine": true })).await;
    assert_eq!(names(&r), ["가.txt"]);
    let anonymous = app.graphql(LIST, json!({})).await;
    assert_eq!(anonymous.error_code(), "UNAUTHENTICATED");
}

const UPDATE: &str = "mutation($i: UpdateMediaInput!) { updateMedia(input: $i) { media { alt caption filename url } } }";
const DELETE: &str = "mutation($i: DeleteMediaInput!) { deleteMedia(input: $i) { media { filename } references { kind id title field } } }";

media_test!(owners_manage_their_files_and_used_files_are_kept);
async fn owners_manage_their_files_and_used_files_are_kept(
    app: TestApp,
    _store: TestStore,
    lib: Library,
) {
    let (_, author) = app.actor(Role::Author).await;
    let (_, other) = app.actor(Role::Author).await;
    let (_, editor) = app.actor(Role::Editor).await;
    let m = upload_ok(&app, &author, png(20, 10), "표지.png").await;
    let id = m["id"].as_str().unwrap();
    let sha = m["sha256"].as_str().unwrap();

    let r = app
        .graphql_as(
            &other,
            UPDATE,
            json!({ "i": { "id": id, "alt": "남의 것" } }),
        )
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = app
        .graphql_as(&other, DELETE, json!({ "i": { "id": id } }))
        .await;
    assert_eq!(r.error_code(), "FORBIDDEN");
    let r = app
        .graphql_as(
            &author,
            UPDATE,
            json!({ "i": { "id": id, "alt": "  표지 그림 ", "caption": "봄", "filename": "새 이름.png" } }),
        )
        .await;
    let changed = &r.data()["updateMedia"]["media"];
    assert_eq!(changed["alt"], "표지 그림");
    assert_eq!(changed["caption"], "봄");
    assert_eq!(changed["filename"], "새 이름.png");
    let r = app
        .graphql_as(
            &editor,
            UPDATE,
            json!({ "i": { "id": id, "caption": null } }),
        )
        .await;
    assert_eq!(
        r.data()["updateMedia"]["media"]["caption"],
        serde_json::Value::Null
    );

    // A post uses it as its cover: the delete is refused and names the post.
    let url = changed["url"].as_str().unwrap();
    let post = app
        .graphql_as(
            &author,
            "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id } } }",
            json!({ "i": { "title": "봄 나들이", "markdown": "본문", "coverImage": url } }),
        )
        .await;
    let post_id = post.data()["createPost"]["post"]["id"].clone();
    let used = app
        .graphql_as(
            &author,
            "query { media(first: 5) { nodes { usedBy { kind id title field } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        used.data()["media"]["nodes"][0]["usedBy"],
        json!([{ "kind": "POST", "id": post_id, "title": "봄 나들이", "field": "coverImage" }])
    );
    let r = app
        .graphql_as(&author, DELETE, json!({ "i": { "id": id } }))
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("봄 나들이")
    );
    assert_eq!(app.number("SELECT COUNT(*) FROM media").await, 1);

    // Forced: gone, with the references reported, and so is the object.
    let r = app
        .graphql_as(&author, DELETE, json!({ "i": { "id": id, "force": true } }))
        .await;
    let d = &r.data()["deleteMedia"];
    assert_eq!(d["media"]["filename"], "새 이름.png");
    assert_eq!(d["references"][0]["field"], "coverImage");
    assert_eq!(app.number("SELECT COUNT(*) FROM media").await, 0);
    assert!(lib.store.list("originals").await.unwrap().is_empty());
    let gone = app
        .client()
        .get(app.url(&format!("/media/{sha}/x.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 404);
}
