//! The typed flags of a post that blogs write in front matter: `pinned` (Chirpy's
//! `pin`, or `pinned`), `featured`, and `comments_enabled` (Chirpy's `comments`). This is
//! the one place that reads them from front matter, for imports and for writers who
//! send `frontMatter`; the migration that added the columns restates it in SQL for
//! posts that existed before.

use entity::post;
use sea_orm::Set;
use serde_json::{Map, Value};

/// A post's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flags {
    pub pinned: bool,
    pub featured: bool,
    pub comments_enabled: bool,
}

impl Default for Flags {
    fn default() -> Self {
        Self {
            pinned: false,
            featured: false,
            comments_enabled: true,
        }
    }
}

/// What front matter says about each flag: `Some` only for a JSON boolean under one of
/// the flag's keys (a string such as `"true"` says nothing).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FlagsInFrontMatter {
    pub pinned: Option<bool>,
    pub featured: Option<bool>,
    pub comments_enabled: Option<bool>,
}

impl FlagsInFrontMatter {
    pub fn read(front_matter: &Map<String, Value>) -> Self {
        let boolean = |keys: &[&str]| keys.iter().find_map(|k| front_matter.get(*k)?.as_bool());
        Self {
            pinned: boolean(&["pin", "pinned"]),
            featured: boolean(&["featured"]),
            comments_enabled: boolean(&["comments", "comments_enabled"]),
        }
    }

    /// These over `base`, where they say anything.
    pub fn over(self, base: Flags) -> Flags {
        Flags {
            pinned: self.pinned.unwrap_or(base.pinned),
            featured: self.featured.unwrap_or(base.featured),
            comments_enabled: self.comments_enabled.unwrap_or(base.comments_enabled),
        }
    }
}

/// Sets the flags of a post.
pub fn set(active: &mut post::ActiveModel, f: Flags) {
    active.pinned = Set(f.pinned);
    active.featured = Set(f.featured);
    active.comments_enabled = Set(f.comments_enabled);
}

/// The flags of a stored post.
pub fn of(p: &post::Model) -> Flags {
    Flags {
        pinned: p.pinned,
        featured: p.featured,
        comments_enabled: p.comments_enabled,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn only_booleans_under_known_keys_count() {
        let read = |v: Value| match v {
            Value::Object(m) => FlagsInFrontMatter::read(&m).over(Flags::default()),
            _ => unreachable!(),
        };
        let on = Flags {
            pinned: true,
            featured: true,
            comments_enabled: false,
        };
        assert_eq!(read(json!({})), Flags::default());
        assert_eq!(
            read(json!({ "pin": true, "featured": true, "comments": false })),
            on
        );
        assert_eq!(
            read(json!({ "pinned": true, "featured": true, "comments_enabled": false })),
            on
        );
        assert_eq!(
            read(json!({ "pin": "true", "featured": 1, "comments": "no" })),
            Flags::default()
        );
        let kept = FlagsInFrontMatter::read(&Map::new()).over(on);
        assert_eq!(kept, on);
    }
}
