//! Which files `quire import PATH…` reads: files named on the command line as they are,
//! and in folders every `.md`, `.markdown` and `.txt` below them. A Jekyll site root
//! (with `_posts/`) contributes `_posts/`, `_drafts/` and `_pages/`, and its own Markdown
//! files that open with front matter (`about.md`), as pages (except `README`, `LICENSE`,
//! `CHANGELOG` and `index`); a Hugo site root (with a Hugo
//! config and `content/`) contributes `content/`. Hidden folders, `node_modules`,
//! `_site` and Hugo's `_index.md` section pages are skipped; symlinked folders are not
//! followed.

use std::{
    collections::{BTreeSet, HashMap},
    path::{Path, PathBuf},
};

/// Extensions imported from folders (compared without case).
pub const EXTENSIONS: [&str; 3] = ["md", "markdown", "txt"];

const SKIPPED_DIRS: [&str; 3] = ["node_modules", "_site", "vendor"];
const HUGO_CONFIGS: [&str; 6] = [
    "hugo.toml",
    "hugo.yaml",
    "hugo.json",
    "config.toml",
    "config.yaml",
    "config.json",
];

/// Files found, in a stable order, and arguments that could not be read.
#[derive(Debug, Default)]
pub struct Found {
    pub files: Vec<PathBuf>,
    /// `(path, reason)` for arguments that do not exist or folders that cannot be read.
    pub problems: Vec<(PathBuf, String)>,
    /// The files that are pages by their place in a Jekyll site (its root's own files).
    pub pages: BTreeSet<PathBuf>,
    /// Each file's site root, against which its `/…` image paths are resolved: the
    /// folder named on the command line, or for a named file the nearest folder above it
    /// that is a Jekyll or Hugo site (else its own folder).
    pub roots: HashMap<PathBuf, PathBuf>,
}

/// Root files of a Jekyll site that are no pages, by name without extension.
const NOT_PAGES: [&str; 4] = ["readme", "license", "changelog", "index"];

/// The Markdown files directly in a Jekyll site root that open with front matter: its
/// pages (About, Now), as Jekyll renders them.
fn jekyll_root_pages(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
        let markdown = name.ends_with(".md") || name.ends_with(".markdown");
        if !markdown || name.starts_with('.') || NOT_PAGES.contains(&stem) || !path.is_file() {
            continue;
        }
        let opens_with_front_matter = std::fs::read(&path)
            .map(|b| {
                b.strip_prefix(b"\xef\xbb\xbf")
                    .unwrap_or(&b)
                    .starts_with(b"---")
            })
            .unwrap_or(false);
        if opens_with_front_matter {
            out.push(path);
        }
    }
    out
}

/// Finds the files to import under `paths`; see the module docs.
pub fn discover(paths: &[PathBuf]) -> Found {
    let mut files = BTreeSet::new();
    let mut found = Found::default();
    for path in paths {
        match std::fs::metadata(path) {
            Err(e) => found
                .problems
                .push((path.clone(), format!("cannot read it: {e}"))),
            Ok(m) if m.is_file() => {
                files.insert(path.clone());
                found
                    .roots
                    .entry(path.clone())
                    .or_insert_with(|| site_of_file(path));
            }
            Ok(_) => {
                let mut here = BTreeSet::new();
                for root in site_roots(path) {
                    walk(&root, &mut here, &mut found.problems);
                }
                if path.join("_posts").is_dir() {
                    for page in jekyll_root_pages(path) {
                        here.insert(page.clone());
                        found.pages.insert(page);
                    }
                }
                for file in here {
                    found
                        .roots
                        .entry(file.clone())
                        .or_insert_with(|| path.clone());
                    files.insert(file);
                }
            }
        }
    }
    found.files = files.into_iter().collect();
    found
}

/// Whether `dir` is the root of a Jekyll or Hugo site.
fn is_site(dir: &Path) -> bool {
    dir.join("_posts").is_dir()
        || (dir.join("content").is_dir() && HUGO_CONFIGS.iter().any(|c| dir.join(c).is_file()))
}

/// The site a file named on the command line belongs to (see [`Found::roots`]).
fn site_of_file(file: &Path) -> PathBuf {
    let own = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    own.ancestors()
        .take(6)
        .find(|d| !d.as_os_str().is_empty() && is_site(d))
        .map_or(own.clone(), Path::to_path_buf)
}

