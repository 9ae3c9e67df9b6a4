//! Search latency over generated posts, on SQLite and (when `QUIRE_TEST_POSTGRES_URL`
//! is set) PostgreSQL. Not a test: run it in release mode and read the figures.
//!
//! ```sh
//! QUIRE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/postgres \
//!   cargo run --release -p quire-tests --example search_bench
//! ```
//!
//! `QUIRE_BENCH_POSTS` (default 100000) sets the corpus size; `QUIRE_BENCH_ONLY=sqlite`
//! (or `postgres`) runs one database; `QUIRE_BENCH_KEEP=1` keeps the databases
//! (`quire-search-bench-N.db` in the temp directory, database `quire_search_bench_N`)
//! and reuses them, migrated, on the next run instead of loading again. Each post gets a title and
//! a body of about 80 words: a tenth real Korean nouns with particles, a few English
//! words and sentence endings, the rest generated Hangul and Latin words (so common
//! bigrams are common, and named topics appear in a minority of posts). Every query runs once to warm up, then `ROUNDS` times;
//! the figures are for one `search` service call returning the first 20 hits.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, Instant};

use quire_tests::{
    Backend,
    entity::{post, user::Role},
    fresh_database,
    quire::{
        db,
        search::SearchQuery,
        service::{self, author, post::PostFilter, search::SearchScope},
    },
    sea_orm::{
        ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait,
        PaginatorTrait, Statement, TransactionTrait,
    },
    with_database,
};

const ROUNDS: usize = 10;

const QUERIES: &[&str] = &[
    "도커",
    "회고",
    "퇴사",
    "커피 여행",
    "Docker 배포",
    "MLOps 엔지니어",
    "rust",
    "개발자 회고",
    "쿠버네티스 모니터링",
    "고양이",
    "주말 아침 산책",
    "python",
    "성능 테스트",
    "장애 회고록",
    "검색 색인",
    "한국어",
    "postgres 백업",
    "이직 면접",
    "블로그",
    "ㅋㅋ 없는말",
];

const NOUNS: &[&str] = &[
    "도커",
    "쿠버네티스",
    "회고",
    "퇴사",
    "여행",
    "커피",
    "개발자",
    "서버",
    "배포",
    "데이터",
    "모델",
    "엔지니어",
    "블로그",
    "글쓰기",
    "독서",
    "운동",
    "회사",
    "동료",
    "프로젝트",
    "코드",
    "리뷰",
    "테스트",
    "설계",
    "성능",
    "장애",
    "모니터링",
    "로그",
    "검색",
    "색인",
    "한국어",
    "음악",
    "영화",
    "사진",
    "바다",
    "겨울",
    "여름",
    "아침",
    "저녁",
    "주말",
    "휴가",
    "이사",
    "이직",
    "면접",
    "공부",
    "강의",
    "책",
    "생각",
    "기록",
    "일기",
    "목표",
    "계획",
    "습관",
    "건강",
    "요리",
    "고양이",
    "강아지",
    "친구",
    "가족",
    "산책",
    "회고록",
    "백업",
    "보안",
    "네트워크",
    "컨테이너",
    "파이프라인",
];
const ENGLISH: &[&str] = &[
    "docker",
    "rust",
    "python",
    "kubernetes",
    "deploy",
    "server",
    "cache",
    "index",
    "query",
    "test",
    "postgres",
    "sqlite",
    "graphql",
    "api",
    "latency",
    "mlops",
    "linux",
    "git",
    "review",
    "design",
];
const PARTICLES: &[&str] = &[
    "를", "을", "는", "은", "이", "가", "에서", "으로", "와", "과", "도", "만", "의", "",
];
const ENDINGS: &[&str] = &[
    "했다.",
    "한다.",
    "합니다.",
    "였다.",
    "이다.",
    "하고",
    "해서",
    "했는데",
];
const SYLLABLES: &str = "가나다라마바사아자차카타파하고노도로모보소오조초코토포호구누두루무부수우주추쿠투푸후기니디리미비시이지치키티피히개내대래매배새애재채캐태패해거너더러머버서어저처커터퍼허";

