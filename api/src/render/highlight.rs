//! Server-side syntax highlighting of fenced code blocks that name a language, as CSS
//! classes only (syntect's `ClassedHTMLGenerator`, every class prefixed `hl-`), never
//! inline styles: the frontend's stylesheet is the theme.
//!
//! The block keeps pulldown-cmark's own wrapper, `<pre><code class="language-rust">`;
//! only the text inside becomes `<span class="hl-…">` markup. A language syntect does
//! not know (or one that is not code, such as `mermaid`), a block without a language and
//! a block too large to highlight cheaply keep their plain, escaped text.
//!
//! syntect's bundled syntaxes are loaded once per process ([`LazyLock`]), so a bulk
//! import pays for them once; each syntax's regexes compile on first use.

use std::sync::LazyLock;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::{SyntaxReference, SyntaxSet};
use syntect::util::LinesWithEndings;

/// Prefix of every highlighting class (`hl-keyword`, `hl-string`, …).
pub const CLASS_PREFIX: &str = "hl-";

/// Fences that name a language but are not code to colour: diagrams, math, plain text.
/// They keep `language-…` so a frontend can find them.
const NOT_CODE: &[&str] = &[
    "mermaid",
    "math",
    "latex-math",
    "plantuml",
    "text",
    "txt",
    "plain",
    "plaintext",
];

/// Fence names blogs use that syntect knows by another name.
const ALIASES: &[(&str, &str)] = &[("shell", "bash"), ("golang", "go")];

/// Blocks larger than this are left plain: highlighting cost grows with the text, and
/// a post is rendered on every write.
const MAX_BLOCK_BYTES: usize = 64 * 1024;

/// Lines longer than this (minified code, data) are where regex grammars get slow.
const MAX_LINE_BYTES: usize = 4 * 1024;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);

/// The language of a fence's info string as pulldown-cmark puts it in the class
/// (`rust` of `rust ignore`), then the part syntect can look up (`rust` of `rust,ignore`).
fn lookup_token(info: &str) -> &str {
    let lang = info.split(' ').next().unwrap_or_default();
    lang.split(',').next().unwrap_or_default().trim()
}

fn syntax_for(info: &str) -> Option<&'static SyntaxReference> {
    let token = lookup_token(info);
    if token.is_empty() || NOT_CODE.iter().any(|n| n.eq_ignore_ascii_case(token)) {
        return None;
    }
    let token = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(token))
        .map_or(token, |(_, name)| name);
    let set = &*SYNTAXES;
    set.find_syntax_by_token(token)
        .filter(|s| s.name != set.find_syntax_plain_text().name)
}

/// `code` as highlighted HTML (spans with `hl-` classes, text escaped), or `None` when
/// the language is unknown, not code, or the block too large.
pub fn highlight(info: &str, code: &str) -> Option<String> {
    if code.len() > MAX_BLOCK_BYTES || code.lines().any(|l| l.len() > MAX_LINE_BYTES) {
        return None;
    }
    let syntax = syntax_for(info)?;
    let mut generator = ClassedHTMLGenerator::new_with_class_style(
        syntax,
        &SYNTAXES,
        ClassStyle::SpacedPrefixed {
            prefix: CLASS_PREFIX,
        },
    );
    for line in LinesWithEndings::from(code) {
        generator
            .parse_html_for_line_which_includes_newline(line)
            .ok()?;
    }
    Some(generator.finalize())
}

/// Replaces the text of each fenced block that names a known language with its
/// highlighted HTML; every other event is passed through unchanged.
pub fn highlight_code_blocks(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    let mut out = Vec::with_capacity(events.len());
    let mut block: Option<(CowStr<'_>, Vec<Event<'_>>)> = None;
    for event in events {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) if !info.is_empty() => {
                out.push(Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(
                    info.clone(),
                ))));
                block = Some((info, Vec::new()));
            }
            Event::End(TagEnd::CodeBlock) if block.is_some() => {
                if let Some((info, inner)) = block.take() {
                    out.extend(highlight_block(&info, inner));
                }
                out.push(Event::End(TagEnd::CodeBlock));
            }
            other => match block.as_mut() {
                Some((_, inner)) => inner.push(other),
                None => out.push(other),
            },
        }
    }
    out
}

/// The events inside one block: one HTML event when it highlights, else as they were.
fn highlight_block<'a>(info: &str, inner: Vec<Event<'a>>) -> Vec<Event<'a>> {
    let mut code = String::new();
    for event in &inner {
        match event {
            Event::Text(t) => code.push_str(t),
            // Only text is expected inside a code block; anything else stays as it was.
            _ => return inner,
        }
    }
    match highlight(info, &code) {
        Some(html) => vec![Event::Html(html.into())],
        None => inner,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_prefixed_classes_and_no_style() {
        let cases = [
            ("rust", "fn main() { let x = 1; }\n", "fn"),
            ("python", "def f(x):\n    return x\n", "def"),
            ("bash", "echo \"hi\" | grep h\n", "echo"),
            ("sh", "if [ -f a ]; then echo a; fi\n", "then"),
            ("py", "import os\n", "import"),
            ("rust,ignore", "let a = 2;\n", "let"),
            ("JavaScript", "const a = 1;\n", "const"),
            ("shell", "ls -la | wc -l\n", "ls"),
            ("go", "func main() {}\n", "func"),
        ];
        for (lang, code, word) in cases {
            let html = highlight(lang, code).unwrap_or_else(|| panic!("{lang} not highlighted"));
            assert!(html.contains(r#"<span class="hl-"#), "{lang}: {html}");
            assert!(html.contains(word), "{lang}: {html}");
            assert!(!html.contains("style"), "{lang}: {html}");
            for class in html
                .split("class=\"")
                .skip(1)
                .filter_map(|s| s.split('"').next())
            {
                for c in class.split_whitespace() {
                    assert!(c.starts_with(CLASS_PREFIX), "{lang}: class {c} in {html}");
                }
            }
        }
    }

    #[test]
    fn unknown_or_non_code_languages_are_not_highlighted() {
        for lang in [
            "klingon", "toml", "mermaid", "Mermaid", "text", "txt", "math", "",
        ] {
            assert_eq!(highlight(lang, "graph TD; A-->B\n"), None, "{lang}");
        }
    }

    #[test]
    fn code_text_is_escaped() {
        let html = highlight("rust", "if a < b && c > d { \"<script>\" }\n").unwrap_or_default();
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert_eq!(html.matches("&amp;").count(), 2, "{html}");
    }

    #[test]
    fn huge_blocks_and_lines_stay_plain() {
        assert_eq!(highlight("rust", &"let a = 1;\n".repeat(10_000)), None);
        assert_eq!(highlight("rust", &format!("{}\n", "a".repeat(5_000))), None);
    }

    #[test]
    fn only_named_fences_change() {
        let md = "```\nplain\n```\n\n    indented\n\n```rust\nfn f() {}\n```\n";
        let parser = pulldown_cmark::Parser::new(md);
        let events = highlight_code_blocks(parser.collect());
        let html_events = events
            .iter()
            .filter(|e| matches!(e, Event::Html(_)))
            .count();
        assert_eq!(html_events, 1);
        let texts: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                Event::Text(t) => Some(t.as_ref()),
                _ => None,
            })
            .collect();
        assert_eq!(texts, ["plain\n", "indented\n"]);
    }
}
