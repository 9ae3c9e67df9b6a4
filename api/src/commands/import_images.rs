//! The images of the posts `quire import` reads: each path a post shows (found by
//! [`crate::import::images`], plus its front matter's cover image) is looked up on disk
//! beside the file or under its site root, added to the media library once (the upload
//! path: checked, stripped, deduplicated by hash) and written back as the file's library
//! path, `/media/{sha256}/{name}`, so rendered HTML gives it its size and `srcset`.
//!
//! Where a path is looked for: `/…` under the site root, then under Hugo's `static/`;
//! a relative path beside the file (a Hugo page bundle's `cover.jpg`), then under the
//! site root (Jekyll's `assets/…` written without its `/`); under Chirpy's
//! `media_subpath` (or `img_path`) when the front matter sets one. `{{ site.baseurl }}`
//! in front is dropped. Names match whichever Unicode form they were written in (macOS
//! keeps Hangul decomposed, NFD): a path in one form finds a file saved in the other.
//! Nothing outside the site root is read.
//!
//! A path that finds no file, or a file that is not an image or is refused, is a
//! warning naming the file and line; its reference stays as it was, and the import goes
//! on. URLs (`https://…`, `data:`) and paths already in the library are left alone.

use std::{
    collections::HashMap,
    io::Read,
    path::{Component, Path, PathBuf},
};

use entity::media::Kind;
use percent_encoding::percent_decode_str;
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::Value;
use unicode_normalization::UnicodeNormalization;

use crate::{
    import::{fields, images},
    media::sniff,
    service::{
        import::PreparedFile,
        media::{
            Library, reference,
            upload::{NewMedia, add_for_import},
        },
    },
};

/// One image a post shows, and the file it names (or why there is none).
#[derive(Debug, Clone)]
pub struct Wanted {
    /// The path as written.
    pub target: String,
    /// Where it is written in the file (1-based), when found.
    pub line: Option<usize>,
    pub found: Result<PathBuf, String>,
}

/// An image that was not brought in: the line it is written on, and why.
pub type Warning = (Option<usize>, String);

/// The images `file` (read from `path`, in the site at `root`) shows, each looked up.
/// Runs on the import's reader threads: file system only.
pub fn look(path: &Path, root: &Path, file: &PreparedFile) -> Vec<Wanted> {
    let mut targets: Vec<String> = Vec::new();
    if let Some(cover) = &file.doc.cover_image {
        targets.push(cover.clone());
    }
    for r in images::find(&file.doc.markdown) {
        if !targets.contains(&r.target) {
            targets.push(r.target);
        }
    }
    targets.retain(|t| local_path(t).is_some());
    if targets.is_empty() {
        return Vec::new();
    }
    let text = std::fs::read(path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let subpath = fields::string_field(&file.doc.front_matter, &["media_subpath", "img_path"]);
    let dir = path.parent().unwrap_or(root);
    targets
        .into_iter()
        .map(|target| Wanted {
            line: text.find(&target).map(|at| images::line_of(&text, at)),
            found: locate(&target, dir, root, subpath.as_deref()),
            target,
        })
        .collect()
}

/// The path to look up for `target`, or `None` when it is no local file (a URL, a
/// fragment, a file already in the library).
fn local_path(target: &str) -> Option<String> {
    let mut t = target.trim();
    for prefix in [
        "{{site.baseurl}}",
        "{{ site.baseurl }}",
        "{{site.url}}{{site.baseurl}}",
        "{{ site.url }}{{ site.baseurl }}",
    ] {
        if let Some(rest) = t.strip_prefix(prefix) {
            t = rest;
        }
    }
    let t = t.split(['?', '#']).next().unwrap_or_default();
    let scheme = t
        .split_once(':')
        .is_some_and(|(s, _)| !s.is_empty() && !s.contains('/'));
    if t.is_empty() || scheme || t.starts_with("//") || t.starts_with(links_prefix()) {
        return None;
    }
    Some(
        percent_decode_str(t)
            .decode_utf8()
            .map_or_else(|_| t.to_owned(), |d| d.into_owned()),
    )
}

fn links_prefix() -> &'static str {
    crate::service::media::links::PREFIX
}

/// Finds the file `target` names (see the module docs for where), and checks that it
/// is an image.
fn locate(target: &str, dir: &Path, root: &Path, subpath: Option<&str>) -> Result<PathBuf, String> {
    let path = local_path(target).unwrap_or_default();
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Some(abs) = path.strip_prefix('/') {
        candidates.push(root.join(abs));
        candidates.push(root.join("static").join(abs));
    } else {
        if let Some(sub) = subpath {
            candidates.push(root.join(sub.trim_start_matches('/')).join(&path));
        }
        candidates.push(dir.join(&path));
        candidates.push(root.join(&path));
    }
    let root = root
        .canonicalize()
        .map_err(|e| format!("cannot read the site folder: {e}"))?;
    let file = candidates
        .iter()
        .find_map(|c| find_any_form(c).filter(|f| f.starts_with(&root)))
        .ok_or_else(|| format!("image `{target}`: no such file in the site"))?;
    let mut head = Vec::with_capacity(sniff::HEAD);
    std::fs::File::open(&file)
        .and_then(|f| f.take(sniff::HEAD as u64).read_to_end(&mut head))
        .map_err(|e| format!("image `{target}`: cannot read it: {e}"))?;
    let sniffed = sniff::sniff(&head);
    if sniffed.kind != Kind::Image {
        return Err(format!(
            "image `{target}`: the file is not an image ({})",
            sniffed.mime
        ));
    }
    Ok(file)
}