/// xorshift64*: a fixed, dependency-free stream of pseudo-random numbers.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Skewed towards small indexes, like word frequencies.
    fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() % 1_000_000) as f64 / 1_000_000.0;
        ((n as f64) * u * u) as usize
    }
    fn pick<'a>(&mut self, v: &[&'a str]) -> &'a str {
        v[self.skewed(v.len())]
    }
}

fn word(rng: &mut Rng, syllables: &[char]) -> String {
    match rng.below(20) {
        0..=1 => format!("{}{}", NOUNS[rng.below(NOUNS.len())], rng.pick(PARTICLES)),
        2 => ENGLISH[rng.below(ENGLISH.len())].to_owned(),
        3..=5 => rng.pick(ENDINGS).to_owned(),
        6..=7 => {
            let n = 3 + rng.below(6);
            (0..n)
                .map(|_| char::from(b'a' + u8::try_from(rng.below(26)).unwrap()))
                .collect()
        }
        _ => {
            let n = 2 + rng.below(2);
            let w: String = (0..n)
                .map(|_| syllables[rng.skewed(syllables.len())])
                .collect();
            format!("{w}{}", rng.pick(PARTICLES))
        }
    }
}

fn text(rng: &mut Rng, syllables: &[char], words: usize) -> String {
    (0..words)
        .map(|_| word(rng, syllables))
        .collect::<Vec<_>>()
        .join(" ")
}

