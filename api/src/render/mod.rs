//! Markdown rendering: one entry point, [`render`], run when a post is written and
//! stored; reads never render. Sanitising is part of it, so no caller can forget it.

mod anchor;
mod excerpt;
mod kramdown;
mod plain;
mod reading;
mod sanitize;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

pub use excerpt::{EXCERPT_MAX_CHARS, truncate_excerpt};
pub use plain::plain_text;
pub use reading::ReadingStats;

/// One heading of a post, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub text: String,
    pub anchor: String,
}

/// Everything stored from one rendering.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    pub html: String,
    pub toc: Vec<TocEntry>,
    /// Plain text of the first paragraph, cut to [`EXCERPT_MAX_CHARS`].
    pub excerpt: String,
    pub reading_time_minutes: i32,
    pub word_count: i32,
}

fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders Markdown to sanitised HTML with heading anchors, a TOC, an excerpt and
/// reading statistics.
pub fn render(markdown: &str) -> Rendered {
    let source = kramdown::strip_residue(markdown);
    let mut events: Vec<Event<'_>> = Parser::new_ext(&source, options()).collect();

    let mut anchors = anchor::AnchorSet::default();
    let mut toc = Vec::new();
    let mut plain = String::new();
    let mut first_paragraph: Option<String> = None;
    let mut paragraph: Option<String> = None;
    let mut heading: Option<(usize, HeadingLevel, bool, String)> = None;
    let mut in_code_block = false;

    for i in 0..events.len() {
        match &events[i] {
            Event::Start(Tag::Heading { level, classes, .. }) => {
                let hidden = classes.iter().any(|c| c.as_ref() == kramdown::NO_TOC_CLASS);
                heading = Some((i, *level, hidden, String::new()));
            }
            Event::End(TagEnd::Heading(_)) => {
                if let Some((start, level, hidden, text)) = heading.take() {
                    let text = text.trim().to_owned();
                    let anchor = anchors.assign(&text);
                    if let Event::Start(Tag::Heading { id, classes, .. }) = &mut events[start] {
                        *id = Some(anchor.clone().into());
                        classes.retain(|c| c.as_ref() != kramdown::NO_TOC_CLASS);
                    }
                    if !hidden {
                        toc.push(TocEntry {
                            level: heading_level(level),
                            text,
                            anchor,
                        });
                    }
                }
                plain.push('\n');
            }
            Event::Start(Tag::Paragraph) => paragraph = Some(String::new()),
            Event::End(TagEnd::Paragraph) => {
                if let Some(p) = paragraph.take() {
                    let p = excerpt::collapse_whitespace(&p);
                    if first_paragraph.is_none() && !p.is_empty() {
                        first_paragraph = Some(p);
                    }
                }
                plain.push('\n');
            }
            Event::Start(Tag::CodeBlock(_)) => in_code_block = true,
            Event::End(TagEnd::CodeBlock) => in_code_block = false,
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, _, _, h)) = heading.as_mut() {
                    h.push_str(t);
                }
                if let Some(p) = paragraph.as_mut() {
                    p.push_str(t);
                }
                plain.push_str(t);
                if in_code_block {
                    plain.push('\n');
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if let Some(p) = paragraph.as_mut() {
                    p.push(' ');
                }
                plain.push(' ');
            }
            // A nested list starts inside its parent item: keep the words apart.
            Event::Start(Tag::List(_)) | Event::End(TagEnd::Item) => plain.push('\n'),
            _ => {}
        }
    }

    let mut raw_html = String::with_capacity(source.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut raw_html, events.into_iter());
    let html = sanitize::clean(&raw_html);

    let excerpt_source = first_paragraph.unwrap_or_else(|| excerpt::collapse_whitespace(&plain));
    let stats = reading::stats(&plain);
    Rendered {
        html,
        toc,
        excerpt: truncate_excerpt(&excerpt_source),
        reading_time_minutes: stats.minutes,
        word_count: stats.words,
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

#[cfg(test)]
mod tests;
