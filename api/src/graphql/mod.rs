//! The GraphQL schema: one query object per domain, merged; built without a database
//! (see [`schema_builder`]) so the SDL can be exported anywhere, with the database and
//! the per-request DataLoaders attached by the HTTP layer.

pub mod account;
pub mod author;
pub mod cache_tags;
pub mod category;
pub mod connection;
pub mod context;
pub mod import;
pub mod limits;
pub mod live;
pub mod media;
pub mod node;
pub mod page;
pub mod pagination;
pub mod post;
pub mod search;
pub mod series;
pub mod site;
pub mod tag;
pub mod webhook;
pub mod whole_document;

use async_graphql::registry::SDLExportOptions;
use async_graphql::{MergedObject, Schema, SchemaBuilder};

pub use context::RequestState;

/// The public read API.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    node::NodeQuery,
    post::query::PostQuery,
    page::query::PageQuery,
    series::query::SeriesQuery,
    tag::query::TagQuery,
    category::query::CategoryQuery,
    author::query::AuthorQuery,
    account::query::AccountQuery,
    search::query::SearchQueryRoot,
    site::query::SiteQuery,
    webhook::query::WebhookQuery,
    media::query::MediaQuery,
);

/// Writes: every mutation needs a token, takes one `input` and runs in one transaction.
#[derive(MergedObject, Default)]
pub struct MutationRoot(
    post::mutation::PostMutation,
    page::mutation::PageMutation,
    series::mutation::SeriesMutation,
    tag::mutation::TagMutation,
    category::mutation::CategoryMutation,
    account::mutation::AccountMutation,
    import::ImportMutation,
    site::mutation::SiteMutation,
    webhook::mutation::WebhookMutation,
    media::mutation::MediaMutation,
);

pub type QuireSchema = Schema<QueryRoot, MutationRoot, live::SubscriptionRoot>;

/// The schema before any data or limit is attached (also what the SDL is made from).
pub fn schema_builder() -> SchemaBuilder<QueryRoot, MutationRoot, live::SubscriptionRoot> {
    Schema::build(
        QueryRoot::default(),
        MutationRoot::default(),
        live::SubscriptionRoot,
    )
    .register_output_type::<node::Node>()
}

/// What the schema itself enforces on every request (depth, aliases and directives are
/// checked before, by [`limits::check`]).
#[derive(Debug, Clone, Copy)]
pub struct SchemaLimits {
    /// Highest query cost: a field costs 1, a list field its page size times its children.
    pub max_complexity: usize,
    /// Answer introspection; when off, error messages stop suggesting field names too.
    pub introspection: bool,
}

/// The schema a server runs: with its limits, the database, where the feeds are (for
/// `site { feeds }`), the media library and the live events' hub (subscriptions)
/// attached.
pub fn schema(
    db: sea_orm::DatabaseConnection,
    limits: SchemaLimits,
    feeds: crate::service::feed::FeedPaths,
    media: crate::service::media::Library,
    hub: crate::service::live::hub::Hub,
) -> QuireSchema {
    let builder = schema_builder()
        .limit_complexity(limits.max_complexity)
        // The parser's own recursion guard; the configured depth is checked before.
        .limit_recursive_depth(64)
        .extension(whole_document::ValidateOnlyExtension)
        .extension(cache_tags::TagCheck)
        .extension(live::PerEventState)
        .data(db)
        .data(hub)
        .data(feeds)
        .data(media);
    if limits.introspection {
        builder.finish()
    } else {
        builder
            .disable_introspection()
            .disable_suggestions()
            .finish()
    }
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
