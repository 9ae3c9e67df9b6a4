//! The GraphQL schema: one query object per domain, merged; built without a database
//! (see [`schema_builder`]) so the SDL can be exported anywhere, with the database and
//! the per-request DataLoaders attached by the HTTP layer.

pub mod author;
pub mod context;
pub mod node;
pub mod pagination;
pub mod post;
pub mod search;
pub mod series;
pub mod tag;

use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema, SchemaBuilder};
use async_graphql::registry::SDLExportOptions;

pub use context::RequestState;

/// The public read API.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    post::query::PostQuery,
    series::query::SeriesQuery,
    tag::query::TagQuery,
    author::query::AuthorQuery,
    search::query::SearchQueryRoot,
);

pub type QuireSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

/// The schema with its limits, before any data is attached.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, EmptyMutation, EmptySubscription> {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .register_output_type::<node::Node>()
        .limit_depth(24)
        .limit_complexity(20_000)
}

/// The SDL committed as `schema.graphql`, with fields, arguments and enum values sorted
/// so the file changes only when the API does.
pub fn sdl() -> String {
    schema_builder().finish().sdl_with_options(
        SDLExportOptions::new()
            .sorted_fields()
            .sorted_arguments()
            .sorted_enum_items(),
    )
}
