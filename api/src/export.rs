//! A post → a Jekyll Markdown file (`_posts/YYYY-MM-DD-slug.md`; a page: `_pages/slug.md`
//! with `layout: page`, its parent's slug and its menu order) whose YAML front matter
//! holds the title, the date with its original offset, tags, series, slug, draft, status
//! (`archived` included), `trashed` for a post in the trash, and every preserved
//! front-matter key in its original order, so importing the file gives the same post.
//! Pure: the caller reads the posts and writes the files.

use chrono::{DateTime, FixedOffset, Utc};
use entity::post::{self, Status};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlEmitter, yaml::Hash};

use crate::{
    import::{PageFields, excerpt_of, fields},
    service::{
        export::ExportedPost,
        post::flags::{self, Flags, FlagsInFrontMatter},
    },
    slug,
};

/// One file to write, relative to the export folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JekyllFile {
    pub relative_path: String,
    pub text: String,
}

/// The post's date at the offset it was written with (its creation time when it has no
/// publication date).
pub fn original_date(p: &post::Model) -> DateTime<FixedOffset> {
    let utc: DateTime<Utc> = p.published_at.unwrap_or(p.created_at);
    let offset = p.published_at_offset.and_then(FixedOffset::east_opt);
    offset.map_or_else(|| utc.fixed_offset(), |o| utc.with_timezone(&o))
}

/// `status:` as written on export and understood on import.
fn status_name(s: Status) -> &'static str {
    match s {
        Status::Draft => "draft",
        Status::Scheduled => "scheduled",
        Status::Published => "published",
        Status::Archived => "archived",
    }
}

