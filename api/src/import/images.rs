//! The images a post's Markdown shows, and where each one's path is written, so an
//! import can bring the files in and put their library paths in place of the old ones:
//! Markdown images (`![alt](path)`, and the definitions `[id]: path` that images use),
//! `<img src="path">` in raw HTML, and Hugo's `{{< figure src="path" >}}`. pulldown-cmark
//! decides what is an image, so code blocks and code spans are never touched. Pure:
//! text in, positions out.

use std::ops::Range;

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag, TagEnd};

/// One image path as written in the Markdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImageRef {
    /// The path or URL exactly as written (without `<…>` around it).
    pub target: String,
    /// Its byte range in the Markdown.
    pub range: Range<usize>,
}

/// Every image path in `markdown`, in the order they are written.
pub fn find(markdown: &str) -> Vec<ImageRef> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut parser = Parser::new_ext(markdown, options).into_offset_iter();
    let mut found = Vec::new();
    let mut by_reference = Vec::new();
    let mut code: Vec<Range<usize>> = Vec::new();
    let mut code_start = None;
    for (event, range) in parser.by_ref() {
        match event {
            Event::Start(Tag::Image {
                link_type,
                dest_url,
                ..
            }) => match link_type {
                LinkType::Inline => found.extend(inline_target(markdown, range, &dest_url)),
                LinkType::Reference | LinkType::Collapsed | LinkType::Shortcut => {
                    by_reference.push(dest_url.to_string());
                }
                _ => {}
            },
            Event::Html(_) | Event::InlineHtml(_) => {
                found.extend(html_sources(markdown, range));
            }
            Event::Start(Tag::CodeBlock(_)) => code_start = Some(range.start),
            Event::End(TagEnd::CodeBlock) => {
                code.extend(code_start.take().map(|s| s..range.end));
            }
            Event::Code(_) => code.push(range),
            _ => {}
        }
    }
    for (_, def) in parser.reference_definitions().iter() {
        if by_reference.iter().any(|d| *d == *def.dest) {
            found.extend(target_after(markdown, def.span.clone(), "]:", &def.dest));
        }
    }
    found.extend(
        shortcodes(markdown)
            .into_iter()
            .filter(|r| !code.iter().any(|c| c.contains(&r.range.start))),
    );
    found.sort_by_key(|r| r.range.start);
    found.dedup_by_key(|r| r.range.start);
    found
}

/// `markdown` with each reference that `new` maps (by its target) written anew.
pub fn replace(markdown: &str, refs: &[ImageRef], new: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::with_capacity(markdown.len() + 64 * refs.len());
    let mut copied = 0;
    for r in refs {
        let Some(replacement) = new(&r.target) else {
            continue;
        };
        out.push_str(&markdown[copied..r.range.start]);
        out.push_str(&replacement);
        copied = r.range.end;
    }
    out.push_str(&markdown[copied..]);
    out
}

/// The 1-based line of byte `at` in `text`.
pub fn line_of(text: &str, at: usize) -> usize {
    text.as_bytes()[..at.min(text.len())]
        .iter()
        .filter(|b| **b == b'\n')
        .count()
        + 1
}

/// The destination of an inline image: after its last `](`.
fn inline_target(markdown: &str, range: Range<usize>, dest: &str) -> Option<ImageRef> {
    let slice = &markdown[range.clone()];
    let open = slice.rfind("](")?;
    target_after(markdown, range.start + open..range.end, "](", dest)
}

/// `dest` where it starts after `marker` in `span`, past blanks and an optional `<`.
fn target_after(markdown: &str, span: Range<usize>, marker: &str, dest: &str) -> Option<ImageRef> {
    if dest.is_empty() {
        return None;
    }
    let slice = markdown.get(span.clone())?;
    let after = slice.find(marker)? + marker.len();
    let rest = &slice[after..];
    let skipped = rest.len() - rest.trim_start().len();
    let mut at = after + skipped;
    if slice[at..].starts_with('<') {
        at += 1;
    }
    slice[at..].starts_with(dest).then(|| ImageRef {
        target: dest.to_owned(),
        range: span.start + at..span.start + at + dest.len(),
    })
}