/// The folders of `dir` that hold posts.
fn site_roots(dir: &Path) -> Vec<PathBuf> {
    let posts = dir.join("_posts");
    if posts.is_dir() {
        let more = ["_drafts", "_pages"].map(|d| dir.join(d));
        return std::iter::once(posts)
            .chain(more.into_iter().filter(|d| d.is_dir()))
            .collect();
    }
    let content = dir.join("content");
    if content.is_dir() && HUGO_CONFIGS.iter().any(|c| dir.join(c).is_file()) {
        return vec![content];
    }
    vec![dir.to_path_buf()]
}

fn walk(dir: &Path, files: &mut BTreeSet<PathBuf>, problems: &mut Vec<(PathBuf, String)>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            problems.push((dir.to_path_buf(), format!("cannot read the folder: {e}")));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) {
                walk(&path, files, problems);
            }
        } else if (kind.is_file() || (kind.is_symlink() && path.is_file())) && wanted(&name) {
            files.insert(path);
        }
    }
}

fn wanted(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower != "_index.md"
        && lower
            .rsplit_once('.')
            .is_some_and(|(_, ext)| EXTENSIONS.contains(&ext))
}

/// How a file is known in the database and the summary: its path as found, with `/`
/// separators and without a leading `./`.
pub fn source_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp() -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("quire-discover-{}", uuid::Uuid::new_v4().simple()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn touch(dir: &Path, rel: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "x").unwrap();
    }

    fn names(found: &Found, root: &Path) -> Vec<String> {
        found
            .files
            .iter()
            .map(|f| source_path(f.strip_prefix(root).unwrap()))
            .collect()
    }

    #[test]
    fn folders_are_walked_with_the_wanted_extensions() {
        let d = temp();
        for f in [
            "a.md",
            "b.MARKDOWN",
            "sub/deeper/c.txt",
            "d.html",
            ".git/e.md",
            "node_modules/f.md",
            "img.png",
        ] {
            touch(&d, f);
        }
        let found = discover(std::slice::from_ref(&d));
        assert_eq!(
            names(&found, &d),
            ["a.md", "b.MARKDOWN", "sub/deeper/c.txt"]
        );
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn jekyll_and_hugo_site_roots() {
        let jekyll = temp();
        for f in [
            "_posts/2021-01-01-a.md",
            "_drafts/b.md",
            "README.md",
            "_site/x.md",
        ] {
            touch(&jekyll, f);
        }
        assert_eq!(
            names(&discover(std::slice::from_ref(&jekyll)), &jekyll),
            ["_drafts/b.md", "_posts/2021-01-01-a.md"]
        );
        let hugo = temp();
        for f in [
            "hugo.toml",
            "content/posts/a.md",
            "content/posts/_index.md",
            "themes/t/README.md",
        ] {
            touch(&hugo, f);
        }
        assert_eq!(
            names(&discover(std::slice::from_ref(&hugo)), &hugo),
            ["content/posts/a.md"]
        );
        std::fs::remove_dir_all(jekyll).unwrap();
        std::fs::remove_dir_all(hugo).unwrap();
    }

    #[test]
    fn each_file_knows_its_site_root() {
        let d = temp();
        for f in ["blog/_posts/2021-01-01-a.md", "blog/about.md", "loose/b.md"] {
            touch(&d, f);
        }
        std::fs::write(d.join("blog/about.md"), "---\ntitle: About\n---\n").unwrap();
        let blog = d.join("blog");
        let found = discover(&[blog.clone(), d.join("loose/b.md")]);
        assert_eq!(found.roots[&blog.join("_posts/2021-01-01-a.md")], blog);
        assert_eq!(found.roots[&blog.join("about.md")], blog);
        assert_eq!(found.roots[&d.join("loose/b.md")], d.join("loose"));
        // A post named alone belongs to the site above it.
        let alone = discover(&[blog.join("_posts/2021-01-01-a.md")]);
        assert_eq!(alone.roots[&blog.join("_posts/2021-01-01-a.md")], blog);
        std::fs::remove_dir_all(d).unwrap();
    }

    #[test]
    fn named_files_are_taken_and_missing_paths_reported() {
        let d = temp();
        touch(&d, "notes.html");
        let found = discover(&[d.join("notes.html"), d.join("missing.md")]);
        assert_eq!(found.files, [d.join("notes.html")]);
        assert_eq!(found.problems.len(), 1);
        assert_eq!(source_path(Path::new("./a/./b.md")), "a/./b.md");
        std::fs::remove_dir_all(d).unwrap();
    }
}
