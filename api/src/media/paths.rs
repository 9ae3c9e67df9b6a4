//! Library paths written in a post's text (`/media/{sha256}/{name}`, or a variant's
//! `/media/{sha256}/{width}.{format}/{name}`), found and replaced, and the names an
//! export gives the files under `assets/media/`. Pure.

use std::{collections::HashSet, ops::Range};

/// Where an export writes media files, under its folder; also the site path posts
/// refer to them by (with a `/` in front).
pub const ASSETS: &str = "assets/media";

/// Each library path in `text`: its byte range and the file's hash. A path that follows
/// a host name (`https://cdn…/media/…`) is left out: only site paths are the library's.
pub fn find(text: &str) -> Vec<(Range<usize>, String)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = text[from..].find("/media/").map(|i| i + from) {
        from = at + 1;
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_' | ':' | '/')) {
            continue;
        }
        let hash_at = at + "/media/".len();
        let Some(hash) = text.get(hash_at..hash_at + 64) else {
            continue;
        };
        let hex = hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
        if !hex || !text[hash_at + 64..].starts_with('/') {
            continue;
        }
        let rest = &text[hash_at + 65..];
        let len = rest
            .find(|c: char| {
                c.is_whitespace() || matches!(c, ')' | '(' | '"' | '\'' | '<' | '>' | ']' | '[')
            })
            .unwrap_or(rest.len());
        if len == 0 {
            continue;
        }
        let end = hash_at + 65 + len;
        found.push((at..end, hash.to_owned()));
        from = end;
    }
    found
}

/// `text` with each library path whose hash `new` maps written anew.
pub fn replace(text: &str, new: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (range, hash) in find(text) {
        if let Some(n) = new(&hash) {
            out.push_str(&text[copied..range.start]);
            out.push_str(&n);
            copied = range.end;
        }
    }
    out.push_str(&text[copied..]);
    out
}

/// Names files for `assets/media/`: their own name, or `{stem}-{hash8}.{ext}` when a
/// file with other bytes took that name first (compared without case, as macOS and
/// Windows do).
#[derive(Debug, Default)]
pub struct AssetNames {
    taken: HashSet<String>,
}

impl AssetNames {
    /// The name for the file `filename` whose hash is `sha256`.
    pub fn name(&mut self, filename: &str, sha256: &str) -> String {
        let mut name = filename.to_owned();
        if self.taken.contains(&name.to_lowercase()) {
            let short = sha256.get(..8).unwrap_or(sha256);
            name = match filename.rsplit_once('.') {
                Some((stem, ext)) if !stem.is_empty() => format!("{stem}-{short}.{ext}"),
                _ => format!("{filename}-{short}"),
            };
        }
        self.taken.insert(name.to_lowercase());
        name
    }
}

/// The site path of an exported file called `name`, as Markdown and YAML take it
/// (spaces and brackets percent-encoded, Hangul as it is).
pub fn asset_path(name: &str) -> String {
    let mut out = format!("/{ASSETS}/");
    for c in name.chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '[' => out.push_str("%5B"),
            ']' => out.push_str("%5D"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const H: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn library_paths_are_found_but_not_after_a_host() {
        let text = format!(
            "![a](/media/{H}/%ED%95%9C.png) <img src=\"/media/{H}/640.webp/x.png\"> \
             https://cdn.example/media/{H}/y.png /media/short/z.png"
        );
        let found: Vec<&str> = find(&text).iter().map(|(r, _)| &text[r.clone()]).collect();
        assert_eq!(
            found,
            [
                format!("/media/{H}/%ED%95%9C.png"),
                format!("/media/{H}/640.webp/x.png")
            ]
        );
        let out = replace(&text, |h| (h == H).then(|| "/assets/media/한.png".into()));
        assert!(out.starts_with("![a](/assets/media/한.png) <img src=\"/assets/media/한.png\">"));
    }

    #[test]
    fn names_clash_only_between_different_files() {
        let mut names = AssetNames::default();
        assert_eq!(names.name("사진.jpg", H), "사진.jpg");
        assert_eq!(names.name("사진.JPG", "ffffffff00"), "사진-ffffffff.JPG");
        assert_eq!(asset_path("a (1).png"), "/assets/media/a%20%281%29.png");
    }
}
