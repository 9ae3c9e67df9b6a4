//! The GraphQL schema: one query object per domain, merged; built without a database
//! (see [`schema_builder`]) so the SDL can be exported anywhere, with the database and
//! the per-request DataLoaders attached by the HTTP layer.

pub mod account;
pub mod author;
pub mod context;
pub mod import;
pub mod node;
pub mod pagination;
pub mod post;
pub mod search;
pub mod series;
pub mod tag;

use async_graphql::registry::SDLExportOptions;
use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

pub use context::RequestState;

/// The public read API.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    post::query::PostQuery,
    series::query::SeriesQuery,
    tag::query::TagQuery,
    author::query::AuthorQuery,
    account::query::AccountQuery,
    search::query::SearchQueryRoot,
);

/// Writes: every mutation needs a token, takes one `input` and runs in one transaction.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    post::mutation::PostMutation,
    series::mutation::SeriesMutation,
    tag::mutation::TagMutation,
    account::mutation::AccountMutation,
    import::ImportMutation,
);

pub type QuireSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The schema with its limits, before any data is attached.
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, EmptySubscription> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        EmptySubscription,
    )
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
