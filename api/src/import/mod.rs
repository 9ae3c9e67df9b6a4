//! Reading Markdown files into posts. Pure: bytes or text in, post fields out, no
//! database and no file system. [`parse_bytes`] decodes a file (UTF-8, or CP949/EUC-KR
//! transcoded) and parses it; `service::import` writes the result. The demo loader,
//! `quire import` and `importPosts` all go through these two steps.

mod category;
mod date;
mod document;
mod encoding;
mod error;
pub(crate) mod fields;
mod front_matter;
pub mod images;
mod more;
pub mod page;
mod plain_text;
mod title;

pub use category::category_path;
pub use date::parse_date;
pub use document::{DateSource, ParsedPost, Trashed, excerpt_of, parse_bytes, parse_document};
pub use encoding::{CP949, Decoded, EncodingError, decode};
pub use error::ParseError;
pub use page::PageFields;
