//! The benchmark corpus: posts as the server stores them (rendered HTML, TOC, excerpt,
//! reading time, search index), written in bulk.
//!
//! Every post goes through quire's own `render` and search `SearchDocument`, exactly as
//! an import or a `createPost` would store it; only the writing is different: many posts
//! per `INSERT` and per transaction, with rendering on another thread ahead of the
//! writer, so that 100,000 posts take minutes rather than the import's quarter hour.

pub mod text;

use std::{collections::HashMap, sync::mpsc, time::Instant};

use anyhow::Context as _;
use chrono::{DateTime, Duration, Utc};
use entity::{post, post_author, post_tag, series, tag, user::Role};
use quire::{
    render::render,
    service::{self, author, search::SearchDocument},
    slug::slugify,
};
use sea_orm::{
    ActiveModelTrait, ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, Set,
    TransactionTrait,
};

use text::{Rng, TOPICS};

/// The shape of a corpus.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub posts: usize,
    pub tags: usize,
    pub series: usize,
    pub authors: usize,
    /// Every `series_every`-th post belongs to a series.
    pub series_every: usize,
}

impl Spec {
    /// The corpus: 300 tags, 50 series, 5 authors; a fifth of the posts in a series.
    pub fn blog(posts: usize) -> Self {
        Self {
            posts,
            tags: 300,
            series: 50,
            authors: 5,
            series_every: 5,
        }
    }
}

/// What the load generator needs to know about a generated corpus.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub posts: usize,
    /// Slugs of posts that belong to a series (so have previous/next).
    pub series_post_slugs: Vec<String>,
    /// Slugs of posts outside any series.
    pub plain_post_slugs: Vec<String>,
    pub tag_slugs: Vec<String>,
    /// Average Markdown size in bytes.
    pub average_markdown_bytes: usize,
    pub seconds: f64,
}

/// A post ready to be written.
struct Prepared {
    model: post::Model,
    tags: Vec<i64>,
    search: SearchDocument,
}

const CHUNK: usize = 500;

/// The display names of the authors: Korean and English.
const AUTHORS: &[&str] = &["김하늘", "Alex Morgan", "이서준", "Jamie Park", "박지민"];

