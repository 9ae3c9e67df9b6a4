//! Posts: who may see which ([`visibility`]), listings and their tag-page fast path,
//! series navigation, look-ups, and every write, one module each. The items callers use
//! most are re-exported here, so `service::post::list` reads as what it does.

pub mod authors;
pub mod bodies;
pub mod content;
pub mod flags;
pub mod input;
pub mod kind;
pub mod lifecycle;
pub mod listing;
pub mod lookup;
pub mod read;
pub mod revision;
pub mod series_nav;
pub mod slug;
mod tag_page;
pub mod visibility;
pub mod write;

pub use bodies::{Bodies, find_by_ids};
pub use content::{set_content, set_rendered};
pub use kind::Kinds;
pub use listing::{Listing, PostFilter, PostOrder, PostSort, count, list, narrowing};
pub use lookup::{
    WithParents, count_all, find_by_slug, find_by_slug_or_alias, find_by_source_path,
    find_by_source_path_or_slug, one_with_parents,
};
pub use series_nav::{SeriesPlace, public_by_series, public_ids_by_series, series_places};
pub use slug::unique_slug;
pub use visibility::{
    Scope, effective_status, is_public, next_publication, publicly_listed, publicly_visible,
};