async fn load(db: &DatabaseConnection, posts: usize) -> Duration {
    let started = Instant::now();
    let writer = author::ensure(
        db,
        author::NewUser {
            slug: "bench",
            display_name: "벤치",
            email: "bench@example.com",
            bio: None,
            role: Role::Author,
        },
    )
    .await
    .unwrap();
    let syllables: Vec<char> = SYLLABLES.chars().collect();
    let mut rng = Rng(0x5eed_1234_abcd_0001);
    let base = chrono::DateTime::parse_from_rfc3339("2015-01-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let now = service::now();
    for chunk_start in (0..posts).step_by(1000) {
        let txn = db.begin().await.unwrap();
        let mut models = Vec::new();
        for i in chunk_start..(chunk_start + 1000).min(posts) {
            let id = i64::try_from(i).unwrap() + 1;
            let (title_words, body_words) = (3 + rng.below(4), 60 + rng.below(40));
            let title = text(&mut rng, &syllables, title_words);
            let markdown = text(&mut rng, &syllables, body_words);
            let published =
                base + chrono::Duration::minutes(i64::try_from(rng.below(5_000_000)).unwrap());
            models.push(post::Model {
                id,
                slug: format!("p{id}"),
                title,
                subtitle: None,
                markdown,
                html: String::new(),
                toc: serde_json::json!([]),
                custom_excerpt: None,
                excerpt: String::new(),
                reading_time_minutes: 1,
                word_count: 1,
                status: post::Status::Published,
                published_at: Some(published),
                published_at_offset: Some(32_400),
                author_id: writer.id,
                series_id: None,
                series_position: None,
                pinned: false,
                featured: false,
                comments_enabled: true,
                kind: post::Kind::Post,
                parent_id: None,
                menu_order: 0,
                category_id: None,
                cover_image: None,
                canonical_url: None,
                meta_description: None,
                front_matter: serde_json::json!({}),
                source_path: None,
                version: 1,
                created_at: now,
                updated_at: now,
                deleted_at: None,
            });
        }
        let active: Vec<post::ActiveModel> = models
            .iter()
            .cloned()
            .map(|m| post::ActiveModel::from(m).reset_all())
            .collect();
        post::Entity::insert_many(active).exec(&txn).await.unwrap();
        for m in &models {
            service::search::index_post(&txn, m).await.unwrap();
        }
        txn.commit().await.unwrap();
    }
    started.elapsed()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

/// The kept database of `posts` posts on `backend`, migrated; `None` without PostgreSQL.
async fn kept_database(backend: Backend, posts: usize) -> Option<DatabaseConnection> {
    let url = match backend {
        Backend::Sqlite => format!(
            "sqlite://{}?mode=rwc",
            std::env::temp_dir()
                .join(format!("quire-search-bench-{posts}.db"))
                .display()
        ),
        Backend::Postgres => {
            let admin_url = std::env::var("QUIRE_TEST_POSTGRES_URL").ok()?;
            let name = format!("quire_search_bench_{posts}");
            let admin = db::connect(&admin_url).await.unwrap();
            let exists = admin
                .query_one_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT 1 AS one FROM pg_database WHERE datname = $1",
                    [name.clone().into()],
                ))
                .await
                .unwrap()
                .is_some();
            if !exists {
                admin
                    .execute_unprepared(&format!(
                        "CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                    ))
                    .await
                    .unwrap();
            }
            admin.close().await.unwrap();
            with_database(&admin_url, &name)
        }
    };
    let conn = db::connect(&url).await.unwrap();
    db::migrate(&conn).await.unwrap();
    Some(conn)
}

async fn run(backend: Backend, posts: usize) {
    let keep = std::env::var("QUIRE_BENCH_KEEP").is_ok_and(|v| v == "1");
    let (db, _guard) = if keep {
        match kept_database(backend, posts).await {
            Some(db) => (db, None),
            None => {
                println!("{backend:?}: skipped (QUIRE_TEST_POSTGRES_URL is not set)");
                return;
            }
        }
    } else {
        match fresh_database(backend).await {
            Some((db, guard)) => (db, Some(guard)),
            None => {
                println!("{backend:?}: skipped (QUIRE_TEST_POSTGRES_URL is not set)");
                return;
            }
        }
    };
    let present = post::Entity::find().count(&db).await.unwrap();
    if present == 0 {
        let took = load(&db, posts).await;
        println!(
            "{backend:?}: loaded and indexed {posts} posts in {:.1} s",
            took.as_secs_f64()
        );
    } else {
        println!("{backend:?}: reusing {present} posts");
    }
    if backend == Backend::Postgres {
        // What autovacuum reaches soon after a bulk load: planner statistics, and a
        // visibility map that lets index-only scans (postings counts) skip the heap.
        db.execute_unprepared("VACUUM ANALYZE").await.unwrap();
    }
    let scope = SearchScope::Public {
        now: service::now(),
    };
    let filter = PostFilter::default();
    let mut all = Vec::new();
    for q in QUERIES {
        let parsed = SearchQuery::parse(q).unwrap();
        let warm = service::search::search(&db, &parsed, scope, &filter, 0, 20)
            .await
            .unwrap();
        let total = service::search::count(&db, &parsed, scope, &filter)
            .await
            .unwrap();
        let mut times = Vec::new();
        for _ in 0..ROUNDS {
            let t = Instant::now();
            service::search::search(&db, &parsed, scope, &filter, 0, 20)
                .await
                .unwrap();
            times.push(t.elapsed());
        }
        times.sort();
        println!(
            "  {q:<14} {total:>7} hits  median {:>8.2} ms  (first hit: {})",
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            warm.hits.first().map_or("-", |h| h.post.slug.as_str())
        );
        all.extend(times);
    }
    all.sort();
    println!(
        "{backend:?}: {} searches, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        all.len(),
        percentile(&all, 0.5).as_secs_f64() * 1e3,
        percentile(&all, 0.99).as_secs_f64() * 1e3,
        all.last().unwrap().as_secs_f64() * 1e3
    );
}

#[tokio::main]
async fn main() {
    let posts = std::env::var("QUIRE_BENCH_POSTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let only = std::env::var("QUIRE_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "sqlite" {
        run(Backend::Sqlite, posts).await;
    }
    if only.is_empty() || only == "postgres" {
        run(Backend::Postgres, posts).await;
    }
}
