//! Plain text (a `.txt` file without front matter or Markdown in it, such as a page
//! copied out of a browser) → Markdown that renders as the text looked: every line stays
//! a line, `•` bullets become list items nested by their indentation, and indentation
//! never turns a line into a code block.

/// Bullet characters that start a list item in plain text.
const BULLETS: [char; 5] = ['•', '◦', '▪', '‣', '●'];

/// True when `text` already uses Markdown: headings, fences, lists, block quotes, links
/// or emphasis. Such a `.txt` file is imported as Markdown.
pub fn looks_like_markdown(text: &str) -> bool {
    text.lines().any(|line| {
        let t = line.trim_start();
        let heading = t.starts_with('#') && t.trim_start_matches('#').starts_with(' ');
        let list = ["- ", "* ", "+ ", "> "].iter().any(|p| t.starts_with(p));
        let ordered = t
            .split_once(". ")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        heading
            || list
            || ordered
            || t.starts_with("```")
            || t.starts_with("~~~")
            || t.contains("](")
            || t.contains("**")
    })
}

/// Converts plain text to Markdown; see the module docs.
pub fn to_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    // Indentation (in columns) of each open list level.
    let mut levels: Vec<usize> = Vec::new();
    let mut previous = Previous::Blank;
    for line in text.lines() {
        let content = line.trim();
        if content.is_empty() {
            previous = Previous::Blank;
            continue;
        }
        let indent = indentation(line);
        match content.strip_prefix(BULLETS).map(str::trim_start) {
            Some(item) => {
                if previous != Previous::Bullet {
                    levels.clear();
                    start_block(&mut out);
                }
                while levels.last().is_some_and(|&l| l > indent) {
                    levels.pop();
                }
                if levels.last() != Some(&indent) {
                    levels.push(indent);
                }
                let depth = levels.len().saturating_sub(1);
                out.push_str(&"  ".repeat(depth));
                out.push_str("- ");
                escape_into(&mut out, item);
                out.push('\n');
                previous = Previous::Bullet;
            }
            None => {
                if previous == Previous::Text {
                    // A hard line break keeps the line structure inside a paragraph.
                    out.pop();
                    out.push_str("\\\n");
                } else {
                    start_block(&mut out);
                }
                escape_into(&mut out, content);
                out.push('\n');
                previous = Previous::Text;
            }
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Previous {
    Blank,
    Bullet,
    Text,
}

/// A blank line before a new paragraph or list, except at the very start.
fn start_block(out: &mut String) {
    if !out.is_empty() {
        out.push('\n');
    }
}

/// Leading whitespace in columns (a tab counts as four).
fn indentation(line: &str) -> usize {
    line.chars()
        .take_while(|c| c.is_whitespace())
        .map(|c| if c == '\t' { 4 } else { 1 })
        .sum()
}

/// Appends `text` so that Markdown shows it literally.
fn escape_into(out: &mut String, text: &str) {
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at_start = i == 0;
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '~' | '|'
        ) || (at_start && matches!(c, '#' | '-' | '+' | '=' | '!'));
        if special {
            out.push('\\');
        }
        out.push(c);
        // `1. text` / `1) text` at the start would be an ordered list.
        if at_start && c.is_ascii_digit() {
            while let Some(&(_, d)) = chars.peek() {
                if !d.is_ascii_digit() {
                    break;
                }
                out.push(d);
                chars.next();
            }
            if let Some(&(_, p)) = chars.peek()
                && matches!(p, '.' | ')')
            {
                out.push('\\');
                out.push(p);
                chars.next();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::render;

    #[test]
    fn bullets_nest_by_indentation_and_never_become_code() {
        let text = "활동 내용\n\n  • 개발 환경\n    • 공동 템플릿 제작\n        • 아주 깊은 줄\n    • 셸 스크립트\n  • 배포\n\n끝맺음\n";
        let md = to_markdown(text);
        assert_eq!(
            md,
            "활동 내용\n\n- 개발 환경\n  - 공동 템플릿 제작\n    - 아주 깊은 줄\n  - 셸 스크립트\n- 배포\n\n끝맺음\n"
        );
        let html = render(&md).html;
        assert!(
            !html.contains("<pre>") && !html.contains("<code>"),
            "{html}"
        );
        assert_eq!(html.matches("<ul>").count(), 3, "{html}");
        assert!(html.contains("<li>아주 깊은 줄</li>"), "{html}");
    }

    #[test]
    fn lines_stay_lines_and_indented_text_is_not_code() {
        let md = to_markdown("첫 줄\n둘째 줄\n        들여 쓴 셋째 줄\n\n새 문단\n");
        assert_eq!(md, "첫 줄\\\n둘째 줄\\\n들여 쓴 셋째 줄\n\n새 문단\n");
        let html = render(&md).html;
        assert!(html.contains("첫 줄<br>\n둘째 줄<br>"), "{html}");
        assert!(!html.contains("<pre>"), "{html}");
    }

    #[test]
    fn markdown_characters_are_shown_literally() {
        let md = to_markdown("# not a heading\n1. not a list\n[Wrap-Up] <b>x</b> a_b*c*\n- dash\n");
        let html = render(&md).html;
        assert!(html.contains("# not a heading"), "{html}");
        assert!(html.contains("1. not a list"), "{html}");
        assert!(
            html.contains("[Wrap-Up] &lt;b&gt;x&lt;/b&gt; a_b*c*"),
            "{html}"
        );
        assert!(html.contains("- dash"), "{html}");
        assert!(
            !html.contains("<h1") && !html.contains("<ol>") && !html.contains("<ul>"),
            "{html}"
        );
    }

    #[test]
    fn markdown_is_recognised() {
        assert!(looks_like_markdown("# 제목\n본문"));
        assert!(looks_like_markdown("본문\n- 항목"));
        assert!(looks_like_markdown("see [the docs](https://example.com)"));
        assert!(!looks_like_markdown(
            "Home 제목\nPost\n\n  • 항목\n    • 하위"
        ));
        assert!(looks_like_markdown("1. 항목"));
    }
}
