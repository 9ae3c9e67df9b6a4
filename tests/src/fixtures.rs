//! A blog in every format issue 4 names, written for these tests (`tests/fixtures/blog`)
//! and copied into a temporary folder, plus the files that cannot be committed as text:
//! a CP949-encoded post, a BOM + CRLF post, a binary file and a Latin-1 file.

use std::path::{Path, PathBuf};

/// Files that import cleanly.
pub const GOOD_FILES: usize = 11;
/// Files that fail, each for its own reason.
pub const BROKEN_FILES: usize = 6;

/// A copy of the fixture blog; deleted when dropped.
pub struct FixtureBlog {
    pub root: PathBuf,
}

impl Drop for FixtureBlog {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

impl FixtureBlog {
    /// A fresh copy in the temporary folder.
    pub fn new() -> Self {
        let root =
            std::env::temp_dir().join(format!("quire-blog-{}", uuid::Uuid::new_v4().simple()));
        copy_dir(
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/blog")),
            &root,
        );
        let (cp949, _, unmappable) = encoding_rs::EUC_KR.encode(
            "---\ntitle: 옛 블로그에서 옮긴 글\ndate: 2009-03-01 21:00:00 +0900\ntags: [옛글]\n---\n똠방각하와 뷁이 들어간 오래된 글입니다.\n",
        );
        assert!(!unmappable);
        std::fs::create_dir_all(root.join("legacy")).unwrap();
        std::fs::write(root.join("legacy/old-post.md"), &cp949).unwrap();
        std::fs::create_dir_all(root.join("windows")).unwrap();
        std::fs::write(
            root.join("windows/bom-crlf.md"),
            "\u{feff}---\r\ntitle: Written in Notepad\r\ndate: 2020-02-02T08:00:00-05:00\r\ntags: windows, notepad\r\n---\r\nFirst line.\r\n\r\nSecond paragraph.\r\n",
        )
        .unwrap();
        std::fs::write(
            root.join("broken/binary.md"),
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x10",
        )
        .unwrap();
        std::fs::write(
            root.join("broken/latin1.txt"),
            b"Caf\xe9 cr\xe8me \xff\xfe\n",
        )
        .unwrap();
        Self { root }
    }

    /// Every folder but `broken/`.
    pub fn good_dirs(&self) -> Vec<PathBuf> {
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&self.root)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_dir() && !p.ends_with("broken"))
            .collect();
        dirs.sort();
        dirs
    }

    pub fn path(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

impl Default for FixtureBlog {
    fn default() -> Self {
        Self::new()
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
