//! Reading Markdown files into posts. [`parse_document`] is pure (text in, post fields
//! out); `service::import` writes the result. The demo loader and, later, `quire import`
//! and `importPosts` all go through these two steps.

mod date;
mod document;
mod front_matter;

pub use date::parse_date;
pub use document::{DateSource, ParsedPost, parse_document};
pub use front_matter::FrontMatterError;
