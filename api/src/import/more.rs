//! Hugo's summary divider: the text before `<!--more-->` is the post's excerpt. The
//! marker stays in the Markdown (the sanitiser drops HTML comments from the html), so an
//! export writes it back and a re-import finds the same excerpt.

use pulldown_cmark::{Event, Parser, TagEnd};

/// The plain text before the first `<!--more-->` (spaces inside the comment allowed),
/// or `None` when there is no marker or nothing before it.
pub fn summary_before_more(markdown: &str) -> Option<String> {
    let at = marker_position(markdown)?;
    let text = plain_text(&markdown[..at]);
    (!text.is_empty()).then_some(text)
}

fn marker_position(markdown: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(i) = markdown[from..].find("<!--") {
        let start = from + i;
        let rest = &markdown[start + 4..];
        let end = rest.find("-->")?;
        if rest[..end].trim() == "more" {
            return Some(start);
        }
        from = start + 4 + end + 3;
    }
    None
}

/// Markdown → its text, blocks separated by one space.
fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::Item | TagEnd::CodeBlock,
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_before_the_marker() {
        let md =
            "First *paragraph* with `code`.\n\nSecond line.\n<!--more-->\n\nRest of the post.\n";
        assert_eq!(
            summary_before_more(md).as_deref(),
            Some("First paragraph with code. Second line.")
        );
        assert_eq!(
            summary_before_more("짧은 요약 <!-- more --> 나머지").as_deref(),
            Some("짧은 요약")
        );
    }

    #[test]
    fn no_marker_or_nothing_before_it() {
        assert_eq!(summary_before_more("no marker <!-- other --> here"), None);
        assert_eq!(summary_before_more("<!--more-->\nbody"), None);
        assert_eq!(summary_before_more("<!-- unterminated"), None);
    }
}
