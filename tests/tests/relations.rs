//! Filters, series, tags, authors and global IDs through the public API.

use quire_tests::{TestApp, both_backends};
use serde_json::json;

async fn seed(app: &TestApp) {
    app.post(
        "러스트 입문 1",
        "2022-01-01 10:00:00 +0900",
        "tags: [rust, 입문]\nseries: 러스트 입문",
    )
    .await;
    app.post(
        "러스트 입문 3",
        "2022-03-01 10:00:00 +0900",
        "tags: [rust]\nseries: 러스트 입문",
    )
    .await;
    app.post(
        "러스트 입문 2",
        "2022-02-01 10:00:00 +0900",
        "tags: rust 입문\nseries: 러스트 입문",
    )
    .await;
    app.post("도커 이야기", "2022-04-01 10:00:00 +0900", "tags: [docker]")
        .await;
    app.post("그냥 일기", "2022-05-01 10:00:00 +0900", "tags: essay")
        .await;
}

async fn series_are_ordered_with_neighbours(app: TestApp) {
    seed(&app).await;
    let r = app
        .graphql(
            r#"{ series(slug: "러스트-입문") { title postCount posts { title seriesPosition
                   previousInSeries { title } nextInSeries { title } series { slug } } }
                 allSeries(first: 10) { totalCount nodes { slug } } }"#,
            json!({}),
        )
        .await;
    let d = r.data();
    assert_eq!(d["series"]["title"], "러스트 입문");
    assert_eq!(d["series"]["postCount"], 3);
    assert_eq!(
        d["series"]["posts"],
        json!([
            { "title": "러스트 입문 1", "seriesPosition": 1, "previousInSeries": null, "nextInSeries": { "title": "러스트 입문 2" }, "series": { "slug": "러스트-입문" } },
            { "title": "러스트 입문 2", "seriesPosition": 2, "previousInSeries": { "title": "러스트 입문 1" }, "nextInSeries": { "title": "러스트 입문 3" }, "series": { "slug": "러스트-입문" } },
            { "title": "러스트 입문 3", "seriesPosition": 3, "previousInSeries": { "title": "러스트 입문 2" }, "nextInSeries": null, "series": { "slug": "러스트-입문" } },
        ])
    );
    assert_eq!(
        d["allSeries"],
        json!({ "totalCount": 1, "nodes": [{ "slug": "러스트-입문" }] })
    );
}
both_backends!(series_are_ordered_with_neighbours);

