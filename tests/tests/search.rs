//! Search end to end, on SQLite and PostgreSQL: Korean inside longer words, mixed and
//! case-insensitive queries, ranking, visibility, re-import, hostile input, snippets,
//! a relevance set, and both databases returning the same hits in the same order.

use chrono::{Duration, Utc};
use quire_tests::{
    Backend, TestApp, both_backends,
    entity::post,
    sea_orm::{ActiveModelTrait, Set},
    spawn_app,
};
use serde_json::{Value, json};

/// The blog searched by most tests: (title, date, body). Written for these tests.
const CORPUS: &[(&str, &str, &str)] = &[
    (
        "2021년 회고",
        "2021-12-31 21:00:00 +0900",
        "올해는 이직과 이사를 함께 겪었다. 도커를 처음 배운 해이기도 하다.",
    ),
    (
        "회고록을 쓰는 이유",
        "2022-03-01 10:00:00 +0900",
        "기록은 기억보다 오래간다. 매달 짧은 글로 생각을 정리한다.",
    ),
    (
        "첫 퇴사를 하며",
        "2022-06-01 09:00:00 +0900",
        "다섯 해 다닌 회사를 떠났다. 동료들에게 고마운 마음뿐이다.",
    ),
    (
        "Docker 배포 자동화",
        "2022-08-15 12:00:00 +0900",
        "GitHub Actions로 이미지를 빌드하고 서버에 배포한다. 롤백은 태그 하나로 끝난다.",
    ),
    (
        "MLOps 엔지니어로 일한다는 것",
        "2023-01-10 08:00:00 +0900",
        "모델 서빙과 데이터 파이프라인을 운영한다. 실험 추적에는 MLflow를 쓴다.",
    ),
    (
        "쿠버네티스 입문",
        "2023-02-20 20:00:00 +0900",
        "컨테이너 오케스트레이션의 기초. 도커만큼 중요한 개념인 파드와 서비스를 다룬다.",
    ),
    (
        "Rust로 만든 블로그 엔진",
        "2023-05-05 15:00:00 +0900",
        "async-graphql과 SeaORM으로 headless CMS를 만들었다. SQLite와 PostgreSQL을 모두 지원한다.",
    ),
    (
        "제주도 여행기",
        "2023-07-01 18:00:00 +0900",
        "바다를 보며 사흘을 걸었다. 한라산 등반은 다음으로 미뤘다.",
    ),
    (
        "커피 내리는 아침",
        "2023-09-09 07:30:00 +0900",
        "핸드드립으로 원두를 내린다. 산미가 있는 에티오피아 원두를 좋아한다.",
    ),
    (
        "Learning Python Type Hints",
        "2023-10-01 10:00:00 +0000",
        "Type hints make Python code easier to read. mypy checks them before runtime.",
    ),
    (
        "파이썬 비동기 프로그래밍",
        "2023-11-11 11:00:00 +0900",
        "asyncio의 이벤트 루프와 코루틴을 정리한다. Python 3.12 기준.",
    ),
    (
        "면접 회고와 이직 준비",
        "2024-01-15 19:00:00 +0900",
        "코딩 테스트와 기술 면접을 준비하며 느낀 점. 이직은 생각보다 길었다.",
    ),
];