/// Writes `spec` into `db`, which must be migrated and empty.
pub async fn generate(db: &DatabaseConnection, spec: Spec) -> anyhow::Result<Corpus> {
    let started = Instant::now();
    let now = service::now();

    let mut author_ids = Vec::new();
    for k in 0..spec.authors {
        let name = AUTHORS[k % AUTHORS.len()];
        let slug = format!("author-{}", k + 1);
        let email = format!("author{}@example.com", k + 1);
        let u = author::ensure(
            db,
            author::NewUser {
                slug: &slug,
                display_name: name,
                email: &email,
                bio: Some("벤치마크용 저자입니다."),
                role: Role::Author,
            },
        )
        .await?;
        author_ids.push(u.id);
    }

    let mut tag_ids = Vec::new();
    let mut tag_slugs = Vec::new();
    for k in 0..spec.tags {
        let name = format!("{} {}", TOPICS[k % TOPICS.len()], k / TOPICS.len() + 1);
        let slug = slugify(&name);
        let t = tag::ActiveModel {
            slug: Set(slug.clone()),
            name: Set(name),
            description: Set(None),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        tag_ids.push(t.id);
        tag_slugs.push(slug);
    }

    let mut series_ids = Vec::new();
    for k in 0..spec.series {
        let title = format!("{} 연재 {}", TOPICS[(k * 7) % TOPICS.len()], k + 1);
        let s = series::ActiveModel {
            slug: Set(slugify(&title)),
            title: Set(title),
            description: Set(Some("한 주제로 이어지는 글들".into())),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        series_ids.push(s.id);
    }

    // The newest post was published a day ago, the others an hour apart before it.
    let newest = now - Duration::days(1);
    let (tx, rx) = mpsc::sync_channel::<Vec<Prepared>>(2);
    let producer = {
        let (author_ids, tag_ids, series_ids) =
            (author_ids.clone(), tag_ids.clone(), series_ids.clone());
        std::thread::spawn(move || {
            prepare_all(spec, newest, now, &author_ids, &tag_ids, &series_ids, &tx)
        })
    };

    let postgres = db.get_database_backend() == DbBackend::Postgres;
    let mut series_post_slugs = Vec::new();
    let mut plain_post_slugs = Vec::new();
    let mut markdown_bytes = 0usize;
    while let Ok(chunk) = rx.recv() {
        for p in &chunk {
            markdown_bytes += p.model.markdown.len();
            if p.model.series_id.is_some() {
                series_post_slugs.push(p.model.slug.clone());
            } else {
                plain_post_slugs.push(p.model.slug.clone());
            }
        }
        write_chunk(db, postgres, chunk).await?;
    }
    let produced = producer
        .join()
        .map_err(|_| anyhow::anyhow!("the corpus generator thread panicked"))?;
    anyhow::ensure!(
        produced == spec.posts,
        "generated {produced} of {} posts",
        spec.posts
    );

    if postgres {
        db.execute_unprepared(
            "SELECT setval(pg_get_serial_sequence('posts', 'id'), (SELECT MAX(id) FROM posts))",
        )
        .await?;
        db.execute_unprepared("ANALYZE").await?;
    }
    Ok(Corpus {
        posts: spec.posts,
        series_post_slugs,
        plain_post_slugs,
        tag_slugs,
        average_markdown_bytes: markdown_bytes / spec.posts.max(1),
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// Renders every post and sends them in chunks; returns how many were made.
fn prepare_all(
    spec: Spec,
    newest: DateTime<Utc>,
    now: DateTime<Utc>,
    author_ids: &[i64],
    tag_ids: &[i64],
    series_ids: &[i64],
    tx: &mpsc::SyncSender<Vec<Prepared>>,
) -> usize {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut positions: HashMap<i64, i32> = HashMap::new();
    let mut chunk = Vec::with_capacity(CHUNK);
    let mut made = 0;
    for i in 0..spec.posts {
        let title = text::title(i);
        let markdown = text::body(&mut rng, i, 4, 1150);
        let rendered = render(&markdown);
        let series_id = (i.is_multiple_of(spec.series_every) && !series_ids.is_empty())
            .then(|| series_ids[(i / spec.series_every) % series_ids.len()]);
        // Posts are made oldest first, so positions follow publication dates.
        let series_position = series_id.map(|s| {
            let p = positions.entry(s).or_insert(0);
            *p += 1;
            *p
        });
        let mut tags: Vec<i64> = Vec::new();
        let wanted = 3 + rng.below(3);
        while tags.len() < wanted.min(tag_ids.len()) {
            let t = tag_ids[rng.below(tag_ids.len())];
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let hours_before_newest = i64::try_from(spec.posts - 1 - i).unwrap_or(i64::MAX);
        let search = SearchDocument::new(&title, None, &markdown);
        let model = post::Model {
            id: i64::try_from(i).unwrap_or(i64::MAX) + 1,
            slug: slugify(&title),
            title,
            subtitle: None,
            html: rendered.html,
            toc: serde_json::to_value(&rendered.toc).unwrap_or_default(),
            custom_excerpt: None,
            excerpt: rendered.excerpt,
            reading_time_minutes: rendered.reading_time_minutes,
            word_count: rendered.word_count,
            markdown,
            status: post::Status::Published,
            published_at: Some(newest - Duration::hours(hours_before_newest)),
            published_at_offset: Some(9 * 3600),
            author_id: author_ids[i % author_ids.len()],
            series_id,
            series_position,
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
        };
        chunk.push(Prepared {
            model,
            tags,
            search,
        });
        made += 1;
        if chunk.len() == CHUNK && tx.send(std::mem::take(&mut chunk)).is_err() {
            return made;
        }
    }
    if !chunk.is_empty() {
        let _ = tx.send(chunk);
    }
    made
}

/// One transaction: the posts in one `INSERT`, their tags in another, their authors in a
/// third, then the search index of each post through quire's own indexing code.
async fn write_chunk(
    db: &DatabaseConnection,
    postgres: bool,
    chunk: Vec<Prepared>,
) -> anyhow::Result<()> {
    let txn = db.begin().await?;
    if postgres {
        txn.execute_unprepared("SET LOCAL synchronous_commit TO OFF")
            .await?;
    }
    let links: Vec<post_tag::ActiveModel> = chunk
        .iter()
        .flat_map(|p| {
            p.tags
                .iter()
                .enumerate()
                .map(|(k, &tag_id)| post_tag::ActiveModel {
                    post_id: Set(p.model.id),
                    tag_id: Set(tag_id),
                    position: Set(i32::try_from(k).unwrap_or(i32::MAX)),
                    ..Default::default()
                })
        })
        .collect();
    let posts: Vec<post::ActiveModel> = chunk
        .iter()
        .map(|p| post::ActiveModel::from(p.model.clone()).reset_all())
        .collect();
    post::Entity::insert_many(posts)
        .exec(&txn)
        .await
        .context("inserting posts")?;
    post_tag::Entity::insert_many(links)
        .exec(&txn)
        .await
        .context("inserting post tags")?;
    // Each post's author row (position 0, the primary author), as every writer keeps.
    let bylines: Vec<post_author::ActiveModel> = chunk
        .iter()
        .flat_map(|p| service::post::authors::rows(p.model.id, &[p.model.author_id]))
        .collect();
    post_author::Entity::insert_many(bylines)
        .exec(&txn)
        .await
        .context("inserting post authors")?;
    for p in &chunk {
        service::search::index_document(&txn, p.model.id, &p.search)
            .await
            .context("indexing a post for search")?;
    }
    txn.commit().await?;
    Ok(())
}