async fn filters_narrow_the_listing(app: TestApp) {
    seed(&app).await;
    let q = r#"query($f: PostFilter) { posts(filter: $f) { totalCount nodes { title } } }"#;
    let titles = |r: &quire_tests::GqlResponse| -> Vec<String> {
        r.data()["posts"]["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["title"].as_str().unwrap().to_owned())
            .collect()
    };
    let r = app.graphql(q, json!({ "f": { "tags": ["입문"] } })).await;
    assert_eq!(titles(&r), ["러스트 입문 2", "러스트 입문 1"]);
    assert_eq!(r.data()["posts"]["totalCount"], 2);
    let r = app
        .graphql(q, json!({ "f": { "tags": ["docker", "essay"] } }))
        .await;
    assert_eq!(titles(&r), ["그냥 일기", "도커 이야기"]);
    let r = app
        .graphql(
            q,
            json!({ "f": { "series": "러스트-입문", "tags": ["rust"] } }),
        )
        .await;
    assert_eq!(r.data()["posts"]["totalCount"], 3);
    let r = app.graphql(q, json!({ "f": { "author": "tester", "publishedAfter": "2022-02-01T10:00:00+09:00", "publishedBefore": "2022-05-01T00:00:00Z" } })).await;
    assert_eq!(titles(&r), ["도커 이야기", "러스트 입문 3"]);
    let r = app.graphql(q, json!({ "f": { "author": "nobody" } })).await;
    assert_eq!(r.data()["posts"]["totalCount"], 0);
}
both_backends!(filters_narrow_the_listing);

async fn tags_and_authors(app: TestApp) {
    seed(&app).await;
    let r = app
        .graphql(
            r#"{ byName: tags { slug name postCount }
                 byCount: tags(orderBy: POST_COUNT) { slug }
                 tag(slug: "입문") { name postCount posts(first: 1) { totalCount nodes { title tags { slug } } pageInfo { hasNextPage } } }
                 author(slug: "tester") { name bio posts(first: 2) { totalCount nodes { title author { slug } } } } }"#,
            json!({}),
        )
        .await;
    let d = r.data();
    assert_eq!(
        d["byName"],
        json!([
            { "slug": "docker", "name": "docker", "postCount": 1 },
            { "slug": "essay", "name": "essay", "postCount": 1 },
            { "slug": "rust", "name": "rust", "postCount": 3 },
            { "slug": "입문", "name": "입문", "postCount": 2 },
        ])
    );
    assert_eq!(
        d["byCount"],
        json!([{ "slug": "rust" }, { "slug": "입문" }, { "slug": "docker" }, { "slug": "essay" }])
    );
    assert_eq!(d["tag"]["postCount"], 2);
    assert_eq!(d["tag"]["posts"]["totalCount"], 2);
    assert_eq!(
        d["tag"]["posts"]["nodes"],
        json!([{ "title": "러스트 입문 2", "tags": [{ "slug": "rust" }, { "slug": "입문" }] }])
    );
    assert_eq!(d["tag"]["posts"]["pageInfo"]["hasNextPage"], true);
    assert_eq!(d["author"]["name"], "테스터");
    assert_eq!(d["author"]["posts"]["totalCount"], 5);
    assert_eq!(
        d["author"]["posts"]["nodes"][0],
        json!({ "title": "그냥 일기", "author": { "slug": "tester" } })
    );

    // Emails are never part of the public schema.
    let r = app
        .graphql(
            r#"{ __type(name: "Author") { fields { name } } }"#,
            json!({}),
        )
        .await;
    let fields: Vec<&str> = r.data()["__type"]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert!(!fields.contains(&"email"), "{fields:?}");
}
both_backends!(tags_and_authors);

