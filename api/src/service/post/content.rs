//! A post's content: the Markdown and everything rendered from it, always set together.

use entity::post;
use sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::error::AppResult;
/// Sets the Markdown of a post and everything rendered from it, so no write can store
/// a body without its html, toc, excerpt and reading time.
pub fn set_content(active: &mut post::ActiveModel, markdown: &str, custom_excerpt: Option<&str>) {
    set_rendered(
        active,
        markdown,
        &crate::render::render(markdown),
        custom_excerpt,
    );
}

/// [`set_content`] with `r = render(markdown)` done by the caller (bulk imports render
/// on other threads).
pub fn set_rendered(
    active: &mut post::ActiveModel,
    markdown: &str,
    r: &crate::render::Rendered,
    custom_excerpt: Option<&str>,
) {
    use sea_orm::Set;
    active.markdown = Set(markdown.to_owned());
    active.html = Set(r.html.clone());
    active.toc = Set(serde_json::to_value(&r.toc).unwrap_or_default());
    active.custom_excerpt = Set(custom_excerpt.map(str::to_owned));
    active.excerpt = Set(custom_excerpt.map_or_else(|| r.excerpt.clone(), str::to_owned));
    active.reading_time_minutes = Set(r.reading_time_minutes);
    active.word_count = Set(r.word_count);
}

/// Stores `front_matter` as the text it is, keys in order. SQLite keeps JSON as text
/// already; PostgreSQL's driver sends JSON as `jsonb`, whose keys come back sorted, so
/// there the value is written again as `json` text. Called inside the write's
/// transaction after the row is saved; returns the value as stored.
pub async fn keep_front_matter_order<C: ConnectionTrait>(
    db: &C,
    post_id: i64,
    front_matter: &serde_json::Value,
) -> AppResult<serde_json::Value> {
    if db.get_database_backend() == DbBackend::Postgres {
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE posts SET front_matter = CAST($1 AS json) WHERE id = $2",
            [front_matter.to_string().into(), post_id.into()],
        ))
        .await?;
    }
    Ok(front_matter.clone())
}
