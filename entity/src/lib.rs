//! SeaORM entities for quire's content model. This crate knows only SeaORM: no GraphQL,
//! no HTTP, no business rules. Tables are created by the `migration` crate, never from here.

pub mod api_key;
pub mod category;
pub mod content_generation;
pub mod live_event;
pub mod login_attempt;
pub mod media;
pub mod media_variant;
pub mod post;
pub mod post_author;
pub mod post_tag;
pub mod refresh_token;
pub mod revision;
pub mod series;
pub mod setting;
pub mod site;
pub mod slug_alias;
pub mod tag;
pub mod user;
pub mod webhook_attempt;
pub mod webhook_delivery;
pub mod webhook_endpoint;
pub mod webhook_event;

pub mod prelude {
    pub use super::category::Entity as Category;
    pub use super::post::Entity as Post;
    pub use super::post_author::Entity as PostAuthor;
    pub use super::post_tag::Entity as PostTag;
    pub use super::series::Entity as Series;
    pub use super::tag::Entity as Tag;
    pub use super::user::Entity as User;
}