async fn global_ids_refetch_every_kind(app: TestApp) {
    seed(&app).await;
    let r = app
        .graphql(
            r#"{ post(slug: "러스트-입문-1") { id author { id } tags { id } series { id } } }"#,
            json!({}),
        )
        .await;
    let p = r.data()["post"].clone();
    let ids = [
        (p["id"].clone(), "Post"),
        (p["author"]["id"].clone(), "Author"),
        (p["tags"][0]["id"].clone(), "Tag"),
        (p["series"]["id"].clone(), "Series"),
    ];
    for (id, typename) in &ids {
        let r = app
            .graphql(
                "query($id: ID!) { node(id: $id) { __typename id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(
            r.data()["node"],
            json!({ "__typename": typename, "id": id })
        );
    }
    let r = app
        .graphql(
            "query($id: ID!) { post(id: $id) { title } }",
            json!({ "id": p["id"] }),
        )
        .await;
    assert_eq!(r.data()["post"]["title"], "러스트 입문 1");
    let r = app
        .graphql(
            "query($ids: [ID!]!) { nodes(ids: $ids) { __typename } }",
            json!({ "ids": [ids[2].0, ids[0].0] }),
        )
        .await;
    assert_eq!(
        r.data()["nodes"],
        json!([{ "__typename": "Tag" }, { "__typename": "Post" }])
    );

    // A Tag ID where a Post ID belongs, and garbage, are bad input; both id and slug too.
    let r = app
        .graphql(
            "query($id: ID!) { post(id: $id) { title } }",
            json!({ "id": ids[2].0 }),
        )
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    let r = app
        .graphql(r#"{ node(id: "????") { id } }"#, json!({}))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    let r = app
        .graphql(r#"{ post(slug: "x", id: "UG9zdDox") { id } }"#, json!({}))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    // An unknown but well-formed ID is simply null.
    let r = app
        .graphql(r#"{ node(id: "UG9zdDo5OTk5") { id } }"#, json!({}))
        .await;
    assert_eq!(r.data()["node"], json!(null));
}
both_backends!(global_ids_refetch_every_kind);

/// Previous/next and positions skip posts the public cannot see: a draft in the
/// middle of a series is jumped over, on a post page and in a listing alike.
async fn series_neighbours_skip_hidden_posts(app: TestApp) {
    let series = "series: 숨은 연재";
    app.post("숨은 연재 1", "2023-05-01 10:00:00 +0900", series)
        .await;
    app.post(
        "숨은 연재 2",
        "2023-05-02 10:00:00 +0900",
        &format!("{series}\ndraft: true"),
    )
    .await;
    app.post("숨은 연재 3", "2023-05-03 10:00:00 +0900", series)
        .await;
    let r = app
        .graphql(
            r#"query($slug: String!) { post(slug: $slug) { seriesPosition
                 previousInSeries { title } nextInSeries { title seriesPosition } }
               posts(first: 5) { nodes { title seriesPosition previousInSeries { title } } }
               series(slug: "숨은-연재") { postCount } }"#,
            json!({ "slug": "숨은-연재-1" }),
        )
        .await;
    let d = r.data();
    assert_eq!(
        d["post"],
        json!({ "seriesPosition": 1, "previousInSeries": null,
                "nextInSeries": { "title": "숨은 연재 3", "seriesPosition": 2 } })
    );
    assert_eq!(
        d["posts"]["nodes"],
        json!([
            { "title": "숨은 연재 3", "seriesPosition": 2, "previousInSeries": { "title": "숨은 연재 1" } },
            { "title": "숨은 연재 1", "seriesPosition": 1, "previousInSeries": null },
        ])
    );
    assert_eq!(d["series"]["postCount"], 2);
}
both_backends!(series_neighbours_skip_hidden_posts);

/// Places are counted within each post's own series: a listing that mixes two series
/// (posts interleaved by date) gives every post its position and neighbours in its own.
async fn series_places_stay_within_each_series(app: TestApp) {
    for (title, date, series) in [
        ("가 1", "2023-06-01 09:00:00 +0900", "가 연재"),
        ("나 1", "2023-06-02 09:00:00 +0900", "나 연재"),
        ("가 2", "2023-06-03 09:00:00 +0900", "가 연재"),
        ("나 2", "2023-06-04 09:00:00 +0900", "나 연재"),
        ("가 3", "2023-06-05 09:00:00 +0900", "가 연재"),
    ] {
        app.post(title, date, &format!("series: {series}")).await;
    }
    let r = app
        .graphql(
            "{ posts(first: 10, orderBy: { field: PUBLISHED_AT, direction: ASC }) { nodes {
                 title seriesPosition previousInSeries { title } nextInSeries { title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["posts"]["nodes"],
        json!([
            { "title": "가 1", "seriesPosition": 1, "previousInSeries": null, "nextInSeries": { "title": "가 2" } },
            { "title": "나 1", "seriesPosition": 1, "previousInSeries": null, "nextInSeries": { "title": "나 2" } },
            { "title": "가 2", "seriesPosition": 2, "previousInSeries": { "title": "가 1" }, "nextInSeries": { "title": "가 3" } },
            { "title": "나 2", "seriesPosition": 2, "previousInSeries": { "title": "나 1" }, "nextInSeries": null },
            { "title": "가 3", "seriesPosition": 3, "previousInSeries": { "title": "가 2" }, "nextInSeries": null },
        ])
    );
}
both_backends!(series_places_stay_within_each_series);

/// A neighbour in a series is read without its bodies unless the query asks it for one
/// of them (`html`, `markdown`, `toc`, `frontMatter`), directly or through a fragment,
/// and then they are the post's own, whichever way the page reaches it.
async fn series_neighbours_have_their_bodies_when_asked(app: TestApp) {
    seed(&app).await;
    let r = app
        .graphql(
            r#"fragment Body on Post { markdown toc { text } }
               { light: post(slug: "러스트-입문-2") { previousInSeries { title excerpt } }
                 full: post(slug: "러스트-입문-2") {
                   previousInSeries { title html ...Body }
                   nextInSeries { title frontMatter } }
                 own: post(slug: "러스트-입문-1") { html markdown toc { text } }
                 third: post(slug: "러스트-입문-3") { frontMatter } }"#,
            json!({}),
        )
        .await;
    let d = r.data();
    assert_eq!(d["light"]["previousInSeries"]["title"], "러스트 입문 1");
    assert!(
        d["light"]["previousInSeries"]["excerpt"]
            .as_str()
            .unwrap()
            .contains("러스트 입문 1 본문"),
        "{d}"
    );
    let previous = &d["full"]["previousInSeries"];
    assert!(
        previous["html"]
            .as_str()
            .unwrap()
            .contains("러스트 입문 1 본문"),
        "{d}"
    );
    assert_eq!(previous["html"], d["own"]["html"]);
    assert_eq!(previous["markdown"], d["own"]["markdown"]);
    assert_eq!(previous["toc"], d["own"]["toc"]);
    assert_eq!(
        d["full"]["nextInSeries"]["frontMatter"],
        d["third"]["frontMatter"]
    );
    assert_eq!(
        d["full"]["nextInSeries"]["frontMatter"]["series"],
        "러스트 입문"
    );
}
both_backends!(series_neighbours_have_their_bodies_when_asked);

/// Neighbours and positions follow the series order (position, then date, then ID), not
/// the dates alone, and skip what the public cannot see: a post scheduled for later and
/// a post in the trash. Two posts sharing a position are ordered by date.
async fn series_order_is_position_then_date_and_hides_what_is_not_public(app: TestApp) {
    use quire_tests::sea_orm::{ActiveModelTrait, Set};
    let series = "series: 순서 연재";
    let later = (chrono::Utc::now() + chrono::Duration::days(3))
        .format("%Y-%m-%d %H:%M:%S +0000")
        .to_string();
    let a = app
        .post("순서 가", "2023-06-01 10:00:00 +0900", series)
        .await;
    let b = app
        .post("순서 나", "2023-06-02 10:00:00 +0900", series)
        .await;
    let c = app.post("순서 다", &later, series).await;
    let d = app
        .post("순서 라", "2023-06-04 10:00:00 +0900", series)
        .await;
    let e = app
        .post("순서 마", "2023-06-05 10:00:00 +0900", series)
        .await;
    // The newest first, then 가 and 나 sharing a place, then the hidden ones.
    for (post, position, trashed) in [
        (e, 1, false),
        (a, 2, false),
        (b, 2, false),
        (c, 3, false),
        (d, 4, true),
    ] {
        let mut m: quire_tests::entity::post::ActiveModel = post.into();
        m.series_position = Set(Some(position));
        if trashed {
            m.deleted_at = Set(Some(chrono::Utc::now()));
        }
        m.update(&app.db).await.unwrap();
    }
    let r = app
        .graphql(
            r#"{ series(slug: "순서-연재") { posts { title seriesPosition
                   previousInSeries { title } nextInSeries { title } } }
                 post(slug: "순서-가") { seriesPosition previousInSeries { title }
                   nextInSeries { title seriesPosition nextInSeries { title } } } }"#,
            json!({}),
        )
        .await;
    let data = r.data();
    assert_eq!(
        data["series"]["posts"],
        json!([
            { "title": "순서 마", "seriesPosition": 1, "previousInSeries": null, "nextInSeries": { "title": "순서 가" } },
            { "title": "순서 가", "seriesPosition": 2, "previousInSeries": { "title": "순서 마" }, "nextInSeries": { "title": "순서 나" } },
            { "title": "순서 나", "seriesPosition": 3, "previousInSeries": { "title": "순서 가" }, "nextInSeries": null },
        ])
    );
    assert_eq!(
        data["post"],
        json!({ "seriesPosition": 2, "previousInSeries": { "title": "순서 마" },
                "nextInSeries": { "title": "순서 나", "seriesPosition": 3, "nextInSeries": null } })
    );
}
both_backends!(series_order_is_position_then_date_and_hides_what_is_not_public);

