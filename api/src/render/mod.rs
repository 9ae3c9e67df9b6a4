//! Markdown rendering: one entry point, [`render_with`] (and [`render`] for a post
//! without options), run when a post is written and stored; reads never render.
//! Sanitising is part of it, so no caller can forget it.

mod anchor;
mod excerpt;
mod highlight;
mod kramdown;
mod math;
mod plain;
mod reading;
mod sanitize;

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Serialize};

pub use excerpt::{EXCERPT_MAX_CHARS, truncate_excerpt};
pub use plain::{escape_html, plain_text};
pub use reading::ReadingStats;
pub use sanitize::clean_resolving;

/// One heading of a post, for a table of contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TocEntry {
    pub level: u8,
    pub text: String,
    pub anchor: String,
}

/// What a post asks of its rendering, from its front matter.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RenderOptions {
    /// `$…$` and `$$…$$` are TeX math (see `math.rs`); without it, `$` is text.
    pub math: bool,
}

impl RenderOptions {
    /// The options a post's front matter asks for (`math: true`).
    pub fn from_front_matter(front_matter: &serde_json::Map<String, serde_json::Value>) -> Self {
        Self {
            math: math::wanted(front_matter),
        }
    }
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

/// [`render_with`] the default options (no math).
pub fn render(markdown: &str) -> Rendered {
    render_with(markdown, &RenderOptions::default())
}

/// Renders Markdown to sanitised HTML with heading anchors, a TOC, an excerpt and
/// reading statistics; fenced code that names a language is highlighted, and with
/// `opts.math` TeX becomes KaTeX-ready markup.
pub fn render_with(markdown: &str, opts: &RenderOptions) -> Rendered {
    let source = kramdown::strip_residue(markdown);
    let mut parse_options = options();
    if opts.math {
        parse_options |= Options::ENABLE_MATH;
    }
    let mut events: Vec<Event<'_>> = Parser::new_ext(&source, parse_options).collect();

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
            // TeX is kept as its source: searchable and part of the excerpt.
            Event::Text(t) | Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => {
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

    let events = highlight::highlight_code_blocks(math::markup_events(events));
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
mod properties;
#[cfg(test)]
mod tests;
