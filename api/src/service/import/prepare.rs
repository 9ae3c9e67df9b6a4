//! A file made ready to be written: parsed, rendered and (for a file not imported
//! before) tokenized for search, with the date it gets when it carries none. The one
//! parse/prepare path of `quire import`, `importPosts` and the demo; pure (no database),
//! so a bulk import runs it on other threads while the writer writes.

use chrono::{DateTime, FixedOffset};

use crate::{
    import::{DateSource, ParseError, ParsedPost, parse_bytes},
    render::{RenderOptions, Rendered, render_with},
    service::search::SearchDocument,
};

/// One file, ready to be written (see the module docs).
#[derive(Debug, Clone)]
pub struct PreparedFile {
    pub doc: ParsedPost,
    /// The Markdown rendered as its front matter asks (`math: true`).
    pub rendered: Rendered,
    /// The post's search document, made ahead (`None`: made from the post as written,
    /// only if it is written).
    pub search: Option<SearchDocument>,
    /// The date of a file that carries none (e.g. its modification time).
    pub fallback_date: DateTime<FixedOffset>,
}

impl PreparedFile {
    /// A parsed document, rendered; its search document is made when it is written.
    pub fn new(doc: ParsedPost, fallback_date: DateTime<FixedOffset>) -> Self {
        let options = RenderOptions::from_front_matter(&doc.front_matter);
        let rendered = render_with(&doc.markdown, &options);
        Self {
            doc,
            rendered,
            search: None,
            fallback_date,
        }
    }

    /// Decodes and parses a file's bytes (`path` as it is shown and stored), renders
    /// it and, with `with_search`, makes its search document.
    pub fn parse(
        path: &str,
        bytes: &[u8],
        fallback_date: DateTime<FixedOffset>,
        with_search: bool,
    ) -> Result<Self, ParseError> {
        let mut file = Self::new(parse_bytes(path, bytes)?, fallback_date);
        if with_search {
            let doc = &file.doc;
            file.search = Some(SearchDocument::new(
                &doc.title,
                doc.subtitle.as_deref(),
                &doc.markdown,
            ));
        }
        Ok(file)
    }

    /// Renders the document again after its Markdown changed (an import wrote its
    /// images' library paths in), and remakes its search document if it had one.
    pub fn rerender(&mut self) {
        let options = RenderOptions::from_front_matter(&self.doc.front_matter);
        self.rendered = render_with(&self.doc.markdown, &options);
        if self.search.is_some() {
            let doc = &self.doc;
            self.search = Some(SearchDocument::new(
                &doc.title,
                doc.subtitle.as_deref(),
                &doc.markdown,
            ));
        }
    }

    /// The date the file was given because it carries none, if so.
    pub fn dated_by_fallback(&self) -> Option<DateTime<FixedOffset>> {
        (self.doc.date_source == DateSource::Missing).then_some(self.fallback_date)
    }
}
