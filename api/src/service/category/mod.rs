//! Categories: a tree beside tags (WordPress's hierarchical categories). A post is in
//! at most one category; a category's posts are its own and its descendants' (as a
//! WordPress category archive shows them). All the SQL about categories is here:
//! reading the tree ([`read`]), managing it ([`write`]), finding or creating a path of
//! names for imports and posts ([`path`]), and filling categories once from the front
//! matter of posts imported before quire had them ([`backfill`]).

mod backfill;
mod path;
mod read;
mod write;

pub use backfill::{MARKER as BACKFILL_MARKER, from_front_matter};
pub use path::{find_or_create_path, id_by_slug};
pub use read::{Tree, in_subtree, public_post_counts, tree};
pub use write::{CategoryChanges, create, delete, update};

/// The deepest a category may sit (a top-level category is at depth 1).
pub const MAX_DEPTH: usize = 10;
