//! Reading typed values out of front matter (a JSON object): strings, name lists
//! (`[a, b]`, `"a b"`, `"a, b"`, `a/b` paths), permalinks and image references.

use serde_json::{Map, Value};

/// The first of `keys` holding a non-empty string (or a number), trimmed.
pub fn string_field(fm: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match fm.get(*k) {
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// `[a, b]`, `"a b"` or `"a, b"` → names, in order; with `split_slash`, `a/b` → `a`, `b`.
pub fn name_list(value: Option<&Value>, split_slash: bool) -> Vec<String> {
    let raw: Vec<String> = match value {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        Some(Value::String(s)) if s.contains(',') => s.split(',').map(str::to_owned).collect(),
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        Some(Value::Number(n)) => vec![n.to_string()],
        _ => Vec::new(),
    };
    raw.iter()
        .flat_map(|s| {
            if split_slash {
                s.split('/').map(str::to_owned).collect::<Vec<_>>()
            } else {
                vec![s.clone()]
            }
        })
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// Names without repeats, where two names with the same slug are the same name.
pub fn dedupe(names: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::HashSet::new();
    names
        .into_iter()
        .filter(|n| seen.insert(crate::slug::slugify(n)))
        .collect()
}

/// The slug part of a permalink such as `/2021/07/04/my-post/` or `/posts/my-post.html`.
pub fn slug_from_permalink(permalink: &str) -> Option<String> {
    let last = permalink.trim_end_matches('/').rsplit('/').next()?;
    let last = last.strip_suffix(".html").unwrap_or(last);
    (!last.is_empty() && !last.contains(':')).then(|| last.to_owned())
}

/// The front-matter keys [`cover_image`] reads.
pub const COVER_KEYS: [&str; 3] = ["image", "cover", "images"];

/// `image`/`cover` as a string, as Chirpy's `{path: …}` / PaperMod's `{image: …}`, or
/// Hugo's `images` list.
pub fn cover_image(fm: &Map<String, Value>) -> Option<String> {
    string_field(fm, &["image", "cover"])
        .or_else(|| {
            fm.get("image")
                .or_else(|| fm.get("cover"))
                .and_then(|v| v.get("path").or_else(|| v.get("image")))
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .or_else(|| match fm.get("images") {
            Some(Value::Array(a)) => a.iter().find_map(Value::as_str).map(str::to_owned),
            _ => None,
        })
}

/// The series: a string, or the first of Hugo's list.
pub fn series(fm: &Map<String, Value>) -> Option<String> {
    match fm.get("series") {
        Some(Value::Array(a)) => a.iter().find_map(|v| {
            v.as_str()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        }),
        Some(Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// `draft: true`, or `published: false` when there is no `draft` key.
pub fn is_draft(fm: &Map<String, Value>) -> bool {
    match fm.get("draft").and_then(Value::as_bool) {
        Some(draft) => draft,
        None => fm.get("published").and_then(Value::as_bool) == Some(false),
    }
}

/// A post's status as a front matter can state it with `status:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileStatus {
    Draft,
    /// Published, or scheduled when its date is still to come.
    Published,
    Archived,
}

/// `status:` as `quire export` writes it (`draft`, `scheduled`, `published`,
/// `archived`) or as WordPress exports do (`publish`, `future`, `private`, `pending`),
/// in any case; `None` for any other value or no key, which is then kept as written.
pub fn status(fm: &Map<String, Value>) -> Option<FileStatus> {
    let value = fm.get("status")?.as_str()?.trim().to_ascii_lowercase();
    match value.as_str() {
        "draft" | "private" | "pending" => Some(FileStatus::Draft),
        "published" | "publish" | "scheduled" | "future" => Some(FileStatus::Published),
        "archived" => Some(FileStatus::Archived),
        _ => None,
    }
}

/// The names of `authors:` (a list, or one string of names separated by commas), else
/// of `author:` (one name, or a list, as Jekyll's and Chirpy's themes allow), trimmed,
/// in order, without repeats.
pub fn author_names(fm: &Map<String, Value>) -> Vec<String> {
    let names = |v: &Value, split: bool| -> Vec<String> {
        let raw: Vec<String> = match v {
            Value::Array(items) => items
                .iter()
                .filter_map(|i| match i {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                })
                .collect(),
            Value::String(s) if split => s.split(',').map(str::to_owned).collect(),
            Value::String(s) => vec![s.clone()],
            Value::Number(n) => vec![n.to_string()],
            _ => Vec::new(),
        };
        raw.into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    };
    let found = match fm.get("authors").map(|v| names(v, true)) {
        Some(list) if !list.is_empty() => list,
        _ => fm
            .get("author")
            .map(|v| names(v, false))
            .unwrap_or_default(),
    };
    let mut out: Vec<String> = Vec::with_capacity(found.len());
    for n in found {
        if !out.contains(&n) {
            out.push(n);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn map(v: Value) -> Map<String, Value> {
        v.as_object().cloned().unwrap()
    }

    #[test]
    fn name_lists() {
        assert_eq!(
            name_list(Some(&json!("Diary acme")), false),
            ["Diary", "acme"]
        );
        assert_eq!(
            name_list(Some(&json!("rust, 웹 개발")), false),
            ["rust", "웹 개발"]
        );
        assert_eq!(name_list(Some(&json!(["a/b", 3])), true), ["a", "b", "3"]);
        assert!(name_list(Some(&json!(true)), false).is_empty());
    }

    #[test]
    fn covers_series_and_drafts() {
        assert_eq!(
            cover_image(&map(json!({"image": {"path": "/a.png"}}))).as_deref(),
            Some("/a.png")
        );
        assert_eq!(
            cover_image(&map(json!({"images": ["/b.png"]}))).as_deref(),
            Some("/b.png")
        );
        assert_eq!(
            series(&map(json!({"series": ["", "러스트"]}))).as_deref(),
            Some("러스트")
        );
        assert!(is_draft(&map(json!({"published": false}))));
        assert!(!is_draft(&map(json!({"published": false, "draft": false}))));
        assert!(is_draft(&map(json!({"draft": true}))));
    }

    #[test]
    fn statuses() {
        let of = |v: Value| status(&map(json!({ "status": v })));
        assert_eq!(of(json!("archived")), Some(FileStatus::Archived));
        assert_eq!(of(json!("Archived ")), Some(FileStatus::Archived));
        assert_eq!(of(json!("draft")), Some(FileStatus::Draft));
        assert_eq!(of(json!("private")), Some(FileStatus::Draft));
        assert_eq!(of(json!("publish")), Some(FileStatus::Published));
        assert_eq!(of(json!("scheduled")), Some(FileStatus::Published));
        assert_eq!(of(json!("wip")), None);
        assert_eq!(of(json!(true)), None);
        assert_eq!(status(&map(json!({}))), None);
    }

    #[test]
    fn permalinks() {
        assert_eq!(
            slug_from_permalink("/2020/01/02/hello-world/").as_deref(),
            Some("hello-world")
        );
        assert_eq!(slug_from_permalink("/posts/x.html").as_deref(), Some("x"));
        assert_eq!(slug_from_permalink("/:year/:title/"), None);
    }
}