/// The relevance set: each query and the post that must rank first.
const RELEVANCE: &[(&str, &str)] = &[
    ("2021년 회고", "2021년 회고"),
    ("회고록", "회고록을 쓰는 이유"),
    ("퇴사", "첫 퇴사를 하며"),
    ("첫 퇴사", "첫 퇴사를 하며"),
    ("도커만큼", "쿠버네티스 입문"),
    ("Docker 배포", "Docker 배포 자동화"),
    ("docker", "Docker 배포 자동화"),
    ("DOCKER", "Docker 배포 자동화"),
    ("MLOps 엔지니어", "MLOps 엔지니어로 일한다는 것"),
    ("mlops", "MLOps 엔지니어로 일한다는 것"),
    ("엔지니어", "MLOps 엔지니어로 일한다는 것"),
    ("쿠버네티스", "쿠버네티스 입문"),
    ("컨테이너 오케스트레이션", "쿠버네티스 입문"),
    ("Rust 블로그", "Rust로 만든 블로그 엔진"),
    ("블로그 엔진", "Rust로 만든 블로그 엔진"),
    ("postgresql", "Rust로 만든 블로그 엔진"),
    ("SeaORM", "Rust로 만든 블로그 엔진"),
    ("제주", "제주도 여행기"),
    ("한라산", "제주도 여행기"),
    ("여행", "제주도 여행기"),
    ("커피", "커피 내리는 아침"),
    ("원두", "커피 내리는 아침"),
    ("에티오피아", "커피 내리는 아침"),
    ("python type hints", "Learning Python Type Hints"),
    ("mypy", "Learning Python Type Hints"),
    ("python", "Learning Python Type Hints"),
    ("파이썬 비동기", "파이썬 비동기 프로그래밍"),
    ("asyncio", "파이썬 비동기 프로그래밍"),
    ("이직", "면접 회고와 이직 준비"),
    ("면접", "면접 회고와 이직 준비"),
    ("GitHub Actions", "Docker 배포 자동화"),
    ("MLflow", "MLOps 엔지니어로 일한다는 것"),
    ("데이터 파이프라인", "MLOps 엔지니어로 일한다는 것"),
];

const SEARCH: &str = r#"query($q: String!, $first: Int, $after: String) {
  search(query: $q, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage }
    edges { cursor node { score matchedTerms snippet post { title status author { slug } } } }
  }
}"#;

async fn load_corpus(app: &TestApp) {
    for (i, (title, date, body)) in CORPUS.iter().enumerate() {
        app.import(
            &format!("corpus/{i}.md"),
            &format!("---\ntitle: \"{title}\"\ndate: {date}\n---\n\n{body}\n"),
        )
        .await;
    }
}

async fn search(app: &TestApp, q: &str) -> Value {
    let r = app.graphql(SEARCH, json!({ "q": q, "first": 100 })).await;
    r.data()["search"].clone()
}

