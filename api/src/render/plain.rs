//! The plain text of a post's Markdown, for the search index: the words a reader sees
//! (code included, raw HTML and link targets not), whitespace collapsed.

use pulldown_cmark::{Event, Parser, TagEnd};

use super::{excerpt::collapse_whitespace, kramdown, options};

/// Inline ends must not add a space: `**퇴사**를` is one word.
fn inline(end: TagEnd) -> bool {
    matches!(
        end,
        TagEnd::Emphasis
            | TagEnd::Strong
            | TagEnd::Strikethrough
            | TagEnd::Superscript
            | TagEnd::Subscript
            | TagEnd::Link
            | TagEnd::Image
    )
}

/// Text of `markdown` as a reader sees it, one space between blocks and words.
pub fn plain_text(markdown: &str) -> String {
    let source = kramdown::strip_residue(markdown);
    let mut text = String::with_capacity(source.len());
    for event in Parser::new_ext(&source, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => text.push_str(&t),
            Event::End(end) if !inline(end) => text.push(' '),
            // A nested list starts inside its parent item: keep the words apart.
            Event::Start(tag) if !inline(tag.to_end()) => text.push(' '),
            Event::SoftBreak | Event::HardBreak | Event::Rule => text.push(' '),
            _ => {}
        }
    }
    collapse_whitespace(&text)
}

/// Plain text as HTML: `&`, `<`, `>`, `"` and `'` escaped (pulldown-cmark's escaping),
/// for frontends that put a plain-text field into HTML as it is.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Writing to a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn keeps_what_a_reader_sees() {
        let md = "# 제목\n\n첫 **퇴사**를 하며\n\n- `<script>` 태그\n- [링크](http://x.example)\n\n<div>raw</div>\n";
        assert_eq!(plain_text(md), "제목 첫 퇴사를 하며 <script> 태그 링크");
    }

    #[test]
    fn nested_list_items_stay_separate_words() {
        assert_eq!(
            plain_text("- 인프라 구축\n  - 협업 템플릿\n"),
            "인프라 구축 협업 템플릿"
        );
    }
}
