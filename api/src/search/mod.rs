//! Search text processing, pure and database-free: the one tokenization rule both
//! databases are fed with ([`tokenize`]), how a reader's query becomes terms
//! ([`query`]) and how a hit's snippet is highlighted ([`snippet`]). The SQL lives in
//! `service::search`.

pub mod query;
pub mod snippet;
pub mod tokenize;

pub use query::{QueryError, SearchQuery};
pub use tokenize::{Token, normalize, tokens};
