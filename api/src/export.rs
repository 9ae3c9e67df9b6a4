//! A post → a Jekyll Markdown file (`_posts/YYYY-MM-DD-slug.md`) whose YAML front matter
//! holds the title, the date with its original offset, tags, series, slug, draft, and
//! every preserved front-matter key, so importing the file gives the same post. Pure: the
//! caller reads the posts and writes the files.

use chrono::{DateTime, FixedOffset, Utc};
use entity::post::{self, Status};
use serde_json::Value;
use yaml_rust2::{Yaml, YamlEmitter, yaml::Hash};

use crate::{
    import::{excerpt_of, fields},
    service::export::ExportedPost,
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

/// Renders one post as a Jekyll file.
pub fn to_jekyll(e: &ExportedPost) -> JekyllFile {
    let p = &e.post;
    let preserved = p.front_matter.as_object().cloned().unwrap_or_default();
    let date = original_date(p);
    let mut fm = Hash::new();
    let put = |fm: &mut Hash, key: &str, v: Value| {
        fm.insert(Yaml::String(key.to_owned()), to_yaml(v));
    };
    put(&mut fm, "title", p.title.clone().into());
    put(
        &mut fm,
        "date",
        date.format("%Y-%m-%d %H:%M:%S %z").to_string().into(),
    );
    put(&mut fm, "slug", p.slug.clone().into());
    put(&mut fm, "tags", e.tags.clone().into());
    if let Some(s) = &e.series {
        put(&mut fm, "series", s.clone().into());
    }
    put(&mut fm, "draft", (p.status == Status::Draft).into());
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
            put(
                &mut fm,
                key,
                now.cloned().map_or(Value::Null, Value::String),
            );
        }
    }
    if !preserved.contains_key("author")
        && let Some(a) = &e.author_slug
    {
        put(&mut fm, "author", a.clone().into());
    }
    for (k, v) in preserved {
        let key = Yaml::String(k);
        if !fm.contains_key(&key) {
            fm.insert(key, to_yaml(v));
        }
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
    JekyllFile {
        relative_path: format!("_posts/{}-{safe_slug}.md", date.format("%Y-%m-%d")),
        text,
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
