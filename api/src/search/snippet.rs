//! Highlighted snippets: html-escaped text with `<mark>` around the tokens a query
//! matched, cut to a window around the first match.

use std::collections::HashSet;

use super::tokenize::tokens;

/// Characters of context shown before the first match.
const LEAD_CHARS: usize = 40;

/// Escapes the five characters that matter in HTML text and attributes.
pub fn escape_html(text: &str, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
}

/// Byte ranges of `text` covered by tokens in `wanted`, merged where they touch.
fn marked_spans(text: &str, wanted: &HashSet<&str>) -> Vec<(usize, usize)> {
    let mut spans: Vec<(usize, usize)> = tokens(text)
        .into_iter()
        .filter(|t| wanted.contains(t.text.as_str()))
        .map(|t| (t.start, t.end))
        .collect();
    spans.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
    for (s, e) in spans {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// The byte offset `n` characters before `at` (or 0).
fn back_chars(text: &str, at: usize, n: usize) -> usize {
    text[..at]
        .char_indices()
        .rev()
        .nth(n.saturating_sub(1))
        .map_or(0, |(i, _)| i)
}

/// The byte offset `n` characters after `from` (or the end).
fn forward_chars(text: &str, from: usize, n: usize) -> usize {
    text[from..]
        .char_indices()
        .nth(n)
        .map_or(text.len(), |(i, _)| from + i)
}

/// A snippet of at most about `max_chars` characters of `text` (a [`super::normalize`]d,
/// whitespace-collapsed string) around its first token in `wanted`; `None` when no
/// token of `text` is wanted.
pub fn snippet(text: &str, wanted: &HashSet<&str>, max_chars: usize) -> Option<String> {
    let spans = marked_spans(text, wanted);
    let first = spans.first()?;
    let mut start = back_chars(text, first.0, LEAD_CHARS);
    if let Some(space) = text[start..first.0].find(' ').filter(|_| start > 0) {
        start += space + 1;
    }
    let end = forward_chars(text, start, max_chars);
    let mut out = String::with_capacity((end - start) * 2);
    if start > 0 {
        out.push('…');
    }
    let mut pos = start;
    for &(s, e) in spans.iter().filter(|(s, _)| *s < end) {
        let e = e.min(end);
        escape_html(&text[pos..s], &mut out);
        out.push_str("<mark>");
        escape_html(&text[s..e], &mut out);
        out.push_str("</mark>");
        pos = e;
    }
    escape_html(&text[pos..end], &mut out);
    if end < text.len() {
        out.push('…');
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set<'a>(v: &[&'a str]) -> HashSet<&'a str> {
        v.iter().copied().collect()
    }

    #[test]
    fn marks_the_matched_syllables_inside_words() {
        assert_eq!(
            snippet("2021년 회고록", &set(&["회고"]), 100).unwrap(),
            "2021년 <mark>회고</mark>록"
        );
        assert_eq!(
            snippet("엔지니어로 일하기", &set(&["엔지", "지니", "니어"]), 100).unwrap(),
            "<mark>엔지니어</mark>로 일하기"
        );
        assert_eq!(
            snippet("I like Docker.", &set(&["docker"]), 100).unwrap(),
            "I like <mark>Docker</mark>."
        );
        assert_eq!(snippet("nothing here", &set(&["docker"]), 100), None);
    }

    #[test]
    fn escapes_everything_else() {
        assert_eq!(
            snippet(
                "<script>alert('x')</script> & docker",
                &set(&["docker"]),
                100
            )
            .unwrap(),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; <mark>docker</mark>"
        );
        assert_eq!(
            snippet("a <script> tag", &set(&["script"]), 100).unwrap(),
            "a &lt;<mark>script</mark>&gt; tag"
        );
    }

    #[test]
    fn cuts_a_window_around_the_first_match() {
        let text = format!("{} 도커를 배웠다 {}", "앞 ".repeat(100), "뒤 ".repeat(100));
        let s = snippet(&text, &set(&["도커"]), 60).unwrap();
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert!(s.contains("<mark>도커</mark>를"), "{s}");
        assert!(s.chars().count() < 100, "{s}");
    }
}