async fn titles(app: &TestApp, q: &str) -> Vec<String> {
    search(app, q).await["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["post"]["title"].as_str().unwrap().to_owned())
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

async fn korean_inside_longer_words(app: TestApp) {
    load_corpus(&app).await;
    assert_eq!(
        sorted(titles(&app, "회고").await),
        ["2021년 회고", "면접 회고와 이직 준비", "회고록을 쓰는 이유"]
    );
    assert_eq!(
        sorted(titles(&app, "도커").await),
        ["2021년 회고", "쿠버네티스 입문"]
    );
    assert_eq!(titles(&app, "퇴사").await, ["첫 퇴사를 하며"]);
    assert_eq!(titles(&app, "제주").await, ["제주도 여행기"]);
    // One syllable finds it inside words too.
    assert_eq!(titles(&app, "퇴").await, ["첫 퇴사를 하며"]);
}
both_backends!(korean_inside_longer_words);

async fn mixed_and_case_insensitive(app: TestApp) {
    load_corpus(&app).await;
    let docker = titles(&app, "Docker 배포").await;
    assert_eq!(docker[0], "Docker 배포 자동화");
    assert_eq!(titles(&app, "docker").await, titles(&app, "DOCKER").await);
    assert_eq!(titles(&app, "dOcKeR").await, ["Docker 배포 자동화"]);
    assert_eq!(
        titles(&app, "MLOps 엔지니어").await,
        ["MLOps 엔지니어로 일한다는 것"]
    );
    assert_eq!(
        titles(&app, "mlops엔지니어").await,
        ["MLOps 엔지니어로 일한다는 것"]
    );
    // Full-width Latin folds too.
    assert_eq!(
        titles(&app, "ＭＬＯＰＳ").await,
        ["MLOps 엔지니어로 일한다는 것"]
    );
}
both_backends!(mixed_and_case_insensitive);

async fn relevance_set(app: TestApp) {
    load_corpus(&app).await;
    assert!(RELEVANCE.len() >= 25);
    for (q, want) in RELEVANCE {
        let got = titles(&app, q).await;
        assert_eq!(
            got.first().map(String::as_str),
            Some(*want),
            "query {q:?} ranked {got:?}"
        );
    }
}
both_backends!(relevance_set);

async fn all_terms_first_then_title_then_bm25_then_recency(app: TestApp) {
    let imp = |path: &str, title: &str, date: &str, text: &str| {
        (
            path.to_owned(),
            format!("---\ntitle: \"{title}\"\ndate: {date}\n---\n\n{text}\n"),
        )
    };
    let posts = [
        // Only 요리, many times, newest: still below every post with both words.
        imp(
            "a.md",
            "요리 노트",
            "2024-05-01 10:00:00 +0900",
            "요리 요리 요리 요리. 요리를 좋아한다.",
        ),
        imp(
            "b.md",
            "주말 기록",
            "2022-01-01 10:00:00 +0900",
            "요리 하고 산책 했다. 그리고 잤다.",
        ),
        // Both words, one in the title: above the post with both in the body.
        imp(
            "c.md",
            "산책 일기",
            "2021-01-01 10:00:00 +0900",
            "오늘도 요리 를 했다. 그리고 잤다.",
        ),
        // Identical shape to e.md; newer, so first of the two.
        imp("d.md", "여름 가", "2023-06-01 10:00:00 +0900", "바다 수영."),
        imp("e.md", "여름 나", "2023-06-02 10:00:00 +0900", "바다 수영."),
        // Title vs body only: the older title match wins over the newer body match.
        imp(
            "f.md",
            "수영 강습 후기",
            "2020-01-01 10:00:00 +0900",
            "물이 차가웠다.",
        ),
        imp(
            "g.md",
            "일상",
            "2024-01-01 10:00:00 +0900",
            "오늘 수영 수영 수영 수영 을 했다.",
        ),
    ];
    for (path, text) in &posts {
        app.import(path, text).await;
    }
    assert_eq!(
        titles(&app, "요리 산책").await,
        ["산책 일기", "주말 기록", "요리 노트"]
    );
    assert_eq!(titles(&app, "바다").await, ["여름 나", "여름 가"]);
    let swim = titles(&app, "수영").await;
    assert_eq!(swim[0], "수영 강습 후기");
    assert_eq!(
        swim[1], "일상",
        "more occurrences of the word outrank fewer: {swim:?}"
    );
    let r = search(&app, "요리 산책").await;
    let terms: Vec<i64> = r["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["matchedTerms"].as_i64().unwrap())
        .collect();
    assert_eq!(terms, [2, 2, 1]);
    let scores: Vec<f64> = r["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["score"].as_f64().unwrap())
        .collect();
    assert!(scores.iter().all(|s| *s > 0.0), "{scores:?}");
}
both_backends!(all_terms_first_then_title_then_bm25_then_recency);

async fn only_what_the_public_may_see(app: TestApp) {
    app.post("공개 검색 글", "2023-01-01 10:00:00 +0900", "")
        .await;
    app.post("초안 검색 글", "2023-01-02 10:00:00 +0900", "draft: true")
        .await;
    let future = (Utc::now() + Duration::days(3))
        .format("%Y-%m-%d %H:%M:%S +0000")
        .to_string();
    let scheduled = app.post("예약 검색 글", &future, "").await;
    assert_eq!(scheduled.status, post::Status::Scheduled);
    let trashed = app
        .post("휴지통 검색 글", "2023-01-03 10:00:00 +0900", "")
        .await;
    let archived = app
        .post("보관 검색 글", "2023-01-04 10:00:00 +0900", "")
        .await;
    let mut m: post::ActiveModel = trashed.into();
    m.deleted_at = Set(Some(Utc::now()));
    m.update(&app.db).await.unwrap();
    let mut m: post::ActiveModel = archived.into();
    m.status = Set(post::Status::Archived);
    m.update(&app.db).await.unwrap();

    let r = search(&app, "검색").await;
    assert_eq!(r["totalCount"], 1);
    assert_eq!(r["edges"][0]["node"]["post"]["title"], "공개 검색 글");
    assert_eq!(r["edges"][0]["node"]["post"]["author"]["slug"], "tester");

    // The editor scope (not yet in GraphQL) sees drafts, scheduled and archived posts, not the trash.
    use quire_tests::quire::{
        search::SearchQuery,
        service::{post::PostFilter, search as svc},
    };
    let q = SearchQuery::parse("검색").unwrap();
    let page = svc::search(
        &app.db,
        &q,
        svc::SearchScope::Editor,
        &PostFilter::default(),
        0,
        10,
    )
    .await
    .unwrap();
    let mut seen: Vec<String> = page.hits.into_iter().map(|h| h.post.title).collect();
    seen.sort();
    assert_eq!(
        seen,
        [
            "공개 검색 글",
            "보관 검색 글",
            "예약 검색 글",
            "초안 검색 글"
        ]
    );
}
both_backends!(only_what_the_public_may_see);

async fn reimport_updates_the_index(app: TestApp) {
    let v1 = "---\ntitle: \"바뀌는 글\"\ndate: 2022-02-02 10:00:00 +0900\n---\n\n처음에는 고양이 이야기.\n";
    let v2 =
        "---\ntitle: \"바뀐 글\"\ndate: 2022-02-02 10:00:00 +0900\n---\n\n이제는 강아지 이야기.\n";
    app.import("change.md", v1).await;
    assert_eq!(titles(&app, "고양이").await, ["바뀌는 글"]);
    app.import("change.md", v2).await;
    assert!(titles(&app, "고양이").await.is_empty());
    assert!(titles(&app, "바뀌는").await.is_empty());
    assert_eq!(titles(&app, "강아지").await, ["바뀐 글"]);
    assert_eq!(search(&app, "이야기").await["totalCount"], 1);
}
both_backends!(reimport_updates_the_index);

async fn search_syntax_is_plain_text(app: TestApp) {
    load_corpus(&app).await;
    for q in [
        "\"",
        "*",
        "(",
        ")",
        "NEAR",
        "-",
        "AND",
        "OR",
        "NOT",
        ":",
        "^",
        "도커\"",
        "\"도커 OR",
        "title:도커",
        "(회고",
        "-퇴사",
        "NEAR(도커 배포)",
        "도커*",
        "^회고",
        "' OR 1=1 --",
        "\\",
        "{title}: x",
        "a & b | !c",
        "<->",
    ] {
        let r = app.graphql(SEARCH, json!({ "q": q })).await;
        assert!(
            r.body.get("errors").is_none(),
            "query {q:?} failed: {}",
            r.body
        );
    }
    assert_eq!(titles(&app, "-퇴사").await, ["첫 퇴사를 하며"]);
    assert_eq!(
        sorted(titles(&app, "(도커*").await),
        ["2021년 회고", "쿠버네티스 입문"]
    );
    assert!(titles(&app, "\"*()-:^").await.is_empty());
    assert_eq!(search(&app, "*()").await["totalCount"], 0);
}
both_backends!(search_syntax_is_plain_text);

async fn empty_queries_and_big_pages_are_refused(app: TestApp) {
    for q in ["", "   ", "\n\t"] {
        let r = app.graphql(SEARCH, json!({ "q": q })).await;
        assert_eq!(r.error_code(), "BAD_USER_INPUT", "{q:?}");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], "query");
    }
    let r = app
        .graphql(SEARCH, json!({ "q": "회고", "first": 101 }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
    let r = app
        .graphql(SEARCH, json!({ "q": "회고", "after": "bm90LWEtY3Vyc29y" }))
        .await;
    assert_eq!(r.error_code(), "BAD_USER_INPUT");
}
both_backends!(empty_queries_and_big_pages_are_refused);

async fn snippets_mark_and_escape(app: TestApp) {
    app.import(
        "snippet.md",
        "---\ntitle: \"태그 이야기\"\ndate: 2022-02-02 10:00:00 +0900\n---\n\n`<script>alert(1)</script>` 같은 태그를 도커를 쓰는 서버에서 **막는다**.\n",
    )
    .await;
    let r = search(&app, "도커 SCRIPT").await;
    let snippet = r["edges"][0]["node"]["snippet"].as_str().unwrap();
    assert_eq!(
        snippet,
        "&lt;<mark>script</mark>&gt;alert(1)&lt;/<mark>script</mark>&gt; 같은 태그를 <mark>도커</mark>를 쓰는 서버에서 막는다."
    );
    // A title-only match gives the title as the snippet.
    let r = search(&app, "이야기").await;
    assert_eq!(r["edges"][0]["node"]["snippet"], "태그 <mark>이야기</mark>");
}
both_backends!(snippets_mark_and_escape);

async fn pages_follow_the_ranking(app: TestApp) {
    load_corpus(&app).await;
    let all = titles(&app, "회고 이직 도커").await;
    assert_eq!(all.len(), 4);
    let mut seen = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let r = app
            .graphql(
                SEARCH,
                json!({ "q": "회고 이직 도커", "first": 3, "after": after }),
            )
            .await;
        let s = &r.data()["search"];
        assert_eq!(s["totalCount"], 4);
        assert_eq!(s["pageInfo"]["hasPreviousPage"], after.is_some());
        for e in s["edges"].as_array().unwrap() {
            seen.push(e["node"]["post"]["title"].as_str().unwrap().to_owned());
        }
        if s["pageInfo"]["hasNextPage"] == false {
            break;
        }
        after = s["edges"]
            .as_array()
            .unwrap()
            .last()
            .map(|e| e["cursor"].as_str().unwrap().to_owned());
    }
    assert_eq!(seen, all);
}
both_backends!(pages_follow_the_ranking);

/// Small pages are answered from the top tiers of the ranking (every term in the title,
/// then every term anywhere) when those hold the page; each must be exactly the same
/// slice, with the same scores, as the full ranking (which needs every match).
async fn small_pages_are_slices_of_the_full_ranking(app: TestApp) {
    load_corpus(&app).await;
    // More posts with every term in the title, or every term in the body, so that the
    // narrow tiers can fill a page on their own.
    for (i, (title, body)) in [
        ("회고 모음", "지난 회고를 모아 둔다."),
        ("도커 회고", "도커와 이직 이야기."),
        ("이직 회고", "회고를 쓰며 도커를 다시 본다."),
        ("짧은 글", "이직과 회고, 그리고 도커."),
    ]
    .iter()
    .enumerate()
    {
        app.import(
            &format!("extra/{i}.md"),
            &format!(
                "---\ntitle: \"{title}\"\ndate: 2024-0{}-01 10:00:00 +0900\n---\n\n{body}\n",
                i + 2
            ),
        )
        .await;
    }
    let node = |e: &Value| {
        let n = &e["node"];
        json!([
            n["post"]["title"],
            n["score"],
            n["matchedTerms"],
            n["snippet"]
        ])
    };
    for q in [
        "회고",
        "도커",
        "이직 회고",
        "회고 도커 이직",
        "Python",
        "도커 없는말",
    ] {
        let full: Vec<Value> = search(&app, q).await["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(node)
            .collect();
        assert!(!full.is_empty(), "{q}");
        for first in 1..=3 {
            let mut seen = Vec::new();
            let mut after: Option<String> = None;
            loop {
                let r = app
                    .graphql(SEARCH, json!({ "q": q, "first": first, "after": after }))
                    .await;
                let s = &r.data()["search"];
                let edges = s["edges"].as_array().unwrap();
                seen.extend(edges.iter().map(node));
                if s["pageInfo"]["hasNextPage"] == false {
                    break;
                }
                after = edges
                    .last()
                    .map(|e| e["cursor"].as_str().unwrap().to_owned());
            }
            assert_eq!(seen, full, "{q}, pages of {first}");
        }
    }
}
both_backends!(small_pages_are_slices_of_the_full_ranking);

/// Both databases, one corpus, many queries: the same hits, order, scores and snippets.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgres_agree() {
    let sqlite = spawn_app(Backend::Sqlite).await.unwrap();
    let Some(pg) = spawn_app(Backend::Postgres).await else {
        eprintln!("skipped: QUIRE_TEST_POSTGRES_URL is not set, nothing to compare SQLite with");
        return;
    };
    load_corpus(&sqlite).await;
    load_corpus(&pg).await;
    let extra = [
        "회고",
        "도커",
        "이직 회고",
        "다",
        "한다",
        "python 파이썬",
        "배포 도커 docker",
        "the",
        "원두 커피 아침",
    ];
    for q in RELEVANCE.iter().map(|(q, _)| *q).chain(extra) {
        let (a, b) = (search(&sqlite, q).await, search(&pg, q).await);
        assert_eq!(a, b, "SQLite and PostgreSQL differ on {q:?}");
    }
}

async fn purged_posts_leave_the_index(app: TestApp) {
    use quire_tests::sea_orm::{EntityTrait, TransactionTrait};
    load_corpus(&app).await;
    let docs = "SELECT COUNT(*) FROM search_documents";
    assert_eq!(app.number(docs).await, i64::try_from(CORPUS.len()).unwrap());
    let first = quire_tests::quire::service::post::find_by_source_path(&app.db, "corpus/0.md")
        .await
        .unwrap()
        .unwrap();
    let second = quire_tests::quire::service::post::find_by_source_path(&app.db, "corpus/1.md")
        .await
        .unwrap()
        .unwrap();
    // Purged through the service call, in a transaction…
    let txn = app.db.begin().await.unwrap();
    quire_tests::quire::service::search::remove_post(&txn, first.id)
        .await
        .unwrap();
    post::Entity::delete_by_id(first.id)
        .exec(&txn)
        .await
        .unwrap();
    txn.commit().await.unwrap();
    // …or by a bare DELETE: the foreign key (and on SQLite a trigger) cleans up.
    post::Entity::delete_by_id(second.id)
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        app.number(docs).await,
        i64::try_from(CORPUS.len() - 2).unwrap()
    );
    if app.backend == Backend::Sqlite {
        assert_eq!(
            app.number("SELECT COUNT(*) FROM search_fts").await,
            i64::try_from(CORPUS.len() - 2).unwrap()
        );
    }
    assert_eq!(titles(&app, "2021년").await, Vec::<String>::new());
    assert_eq!(titles(&app, "회고").await, ["면접 회고와 이직 준비"]);
}
both_backends!(purged_posts_leave_the_index);

/// Upgrading a SQLite database whose `search_fts` still stores its text (the table
/// before migration `m20261124_040000_make_search_fts_contentless`): the migration moves
/// the index to the contentless table, and every query returns the same page, scores
/// and snippets included, as before.
async fn an_index_made_before_the_contentless_table_survives_the_upgrade(app: TestApp) {
    use quire_tests::sea_orm::{ConnectionTrait, EntityTrait, TransactionTrait};
    if app.backend != Backend::Sqlite {
        return;
    }
    load_corpus(&app).await;
    let queries = [
        "회고",
        "도커 회고",
        "쿠버네티스",
        "이직",
        "MLOps 엔지니어",
        "기록",
    ];
    let mut before = Vec::new();
    for q in queries {
        before.push(search(&app, q).await);
    }
    // The database as the migrations before that one left it, indexed by this code.
    let txn = app.db.begin().await.unwrap();
    for sql in [
        "DROP TRIGGER search_documents_delete",
        "DROP TABLE search_fts",
        "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'ascii')",
        "CREATE TRIGGER search_documents_delete AFTER DELETE ON search_documents BEGIN \
         DELETE FROM search_fts WHERE rowid = old.post_id; END",
        "DELETE FROM seaql_migrations WHERE version = 'm20261124_040000_make_search_fts_contentless'",
    ] {
        txn.execute_unprepared(sql).await.unwrap();
    }
    for p in post::Entity::find().all(&txn).await.unwrap() {
        quire_tests::quire::service::search::index_post(&txn, &p)
            .await
            .unwrap();
    }
    txn.commit().await.unwrap();
    let posts = i64::try_from(CORPUS.len()).unwrap();
    assert_eq!(
        app.number("SELECT COUNT(*) FROM search_fts WHERE body IS NOT NULL")
            .await,
        posts
    );

    quire_tests::quire::db::migrate(&app.db).await.unwrap();
    // No text kept any more, one row per post still.
    assert_eq!(app.number("SELECT COUNT(*) FROM search_fts").await, posts);
    assert_eq!(
        app.number("SELECT COUNT(*) FROM search_fts WHERE body IS NOT NULL")
            .await,
        0
    );
    // Whatever a response cache holds is stale from here.
    app.db
        .execute_unprepared("UPDATE content_generation SET generation = generation + 1")
        .await
        .unwrap();
    for (q, was) in queries.into_iter().zip(before) {
        let now = search(&app, q).await;
        assert!(
            now["totalCount"].as_u64().unwrap() > 0 || q == "MLOps 엔지니어",
            "{q}"
        );
        assert_eq!(now, was, "{q}");
    }
}
both_backends!(an_index_made_before_the_contentless_table_survives_the_upgrade);
