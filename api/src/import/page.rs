//! Whether a file is a page (About, Now, Uses) rather than a post, and a page's place in
//! the tree as its front matter gives it. A file is a page when:
//!
//! 1. its front matter says `layout: page` or `type: page` (anywhere); or
//! 2. it lies in a `_pages/` folder (a Jekyll collection of pages); or
//! 3. it lies in a Hugo `content/` folder directly (`content/about.md`), or is a page
//!    bundle there (`content/about/index.md`).
//!
//! A file under `_posts/`, `_drafts/`, `posts/` or `post/` is a post unless rule 1 says
//! otherwise. (`quire import` of a Jekyll site root also marks the root's own Markdown
//! files that have front matter as pages: see `commands::discover`.) Only for a page is
//! `parent:` a parent page (by slug or title): just-the-docs writes `parent:` on posts
//! for their category.

use serde_json::{Map, Value};

use super::fields::string_field;

/// A page's place in the tree, as its front matter gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageFields {
    /// The parent page's slug or title (`parent:`).
    pub parent: Option<String>,
    /// The order among its siblings: `menu_order`, Jekyll's `nav_order` or Hugo's
    /// `weight` (0 when none).
    pub menu_order: i32,
}

/// The keys that give a page's menu order, in the order they are looked at.
pub const MENU_ORDER_KEYS: [&str; 4] = ["menu_order", "nav_order", "weight", "menuOrder"];

/// Folders whose files are posts.
const POST_FOLDERS: [&str; 4] = ["_posts", "_drafts", "posts", "post"];

impl PageFields {
    /// The fields of a page with front matter `fm`.
    pub fn read(fm: &Map<String, Value>) -> Self {
        let menu_order = MENU_ORDER_KEYS
            .iter()
            .find_map(|k| match fm.get(*k) {
                Some(Value::Number(n)) => n.as_i64(),
                Some(Value::String(s)) => s.trim().parse().ok(),
                _ => None,
            })
            .and_then(|n| i32::try_from(n).ok())
            .unwrap_or(0);
        Self {
            parent: string_field(fm, &["parent"]),
            menu_order,
        }
    }
}

/// Whether the file at `path` with front matter `fm` is a page (see the module docs).
pub fn is_page(path: &str, fm: &Map<String, Value>) -> bool {
    let says = |key: &str| {
        fm.get(key)
            .and_then(Value::as_str)
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("page"))
    };
    if says("layout") || says("type") {
        return true;
    }
    let parts: Vec<&str> = path.split(['/', '\\']).collect();
    let folders = &parts[..parts.len().saturating_sub(1)];
    if folders.iter().any(|f| POST_FOLDERS.contains(f)) {
        return false;
    }
    if folders.contains(&"_pages") {
        return true;
    }
    let file = parts.last().copied().unwrap_or_default();
    match folders {
        [.., "content"] => !file.starts_with('_'),
        [.., "content", _bundle] => file.eq_ignore_ascii_case("index.md"),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn fm(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap_or_default()
    }

    #[test]
    fn pages_by_front_matter_or_by_place() {
        let none = Map::new();
        assert!(is_page("blog/about.md", &fm(json!({ "layout": "page" }))));
        assert!(is_page(
            "_posts/2020-01-01-x.md",
            &fm(json!({ "type": "Page" }))
        ));
        assert!(is_page("site/_pages/소개.md", &none));
        assert!(is_page("site/content/about.md", &none));
        assert!(is_page("site/content/now/index.md", &none));
        assert!(!is_page("site/content/posts/first.md", &none));
        assert!(!is_page("site/content/now/notes.md", &none));
        assert!(!is_page("site/content/_index.md", &none));
        assert!(!is_page("blog/_posts/about.md", &none));
        assert!(!is_page(
            "fixtures/about.md",
            &fm(json!({ "layout": "post" }))
        ));
        // just-the-docs: `parent` on a post is its category, not a page.
        assert!(!is_page(
            "notes/first-week.md",
            &fm(json!({ "layout": "default", "parent": "Personal", "grand_parent": "Writes" }))
        ));
    }

    #[test]
    fn parent_and_menu_order() {
        assert_eq!(
            PageFields::read(&fm(json!({ "parent": "소개", "nav_order": 3 }))),
            PageFields {
                parent: Some("소개".into()),
                menu_order: 3
            }
        );
        assert_eq!(
            PageFields::read(&fm(json!({ "weight": "7" }))).menu_order,
            7
        );
        assert_eq!(PageFields::read(&Map::new()), PageFields::default());
    }
}
