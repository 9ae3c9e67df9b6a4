//! Which category a file puts its post in, as a path of names from the top: Chirpy's
//! and Jekyll's/Hugo's `categories` (a list, main then sub, or a string: `a/b` or
//! `a b`), else just-the-docs' `grand_parent` › `parent` (either may be missing). In a
//! page (`layout: page`) `parent` names a parent page, not a category, so it is not read.

use serde_json::{Map, Value};

use super::fields::{name_list, string_field};

/// The category path of a file's front matter (empty: none). A `categories` key, even
/// empty, wins over `parent`/`grand_parent` (so an export of an uncategorised post
/// stays uncategorised).
pub fn category_path(fm: &Map<String, Value>) -> Vec<String> {
    if let Some(v) = fm.get("categories") {
        return name_list(Some(v), true);
    }
    let page = fm
        .get("layout")
        .and_then(Value::as_str)
        .is_some_and(|l| l.trim().eq_ignore_ascii_case("page"));
    if page {
        return Vec::new();
    }
    [
        string_field(fm, &["grand_parent"]),
        string_field(fm, &["parent"]),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn path(v: Value) -> Vec<String> {
        category_path(v.as_object().unwrap())
    }

    #[test]
    fn each_way_of_writing_a_category() {
        assert_eq!(
            path(json!({"categories": ["ETC", "Retrospective"]})),
            ["ETC", "Retrospective"]
        );
        assert_eq!(path(json!({"categories": "essay"})), ["essay"]);
        assert_eq!(path(json!({"categories": "글/회고"})), ["글", "회고"]);
        assert_eq!(
            path(json!({"parent": "Personal", "grand_parent": "Writes"})),
            ["Writes", "Personal"]
        );
        assert_eq!(path(json!({"parent": "회고"})), ["회고"]);
        assert_eq!(path(json!({"grand_parent": "글"})), ["글"]);
        assert!(path(json!({"layout": "page", "parent": "소개"})).is_empty());
        assert!(path(json!({"categories": [], "parent": "소개"})).is_empty());
        assert!(path(json!({"tags": ["a"]})).is_empty());
    }
}