/// Renders one post as a Jekyll file. Keys come in the order of the front matter the
/// post was imported with (with today's values), then the keys it lacked.
pub fn to_jekyll(e: &ExportedPost) -> JekyllFile {
    let p = &e.post;
    let preserved = p.front_matter.as_object().cloned().unwrap_or_default();
    let date = original_date(p);
    let mut current = serde_json::Map::new();
    let mut put = |key: &str, v: Value| {
        current.insert(key.to_owned(), v);
    };
    put("title", p.title.clone().into());
    put(
        "date",
        date.format("%Y-%m-%d %H:%M:%S %z").to_string().into(),
    );
    put("slug", p.slug.clone().into());
    let page = p.kind == post::Kind::Page;
    if page {
        page_fields(e, &preserved, &mut put);
    } else {
        put("tags", e.tags.clone().into());
    }
    match &e.series {
        Some(s) => put("series", s.clone().into()),
        // The preserved key would put the post back in the series it has left.
        None if preserved.contains_key("series") => put("series", Value::Null),
        None => {}
    }
    // The full path, top first, as Chirpy writes it; an uncategorised post whose file
    // named a category (or just-the-docs parents) says so, or the import would file it
    // again.
    let named_category = preserved.contains_key("categories")
        || !crate::import::category_path(&preserved).is_empty();
    if !e.category_path.is_empty() || named_category {
        put("categories", e.category_path.clone().into());
    }
    put("draft", (p.status == Status::Draft).into());
    put("status", status_name(p.status).into());
    match p.deleted_at {
        Some(at) => put(
            "trashed",
            at.format("%Y-%m-%d %H:%M:%S %z").to_string().into(),
        ),
        None if preserved.contains_key("trashed") => put("trashed", false.into()),
        None => {}
    }
    // Fields the preserved front matter would no longer give back (the post was edited
    // after its import, or was never imported) are written under their own keys.
    let changed: [(&str, Option<&String>, Option<String>); 5] = [
        (
            "subtitle",
            p.subtitle.as_ref(),
            fields::string_field(&preserved, &["subtitle"]),
        ),
        (
            "description",
            p.meta_description.as_ref(),
            fields::string_field(&preserved, &["description"]),
        ),
        (
            "excerpt",
            p.custom_excerpt.as_ref(),
            excerpt_of(&preserved, &p.markdown),
        ),
        (
            "image",
            p.cover_image.as_ref(),
            fields::cover_image(&preserved),
        ),
        (
            "canonical_url",
            p.canonical_url.as_ref(),
            fields::string_field(&preserved, &["canonical_url", "canonicalURL"]),
        ),
    ];
    for (key, now, from_file) in changed {
        if now != from_file.as_ref() {
            put(key, now.cloned().map_or(Value::Null, Value::String));
        }
    }
    // Flags the preserved front matter would not give back, under Chirpy's keys.
    let from_file = FlagsInFrontMatter::read(&preserved).over(Flags::default());
    let now = flags::of(p);
    for (key, now, from_file) in [
        ("pin", now.pinned, from_file.pinned),
        ("featured", now.featured, from_file.featured),
        ("comments", now.comments_enabled, from_file.comments_enabled),
    ] {
        if now != from_file {
            put(key, now.into());
        }
    }
    // The authors, unless the preserved front matter names the same ones in the same
    // order (by slug or display name): one as `author:`, several as `authors:`.
    let named = fields::author_names(&preserved);
    let same = named.len() == e.authors.len()
        && named
            .iter()
            .zip(&e.authors)
            .all(|(n, a)| *n == a.slug || *n == a.name || slug::slugify(n) == a.slug);
    if !same {
        let slugs: Vec<Value> = e.authors.iter().map(|a| a.slug.clone().into()).collect();
        match slugs.as_slice() {
            [one] => {
                put("author", one.clone());
                if preserved.contains_key("authors") {
                    put("authors", Value::Null);
                }
            }
            _ => {
                put("authors", slugs.into());
                if preserved.contains_key("author") {
                    put("author", Value::Null);
                }
            }
        }
    }

    let mut fm = Hash::new();
    for (k, v) in preserved {
        let v = current.shift_remove(&k).unwrap_or(v);
        fm.insert(Yaml::String(k), to_yaml(v));
    }
    for (k, v) in current {
        fm.insert(Yaml::String(k), to_yaml(v));
    }

    let mut text = String::with_capacity(p.markdown.len() + 512);
    let yaml = Yaml::Hash(fm);
    // Writing into a String cannot fail.
    let _ = YamlEmitter::new(&mut text).dump(&yaml);
    text.push_str("\n---\n");
    text.push_str(&p.markdown);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let safe_slug = p.slug.replace(['/', '\\'], "-");
    let relative_path = if page {
        format!("_pages/{safe_slug}.md")
    } else {
        format!("_posts/{}-{safe_slug}.md", date.format("%Y-%m-%d"))
    };
    JekyllFile {
        relative_path,
        text,
    }
}

/// A page's own keys: `layout: page`, its parent's slug and its menu order (when the
/// preserved front matter would not give them back).
fn page_fields(
    e: &ExportedPost,
    preserved: &serde_json::Map<String, Value>,
    put: &mut impl FnMut(&str, Value),
) {
    let from_file = PageFields::read(preserved);
    put("layout", "page".into());
    match &e.parent_slug {
        Some(s) if from_file.parent.as_ref() != Some(s) => put("parent", s.clone().into()),
        Some(_) => {}
        None if from_file.parent.is_some() => put("parent", Value::Null),
        None => {}
    }
    if from_file.menu_order != e.post.menu_order {
        put("menu_order", e.post.menu_order.into());
    }
}

fn to_yaml(v: Value) -> Yaml {
    match v {
        Value::Null => Yaml::Null,
        Value::Bool(b) => Yaml::Boolean(b),
        Value::Number(n) => match n.as_i64() {
            Some(i) => Yaml::Integer(i),
            None => Yaml::Real(n.to_string()),
        },
        Value::String(s) => Yaml::String(s),
        Value::Array(a) => Yaml::Array(a.into_iter().map(to_yaml).collect()),
        Value::Object(m) => {
            let mut h = Hash::new();
            for (k, v) in m {
                h.insert(Yaml::String(k), to_yaml(v));
            }
            Yaml::Hash(h)
        }
    }
}
