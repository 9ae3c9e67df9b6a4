//! Importing files as posts. A file is read and parsed once ([`PreparedFile`], the one
//! parse/prepare path of `quire import`, `importPosts` and the demo), then written:
//!
//! - alone, in its own transaction ([`import_post`], in `one`): the path every file can
//!   take; re-importing a file updates the post it created;
//! - or, in a bulk import ([`Run`]), as a new post in a group of up to
//!   [`writer::GROUP_FILES`], one transaction with a savepoint per file, by the writer of
//!   the database (`writer::sqlite`, `writer::postgres`). A file the group cannot write
//!   takes the one-file path, which reports its error.
//!
//! Either way each file is atomic: a failure leaves nothing of it behind and never stops
//! the other files.

mod api;
mod cache;
mod fill;
mod one;
mod pages;
mod prepare;
mod run;
pub mod writer;

use entity::{post, user};

pub use api::{MAX_FILES_PER_REQUEST, import_for_api};
pub use cache::ImportCache;
pub use one::import_post;
pub use pages::link_parents;
pub use prepare::PreparedFile;
pub use run::{FileDone, Groups, Run};
pub use writer::Writer;

/// What status imported posts get unless their front matter says draft.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportStatus {
    Draft,
    Published,
}

/// What holds for every file of a run (what differs per file is in [`PreparedFile`]).
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Author of posts whose front matter names no known author.
    pub default_author_id: i64,
    pub status: ImportStatus,
    /// Create an AUTHOR (without a password) for an `author:` no user has; otherwise
    /// such posts belong to `default_author_id`. Creating users is for the command line
    /// and admins.
    pub create_authors: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Imported,
    Updated,
    Unchanged,
}

/// Counts one file's fate (`None`: it failed) in `quire_import_files_total`, where the
/// command line's runs and `importPosts` report each file.
pub(super) fn count_file(outcome: Option<Outcome>) {
    let label = match outcome {
        Some(Outcome::Imported) => "imported",
        Some(Outcome::Updated) => "updated",
        Some(Outcome::Unchanged) => "unchanged",
        None => "failed",
    };
    metrics::counter!("quire_import_files_total", "outcome" => label).increment(1);
}

/// What importing one file did.
#[derive(Debug, Clone)]
pub struct Imported {
    pub outcome: Outcome,
    pub post: post::Model,
    /// The authors created for the file's author names (no user had those names).
    pub new_authors: Vec<user::Model>,
}