/// `path` as it is on disk (canonical), each name matched as written or, failing that,
/// in either Unicode normal form.
fn find_any_form(path: &Path) -> Option<PathBuf> {
    let mut at = PathBuf::new();
    for part in path.components() {
        match part {
            Component::Normal(name) => {
                let exact = at.join(name);
                if exact.exists() {
                    at = exact;
                    continue;
                }
                let wanted: String = name.to_string_lossy().nfc().collect();
                let entry = std::fs::read_dir(if at.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    &at
                })
                .ok()?
                .flatten()
                .find(|e| e.file_name().to_string_lossy().nfc().eq(wanted.chars()))?;
                at = at.join(entry.file_name());
            }
            other => at.push(other),
        }
    }
    at.canonicalize().ok().filter(|p| p.is_file())
}

/// Brings the images of a run's files into the library, once each.
pub struct Importer<'a> {
    lib: Option<&'a Library>,
    owner_id: i64,
    /// Files brought in by this run: their library paths, or why they were refused.
    done: HashMap<PathBuf, Result<String, String>>,
    /// Files new to the library (a dry run: files found, each path once).
    pub added: usize,
    /// Files whose bytes the library held already.
    pub reused: usize,
}

impl<'a> Importer<'a> {
    /// Adds files to `lib` owned by `owner_id`; without a library (a dry run) only
    /// looks them up and counts them.
    pub fn new(lib: Option<&'a Library>, owner_id: i64) -> Self {
        Self {
            lib,
            owner_id,
            done: HashMap::new(),
            added: 0,
            reused: 0,
        }
    }

    /// Adds the files `wanted` names and writes their library paths into `file`
    /// (re-rendered when anything changed); returns what could not be brought in.
    pub async fn bring_in<C: ConnectionTrait + TransactionTrait>(
        &mut self,
        db: &C,
        file: &mut PreparedFile,
        wanted: Vec<Wanted>,
    ) -> Vec<Warning> {
        let mut warnings = Vec::new();
        let mut paths: HashMap<String, String> = HashMap::new();
        for w in wanted {
            let found = match w.found {
                Ok(found) => found,
                Err(reason) => {
                    warnings.push((w.line, reason));
                    continue;
                }
            };
            let result = match self.done.get(&found) {
                Some(r) => r.clone(),
                None => {
                    let r = self.add(db, &found).await;
                    self.done.insert(found, r.clone());
                    r
                }
            };
            match result {
                Ok(path) => {
                    paths.insert(w.target, path);
                }
                Err(reason) => warnings.push((w.line, format!("image `{}`: {reason}", w.target))),
            }
        }
        if !paths.is_empty() {
            rewrite(file, &paths);
        }
        warnings
    }

    async fn add<C: ConnectionTrait + TransactionTrait>(
        &mut self,
        db: &C,
        path: &Path,
    ) -> Result<String, String> {
        let Some(lib) = self.lib else {
            // A dry run: counted, nothing written.
            self.added += 1;
            return Ok(String::new());
        };
        let file = std::fs::File::open(path).map_err(|e| format!("cannot read it: {e}"))?;
        let filename = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let new = NewMedia {
            file,
            filename,
            alt: None,
            caption: None,
        };
        let uploaded = add_for_import(db, lib, self.owner_id, new)
            .await
            .map_err(|e| e.to_string())?;
        if uploaded.created {
            self.added += 1;
        } else {
            self.reused += 1;
        }
        Ok(reference::path(&uploaded.media))
    }
}

/// Writes each path of `paths` (old → new) in `file`'s Markdown, cover image and front
/// matter, and renders it again.
fn rewrite(file: &mut PreparedFile, paths: &HashMap<String, String>) {
    let new = |t: &str| paths.get(t).filter(|p| !p.is_empty()).cloned();
    let doc = &mut file.doc;
    let refs = images::find(&doc.markdown);
    let markdown = images::replace(&doc.markdown, &refs, new);
    if let Some(cover) = doc.cover_image.as_deref().and_then(new) {
        doc.cover_image = Some(cover);
    }
    for key in fields::COVER_KEYS {
        if let Some(v) = doc.front_matter.get_mut(key) {
            replace_strings(v, &new);
        }
    }
    if markdown != doc.markdown {
        doc.markdown = markdown;
        file.rerender();
    }
}

fn replace_strings(v: &mut Value, new: &impl Fn(&str) -> Option<String>) {
    match v {
        Value::String(s) => {
            if let Some(n) = new(s) {
                *s = n;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| replace_strings(v, new)),
        Value::Object(m) => m.values_mut().for_each(|v| replace_strings(v, new)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_library_paths_are_not_local() {
        assert_eq!(local_path("https://x.org/a.png"), None);
        assert_eq!(local_path("data:image/png;base64,AAA"), None);
        assert_eq!(local_path("//cdn.x.org/a.png"), None);
        assert_eq!(local_path("/media/abc/a.png"), None);
        assert_eq!(local_path("#top"), None);
        assert_eq!(
            local_path("{{ site.baseurl }}/assets/%ED%95%9C%EA%B0%95.png?v=2").as_deref(),
            Some("/assets/한강.png")
        );
        assert_eq!(local_path("사진/a b.png").as_deref(), Some("사진/a b.png"));
    }

    #[test]
    fn names_match_in_either_unicode_form() {
        let dir = tempfile::tempdir().unwrap();
        let nfd: String = "사진/한강.png".nfd().collect();
        std::fs::create_dir_all(dir.path().join("사진".nfd().collect::<String>())).unwrap();
        std::fs::write(dir.path().join(&nfd), b"x").unwrap();
        let found = find_any_form(&dir.path().join("사진/한강.png")).unwrap();
        assert!(found.ends_with(&nfd), "{found:?}");
        assert_eq!(find_any_form(&dir.path().join("사진/없음.png")), None);
    }
}