/// Authors and series read together with their posts (joined, not loaded apart) belong
/// to the right posts: pages of posts by several authors, with and without bodies, a tag
/// page, and post pages with and without a series and under a former slug.
async fn authors_and_series_read_with_posts_belong_to_them(app: TestApp) {
    let authors = ["가 작가", "나 작가", "다 작가"];
    for (i, name) in authors.iter().enumerate() {
        app.user(
            &format!("writer{i}@example.com"),
            name,
            quire_tests::entity::user::Role::Author,
        )
        .await;
    }
    let mut posts = Vec::new();
    for i in 0..6 {
        let series = if i % 2 == 0 {
            "\nseries: 짝수 연재"
        } else {
            ""
        };
        let p = app
            .post(
                &format!("여럿 {i}"),
                &format!("2024-02-0{} 10:00:00 +0900", i + 1),
                &format!("author: {}\ntags: [여럿]{series}", authors[i % 3]),
            )
            .await;
        posts.push(p);
    }
    let expected: Vec<_> = (0..6)
        .rev()
        .map(|i| json!({ "title": format!("여럿 {i}"), "author": { "name": authors[i % 3] } }))
        .collect();
    for query in [
        "{ posts { nodes { title author { name } } } }",
        "{ posts { nodes { title html author { name } } } }",
        r#"{ tag(slug: "여럿") { posts { nodes { title author { name } } } } }"#,
    ] {
        let r = app.graphql(query, json!({})).await;
        let d = r.data();
        let nodes = if query.contains("tag(") {
            &d["tag"]["posts"]["nodes"]
        } else {
            &d["posts"]["nodes"]
        };
        let got: Vec<_> = nodes
            .as_array()
            .unwrap()
            .iter()
            .map(|n| json!({ "title": n["title"], "author": n["author"] }))
            .collect();
        assert_eq!(got, expected, "{query}");
    }
    // Backwards, from a cursor: the same pairs, in the same order.
    let r = app
        .graphql(
            "{ posts(last: 2) { nodes { title author { name } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["posts"]["nodes"],
        json!([expected[4], expected[5]])
    );

    // Renamed: the old slug finds the post, with its author and no series.
    let (_, editor) = app.actor(quire_tests::entity::user::Role::Editor).await;
    let id = quire_tests::quire::graphql::node::encode(
        quire_tests::quire::graphql::node::Kind::Post,
        posts[1].id,
    )
    .to_string();
    let r = app
        .graphql_as(
            &editor,
            "mutation($i: UpdatePostInput!) { updatePost(input: $i) { post { slug } } }",
            json!({ "i": { "id": id, "expectedVersion": posts[1].version, "slug": "새-이름" } }),
        )
        .await;
    assert_eq!(r.data()["updatePost"]["post"]["slug"], "새-이름");
    for (slug, title, author, series) in [
        (
            "여럿-0",
            "여럿 0",
            "가 작가",
            json!({ "title": "짝수 연재" }),
        ),
        ("여럿-1", "여럿 1", "나 작가", json!(null)),
        ("새-이름", "여럿 1", "나 작가", json!(null)),
    ] {
        let r = app
            .graphql(
                "query($s: String!) { post(slug: $s) { title author { name } series { title } } }",
                json!({ "s": slug }),
            )
            .await;
        assert_eq!(
            r.data()["post"],
            json!({ "title": title, "author": { "name": author }, "series": series }),
            "{slug}"
        );
    }
}
both_backends!(authors_and_series_read_with_posts_belong_to_them);
