//! TeX math for posts that ask for it (`math: true` in front matter, as Chirpy does):
//! `$…$` and `$$…$$` become KaTeX-ready markup, so a frontend only adds KaTeX's
//! stylesheet and its auto-render script. Other posts never parse math, so `$5 and $10`
//! stays text.
//!
//! The markup keeps TeX's own delimiters inside a classed span, escaped as text:
//!
//! - inline: `<span class="math math-inline">\(x^2\)</span>`
//! - display: `<span class="math math-display">\[x^2\]</span>`
//!
//! KaTeX's auto-render finds `\(…\)` and `\[…\]` with its default delimiters and
//! renders in place (display mode for `\[…\]`); the classes let a frontend run it only on
//! these spans, or style them before the script runs.

use pulldown_cmark::{CowStr, Event};
use serde_json::{Map, Value};

/// Whether a post's front matter asks for math: `math: true` (a boolean, or the string
/// `"true"` some generators write).
pub fn wanted(front_matter: &Map<String, Value>) -> bool {
    match front_matter.get("math") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s.trim().eq_ignore_ascii_case("true"),
        _ => false,
    }
}

/// Escapes TeX for an HTML text node (`<`, `>`, `&`; quotes for good measure).
fn escape(tex: &str, out: &mut String) {
    for c in tex.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
}

/// The markup of one formula.
pub fn markup(tex: &str, display: bool) -> String {
    let (class, open, close) = if display {
        ("math math-display", r"\[", r"\]")
    } else {
        ("math math-inline", r"\(", r"\)")
    };
    let mut out = String::with_capacity(tex.len() + 48);
    out.push_str(r#"<span class=""#);
    out.push_str(class);
    out.push_str(r#"">"#);
    out.push_str(open);
    escape(tex, &mut out);
    out.push_str(close);
    out.push_str("</span>");
    out
}

/// Turns pulldown-cmark's math events into [`markup`]; every other event is unchanged.
pub fn markup_events(events: Vec<Event<'_>>) -> Vec<Event<'_>> {
    events
        .into_iter()
        .map(|e| match e {
            Event::InlineMath(tex) => Event::InlineHtml(CowStr::from(markup(&tex, false))),
            Event::DisplayMath(tex) => Event::InlineHtml(CowStr::from(markup(&tex, true))),
            other => other,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn front_matter_asks_for_math() {
        let cases = [
            (json!({"math": true}), true),
            (json!({"math": "true"}), true),
            (json!({"math": false}), false),
            (json!({"math": "no"}), false),
            (json!({"math": 1}), false),
            (json!({"mermaid": true}), false),
            (json!({}), false),
        ];
        for (fm, want) in cases {
            let map = fm.as_object().cloned().unwrap_or_default();
            assert_eq!(wanted(&map), want, "{fm}");
        }
    }

    #[test]
    fn markup_escapes_tex() {
        let cases = [
            (
                "a<b",
                false,
                r#"<span class="math math-inline">\(a&lt;b\)</span>"#,
            ),
            (
                r"x & y \\ z > 0",
                true,
                r#"<span class="math math-display">\[x &amp; y \\ z &gt; 0\]</span>"#,
            ),
            (
                r"</span><script>",
                false,
                r#"<span class="math math-inline">\(&lt;/span&gt;&lt;script&gt;\)</span>"#,
            ),
        ];
        for (tex, display, want) in cases {
            assert_eq!(markup(tex, display), want);
        }
    }
}
