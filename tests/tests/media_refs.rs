//! Media references where links go (a post's cover, an author's avatar, the site's
//! logo and icon: `media:{sha256}`, stored as the file's path; external links still
//! allowed and checked), and media-library images in rendered HTML given their size,
//! lazy loading and a `srcset`. On both databases and both stores.

use quire_tests::{
    TestApp,
    entity::user::Role,
    media::{TestStore, image, upload_ok},
    media_test,
    quire::service::media::Library,
};
use serde_json::json;

const CREATE: &str =
    "mutation($i: CreatePostInput!) { createPost(input: $i) { post { id coverImage html } } }";

media_test!(links_accept_media_and_images_get_their_size);
async fn links_accept_media_and_images_get_their_size(
    app: TestApp,
    _store: TestStore,
    _lib: Library,
) {
    let (_, token) = app.actor(Role::Admin).await;
    let photo = image("img = Image.new('RGB', (1200, 800), (9, 9, 9))", "JPEG");
    let m = upload_ok(&app, &token, photo, "한강.jpg").await;
    let sha = m["sha256"].as_str().unwrap();
    let path = format!("/media/{sha}/%ED%95%9C%EA%B0%95.jpg");

    let markdown = format!("본문\n\n![한강 야경]({path})\n\n![밖](https://example.com/x.png)\n");
    let r = app
        .graphql_as(
            &token,
            CREATE,
            json!({ "i": { "title": "한강", "markdown": markdown, "coverImage": format!("media:{sha}") } }),
        )
        .await;
    let post = &r.data()["createPost"]["post"];
    assert_eq!(post["coverImage"], path.as_str());
    let html = post["html"].as_str().unwrap();
    let srcset = format!(
        "/media/{sha}/320.jpeg/%ED%95%9C%EA%B0%95.jpg 320w, /media/{sha}/640.jpeg/%ED%95%9C%EA%B0%95.jpg 640w, \
         /media/{sha}/1024.jpeg/%ED%95%9C%EA%B0%95.jpg 1024w, {path} 1200w"
    );
    assert!(
        html.contains(&format!(
            "<img src=\"{path}\" alt=\"한강 야경\" width=\"1200\" height=\"800\" loading=\"lazy\" \
             decoding=\"async\" srcset=\"{srcset}\">"
        )),
        "{html}"
    );
    assert!(
        html.contains("<img src=\"https://example.com/x.png\" alt=\"밖\">"),
        "other images are left alone: {html}"
    );

    // External links stay allowed and checked; unknown media is refused.
    for (cover, code) in [
        ("https://example.com/cover.jpg", None),
        ("javascript:alert(1)", Some("BAD_USER_INPUT")),
        ("media:0000", Some("BAD_USER_INPUT")),
    ] {
        let r = app
            .graphql_as(
                &token,
                CREATE,
                json!({ "i": { "title": "표지", "coverImage": cover } }),
            )
            .await;
        match code {
            None => assert_eq!(r.data()["createPost"]["post"]["coverImage"], cover),
            Some(code) => {
                assert_eq!(r.error_code(), code, "{cover}");
                assert_eq!(r.body["errors"][0]["extensions"]["field"], "coverImage");
            }
        }
    }

    let r = app
        .graphql_as(
            &token,
            "mutation($i: UpdateViewerInput!) { updateViewer(input: $i) { __typename } }",
            json!({ "i": { "avatarUrl": format!("media:{sha}") } }),
        )
        .await;
    r.data();
    let r = app
        .graphql_as(
            &token,
            "mutation($i: UpdateSiteInput!) { updateSite(input: $i) { site { logo icon } } }",
            json!({ "i": { "logo": format!("media:{sha}"), "icon": format!("media:{sha}") } }),
        )
        .await;
    let site = &r.data()["updateSite"]["site"];
    assert!(site["logo"].as_str().unwrap().ends_with(&path), "{site}");

    let used = app
        .graphql_as(
            &token,
            "query { media(first: 1) { nodes { usedBy { kind title field } } } }",
            json!({}),
        )
        .await;
    let mut fields: Vec<String> = used.data()["media"]["nodes"][0]["usedBy"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            format!(
                "{} {}",
                u["kind"].as_str().unwrap(),
                u["field"].as_str().unwrap()
            )
        })
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "AUTHOR avatarUrl",
            "POST body",
            "POST coverImage",
            "SITE icon",
            "SITE logo"
        ]
    );
    let r = app
        .graphql_as(
            &token,
            "mutation($i: DeleteMediaInput!) { deleteMedia(input: $i) { media { id } } }",
            json!({ "i": { "id": m["id"] } }),
        )
        .await;
    assert_eq!(r.error_code(), "CONFLICT");
}
