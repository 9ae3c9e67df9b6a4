//! The fields an editor sends for a post, checked before anything is written.

use chrono::{DateTime, FixedOffset};

use crate::{
    error::{AppError, AppResult},
    service::url,
    slug,
};

pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_MARKDOWN_BYTES: usize = 1024 * 1024;
pub const MAX_TAGS: usize = 50;
/// Serialised size of the front matter a writer may send.
pub const MAX_FRONT_MATTER_BYTES: usize = 64 * 1024;

/// Post fields; `None` leaves a field as it is (on create: empty), `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct PostChanges {
    pub title: Option<String>,
    pub markdown: Option<String>,
    pub slug: Option<String>,
    pub subtitle: Option<Option<String>>,
    pub excerpt: Option<Option<String>>,
    /// Tag names, in order; missing ones are created (by editors).
    pub tags: Option<Vec<String>>,
    /// Series title or slug; created when missing (by editors).
    pub series: Option<Option<String>>,
    /// Category slug (it must exist); `Some(None)` leaves the post uncategorised.
    pub category: Option<Option<String>>,
    pub cover_image: Option<Option<String>>,
    pub canonical_url: Option<Option<String>>,
    pub meta_description: Option<Option<String>>,
    pub published_at: Option<Option<DateTime<FixedOffset>>>,
    /// Author slug; only editors may set someone else. It becomes the primary author,
    /// the co-authors stay.
    pub author: Option<String>,
    /// The authors' user ids, in order, the first the primary author: replaces them all
    /// (see [`super::authors::check`]). Not together with `author`.
    pub authors: Option<Vec<i64>>,
    /// Custom fields, kept in key order and exported back into front matter. Known
    /// flags in it (`pin`, `featured`, `comments`) set the typed flags below unless those
    /// are given too.
    pub front_matter: Option<serde_json::Value>,
    pub pinned: Option<bool>,
    pub featured: Option<bool>,
    pub comments_enabled: Option<bool>,
    /// A page's parent page, by slug (pages only; see [`crate::service::page::rules`]).
    pub parent: Option<Option<String>>,
    /// A page's order among its siblings, smallest first (pages only).
    pub menu_order: Option<i32>,
}

impl PostChanges {
    /// Checks every limit; trims the title and normalises the slug.
    pub fn validate(mut self) -> AppResult<Self> {
        if let Some(t) = &self.title {
            let t = t.trim();
            if t.is_empty() {
                return Err(AppError::bad_input("title", "must not be empty"));
            }
            if t.chars().count() > MAX_TITLE_CHARS {
                return Err(AppError::bad_input(
                    "title",
                    format!("must be at most {MAX_TITLE_CHARS} characters"),
                ));
            }
            self.title = Some(t.to_owned());
        }
        if let Some(m) = &self.markdown
            && m.len() > MAX_MARKDOWN_BYTES
        {
            return Err(AppError::bad_input("markdown", "must be at most 1 MiB"));
        }
        if let Some(tags) = &self.tags {
            if tags.len() > MAX_TAGS {
                return Err(AppError::bad_input(
                    "tags",
                    format!("at most {MAX_TAGS} tags per post"),
                ));
            }
            if let Some(bad) = tags
                .iter()
                .find(|t| slug::slugify(t).is_empty() || t.chars().count() > 100)
            {
                return Err(AppError::bad_input(
                    "tags",
                    format!("{bad:?} is not a usable tag name"),
                ));
            }
        }
        if self.author.is_some() && self.authors.is_some() {
            return Err(AppError::bad_input(
                "authors",
                "give either author or authors, not both",
            ));
        }
        if let Some(s) = &self.slug {
            slug::validate(s).map_err(|m| AppError::bad_input("slug", m))?;
        }
        url::check("coverImage", self.cover_image.clone().flatten().as_deref())?;
        url::check(
            "canonicalUrl",
            self.canonical_url.clone().flatten().as_deref(),
        )?;
        if let Some(fm) = &self.front_matter {
            if !fm.is_object() {
                return Err(AppError::bad_input("frontMatter", "must be a JSON object"));
            }
            if serde_json::to_string(fm).map_or(usize::MAX, |s| s.len()) > MAX_FRONT_MATTER_BYTES {
                return Err(AppError::bad_input(
                    "frontMatter",
                    format!(
                        "must be at most {} KiB as JSON",
                        MAX_FRONT_MATTER_BYTES / 1024
                    ),
                ));
            }
        }
        if let Some(Some(s)) = &self.subtitle
            && s.chars().count() > MAX_TITLE_CHARS
        {
            return Err(AppError::bad_input(
                "subtitle",
                format!("must be at most {MAX_TITLE_CHARS} characters"),
            ));
        }
        Ok(self)
    }

    /// Whether the title or the Markdown is part of the change (a revision is kept).
    pub fn touches_content(&self) -> bool {
        self.title.is_some() || self.markdown.is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_name_their_field() {
        let field = |c: PostChanges| match c.validate() {
            Err(AppError::BadInput { field, .. }) => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(PostChanges {
                title: Some("  ".into()),
                ..Default::default()
            }),
            "title"
        );
        assert_eq!(
            field(PostChanges {
                title: Some("가".repeat(301)),
                ..Default::default()
            }),
            "title"
        );
        assert_eq!(
            field(PostChanges {
                markdown: Some("a".repeat(MAX_MARKDOWN_BYTES + 1)),
                ..Default::default()
            }),
            "markdown"
        );
        assert_eq!(
            field(PostChanges {
                tags: Some((0..51).map(|i| format!("t{i}")).collect()),
                ..Default::default()
            }),
            "tags"
        );
        assert_eq!(
            field(PostChanges {
                slug: Some("Bad Slug".into()),
                ..Default::default()
            }),
            "slug"
        );
        assert_eq!(
            field(PostChanges {
                canonical_url: Some(Some("javascript:x".into())),
                ..Default::default()
            }),
            "canonicalUrl"
        );
        for off_site in ["//evil.example/x", "/\\evil.example/x", "/a\u{7}b"] {
            assert_eq!(
                field(PostChanges {
                    cover_image: Some(Some(off_site.into())),
                    ..Default::default()
                }),
                "coverImage",
                "{off_site}"
            );
        }
        for fine in ["/images/표지.png", "https://cdn.example/a.png"] {
            assert!(
                PostChanges {
                    cover_image: Some(Some(fine.into())),
                    canonical_url: Some(Some(fine.into())),
                    ..Default::default()
                }
                .validate()
                .is_ok(),
                "{fine}"
            );
        }
        let ok = PostChanges {
            title: Some(" 제목 ".into()),
            tags: Some(vec!["러스트".into()]),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(ok.title.as_deref(), Some("제목"));
    }
}