/// The `src` of each `<img>` tag in a piece of raw HTML.
fn html_sources(markdown: &str, range: Range<usize>) -> Vec<ImageRef> {
    let slice = &markdown[range.clone()];
    let lower = slice.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("<img").map(|i| i + from) {
        let end = lower[start..].find('>').map_or(lower.len(), |i| i + start);
        found.extend(
            attribute(slice, &lower, start..end, "src").map(|r| ImageRef {
                target: slice[r.clone()].to_owned(),
                range: range.start + r.start..range.start + r.end,
            }),
        );
        from = end;
    }
    found
}

/// Hugo's `figure` shortcodes (`{{< figure src="…" >}}`, `{{% figure … %}}`).
fn shortcodes(markdown: &str) -> Vec<ImageRef> {
    let lower = markdown.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = lower[from..].find("{{").map(|i| i + from) {
        let end = lower[start..].find("}}").map_or(lower.len(), |i| i + start);
        let inner = lower[start + 2..end].trim_start_matches(['<', '%', ' ']);
        if inner.starts_with("figure ") {
            found.extend(
                attribute(markdown, &lower, start..end, "src").map(|r| ImageRef {
                    target: markdown[r.clone()].to_owned(),
                    range: r,
                }),
            );
        }
        from = end;
    }
    found
}

/// The byte range of attribute `name`'s value in `text[tag]` (quoted or not); `lower`
/// is `text` in ASCII lower case.
fn attribute(text: &str, lower: &str, tag: Range<usize>, name: &str) -> Option<Range<usize>> {
    let mut from = tag.start;
    while let Some(at) = lower[from..tag.end].find(name).map(|i| i + from) {
        from = at + name.len();
        let before = lower[..at].chars().next_back();
        if !before.is_some_and(char::is_whitespace) {
            continue;
        }
        let rest = lower[from..tag.end].trim_start();
        let Some(value) = rest.strip_prefix('=') else {
            continue;
        };
        let value = value.trim_start();
        let start = tag.end - value.len();
        let (start, end) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => {
                let len = value[1..].find(q)?;
                (start + 1, start + 1 + len)
            }
            Some(_) => {
                let len = value
                    .find(|c: char| c.is_whitespace() || c == '>')
                    .unwrap_or(value.len());
                (start, start + len)
            }
            None => return None,
        };
        return (end > start && text.is_char_boundary(start) && text.is_char_boundary(end))
            .then_some(start..end);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn targets(md: &str) -> Vec<String> {
        let refs = find(md);
        for r in &refs {
            assert_eq!(md[r.range.clone()], r.target, "range of {r:?}");
        }
        refs.into_iter().map(|r| r.target).collect()
    }

    #[test]
    fn markdown_html_and_shortcode_images_are_found() {
        let md = "# 제목\n\n![강](사진/한강.jpg \"제목\") and ![x](<my photo.png>)\n\n\
                  <p><IMG alt=\"a\" SRC='/assets/b.png'></p>\n\n\
                  ![ref][logo] [a link](not-an-image.png)\n\n\
                  {{< figure src=\"cover.jpg\" title=\"t\" >}}\n\n\
                  [logo]: ./logo.svg\n";
        assert_eq!(
            targets(md),
            [
                "사진/한강.jpg",
                "my photo.png",
                "/assets/b.png",
                "cover.jpg",
                "./logo.svg"
            ]
        );
    }

    #[test]
    fn code_is_left_alone() {
        let md = "```\n![a](in-fence.png)\n{{< figure src=\"f.png\" >}}\n```\n\n\
                  `![b](in-span.png)` ![c](real.png)\n";
        assert_eq!(targets(md), ["real.png"]);
    }

    #[test]
    fn replacing_keeps_everything_else() {
        let md = "앞 ![a](x.png) 중간 <img src=\"y.png\"> 뒤 ![b](x.png)\n";
        let refs = find(md);
        let out = replace(md, &refs, |t| {
            (t == "x.png").then(|| "/media/h/x.png".into())
        });
        assert_eq!(
            out,
            "앞 ![a](/media/h/x.png) 중간 <img src=\"y.png\"> 뒤 ![b](/media/h/x.png)\n"
        );
        assert_eq!(line_of("a\nb\nc", 2), 2);
        assert_eq!(line_of("a\nb\nc", 0), 1);
    }
}
