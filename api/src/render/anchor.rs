//! Heading text → anchor, unique within one document.

use std::collections::HashSet;

use crate::slug::slugify;

#[derive(Default)]
pub struct AnchorSet {
    used: HashSet<String>,
}

impl AnchorSet {
    /// The slug of `text`, suffixed `-1`, `-2`, … when already used; `section` when the
    /// text has nothing sluggable.
    pub fn assign(&mut self, text: &str) -> String {
        let mut base = slugify(text);
        if base.is_empty() {
            base = "section".to_owned();
        }
        let mut candidate = base.clone();
        let mut n = 1;
        while self.used.contains(&candidate) {
            candidate = format!("{base}-{n}");
            n += 1;
        }
        self.used.insert(candidate.clone());
        candidate
    }
}
