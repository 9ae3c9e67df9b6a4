//! Media files as a library, below the services: where their bytes are kept
//! ([`store`]), what they are ([`sniff`]), what they are called ([`name`]) and what is
//! done to images ([`image`]), and library paths in a post's text ([`paths`]). No
//! database here.

pub mod html;
pub mod image;
pub mod name;
pub mod paths;
pub mod sniff;
pub mod store;

pub use store::MediaStore;
