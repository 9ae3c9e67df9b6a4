//! What the browser test gives quire before the first build, besides the demo blog: a
//! cover image for one demo post, and enough posts in one tag, one category and one
//! author (Hangul slugs all) for their pages to need three numbered pages.

use std::path::{Path, PathBuf};

/// The tag, category and author (by slug) of the [`paged_posts`].
pub const PAGED_TAG: &str = "쪽-나누기";
pub const PAGED_CATEGORY: &str = "기록";
pub const PAGED_AUTHOR: &str = "박서연";
/// How many: three pages at the blog's default five posts a page (5, 5, 1).
pub const PAGED_POSTS: usize = 11;

/// A 1600×900 PNG (a blue gradient), the size of a cover image.
pub fn cover_png(dir: &Path) -> PathBuf {
    let img = image::RgbImage::from_fn(1600, 900, |x, y| {
        image::Rgb([(40 + x / 20) as u8, (90 + y / 10) as u8, 165])
    });
    let path = dir.join("표지.png");
    img.save(&path).unwrap();
    path
}

/// Writes [`PAGED_POSTS`] Markdown files for `quire import` into a new folder of `dir`:
/// "쪽 나누기 시험 글 01" to "… 11", a day apart in January 2020 (older than every demo
/// post, so the home page's first page stays the demo's), each by 박서연 in 기록 with the
/// tag 쪽 나누기. Newest first, their titles count down.
pub fn paged_posts(dir: &Path) -> PathBuf {
    let folder = dir.join("쪽-나누기");
    std::fs::create_dir_all(&folder).unwrap();
    for i in 1..=PAGED_POSTS {
        let markdown = format!(
            "---\ntitle: 쪽 나누기 시험 글 {i:02}\nauthors: [박서연]\ncategories: [기록]\n\
             tags: [쪽 나누기]\ndate: 2020-01-{i:02} 09:00:00 +0900\n---\n\n\
             여러 쪽에 걸친 목록을 시험하는 {i}번째 글입니다.\n"
        );
        std::fs::write(folder.join(format!("{i:02}.md")), markdown).unwrap();
    }
    folder
}
