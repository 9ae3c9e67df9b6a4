//! A post's content: the Markdown and everything rendered from it, always set together.

use entity::post;
use sea_orm::{ActiveValue, ConnectionTrait, DbBackend, Statement};

use crate::{
    error::AppResult,
    render::{self, RenderOptions},
};

/// Sets the Markdown of a post and everything rendered from it, so no write can store
/// a body without its html, toc, excerpt and reading time. The rendering options come
/// from the post's front matter as it stands on `active` (`math: true`), so every
/// re-render (an edit, a status change) keeps what the post asked for.
pub fn set_content(active: &mut post::ActiveModel, markdown: &str, custom_excerpt: Option<&str>) {
    let options = render_options(active);
    set_rendered(
        active,
        markdown,
        &render::render_with(markdown, &options),
        custom_excerpt,
    );
}

/// The options the post's stored front matter asks for; none when it is not set.
fn render_options(active: &post::ActiveModel) -> RenderOptions {
    match &active.front_matter {
        ActiveValue::Set(fm) | ActiveValue::Unchanged(fm) => fm
            .as_object()
            .map(RenderOptions::from_front_matter)
            .unwrap_or_default(),
        ActiveValue::NotSet => RenderOptions::default(),
    }
}

/// [`set_content`] with `r = render_with(markdown, &options)` done by the caller (bulk
/// imports render on other threads, with `RenderOptions::from_front_matter`).
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

/// Stores a saved post's JSON columns as the text they were made as, keys in order:
/// `front_matter` (a writer's or a file's order) and, when given, `toc`. SQLite keeps
/// JSON as text already; PostgreSQL's driver sends JSON as `jsonb`, whose keys come back
/// sorted, so there the values are written again as `json` text. Called inside the
/// write's transaction after the row is saved; `saved` then holds them as stored.
pub async fn keep_json_order<C: ConnectionTrait>(
    db: &C,
    saved: &mut post::Model,
    front_matter: &serde_json::Value,
    toc: Option<&serde_json::Value>,
) -> AppResult<()> {
    if db.get_database_backend() == DbBackend::Postgres {
        let toc = toc.unwrap_or(&saved.toc);
        db.execute_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "UPDATE posts SET front_matter = CAST($1 AS json), toc = CAST($2 AS json) \
             WHERE id = $3",
            [
                front_matter.to_string().into(),
                toc.to_string().into(),
                saved.id.into(),
            ],
        ))
        .await?;
        saved.toc = toc.clone();
    }
    saved.front_matter = front_matter.clone();
    Ok(())
}

#[cfg(test)]
mod tests {
    use entity::post;
    use sea_orm::Set;
    use serde_json::json;

    use super::render_options;

    #[test]
    fn math_comes_from_the_front_matter_on_the_model() {
        let cases = [
            (Some(json!({ "math": true, "layout": "post" })), true),
            (Some(json!({ "math": false })), false),
            (Some(json!({})), false),
            (Some(json!(null)), false),
            (None, false),
        ];
        for (front_matter, math) in cases {
            let mut active = post::ActiveModel::default();
            if let Some(fm) = front_matter.clone() {
                active.front_matter = Set(fm);
            }
            assert_eq!(render_options(&active).math, math, "{front_matter:?}");
        }
    }
}
