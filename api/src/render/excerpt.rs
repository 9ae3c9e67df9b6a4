//! Plain-text excerpts cut on character boundaries.

/// The longest excerpt quire derives, ellipsis included.
pub const EXCERPT_MAX_CHARS: usize = 200;

/// Collapses every whitespace run to one space and trims.
pub fn collapse_whitespace(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Cuts `text` to at most [`EXCERPT_MAX_CHARS`] characters (never inside a character),
/// preferring a word boundary near the end and marking the cut with `…`.
pub fn truncate_excerpt(text: &str) -> String {
    if text.chars().count() <= EXCERPT_MAX_CHARS {
        return text.to_owned();
    }
    let keep: String = text.chars().take(EXCERPT_MAX_CHARS - 1).collect();
    let cut = match keep.rfind(' ') {
        Some(i) if keep[i..].chars().count() <= 30 => keep[..i].trim_end().to_owned(),
        _ => keep,
    };
    format!("{cut}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept() {
        assert_eq!(truncate_excerpt("짧은 글"), "짧은 글");
    }

    #[test]
    fn long_hangul_is_cut_on_a_character_boundary() {
        let text = "가".repeat(500);
        let cut = truncate_excerpt(&text);
        assert_eq!(cut.chars().count(), EXCERPT_MAX_CHARS);
        assert!(cut.ends_with('…'));
        assert!(cut.starts_with("가가"));
    }

    #[test]
    fn prefers_a_word_boundary() {
        let text = format!("{} 끝부분단어", "회고 ".repeat(70));
        let cut = truncate_excerpt(&text);
        assert!(cut.chars().count() <= EXCERPT_MAX_CHARS);
        assert!(cut.ends_with("회고…"), "{cut}");
    }
}
