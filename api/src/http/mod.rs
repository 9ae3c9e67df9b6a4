//! The HTTP surface, and the only module that knows poem: routes, the GraphQL-over-HTTP
//! endpoint (with persisted queries, the response cache, caching headers and
//! compression), the feeds and sitemaps, CORS, GraphiQL and the health check.

mod access_log;
mod apq;
mod availability;
mod by_hash;
mod cache;
mod caller;
mod cors;
mod documents;
mod encoding;
mod execute;
mod feeds;
mod graphql;
mod health;
pub mod idle;
mod labels;
pub mod live;
mod lookup;
mod media;
mod metrics;
mod multipart;
mod negotiate;
mod order;
mod refusal;
mod request;
mod respond;
mod tag_header;
mod throttle;

pub use metrics::MAX_OPERATION_NAMES;
use std::{sync::Arc, time::Duration};

use poem::{EndpointExt, IntoEndpoint, Route, get};
use sea_orm::DatabaseConnection;

use crate::{
    auth::Secret,
    config::HttpConfig,
    graphql::{QuireSchema, SchemaLimits, limits::DocumentLimits},
    service::feed::FeedPaths,
    service::live::hub::Hub,
    service::media::Library,
};

/// The paths of the server's own endpoints, which no feed may take.
pub const ENDPOINTS: [&str; 5] = ["/graphql", "/graphiql", "/healthz", "/readyz", "/metrics"];

/// How many parsed documents a server keeps (see [`documents`]).
const PARSED_DOCUMENTS: usize = 256;

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: QuireSchema,
    pub db: DatabaseConnection,
    pub secret: Secret,
    /// Take the client address from `X-Forwarded-For` (only behind a proxy that sets it).
    pub trust_forwarded_for: bool,
    /// Webhook endpoints may point at non-public addresses (`QUIRE_WEBHOOK_ALLOW_PRIVATE`).
    pub webhook_allow_private: bool,
    pub config: Arc<HttpConfig>,
    /// The media library (its store and settings).
    pub media: Library,
    /// The live events this server's subscriptions listen to.
    pub hub: Hub,
    /// Open subscription connections per client address.
    live: Arc<live::Connections>,
    apq: Arc<apq::PersistedQueries>,
    cache: Arc<cache::ResponseCache>,
    availability: Arc<availability::Availability>,
    throttle: Arc<throttle::Throttle>,
    documents: Arc<documents::ParsedDocuments>,
    /// Where the feeds and sitemaps are, and how much they hold.
    feeds: Arc<FeedPaths>,
    /// The cache-tag header of cacheable answers, if one is configured.
    tag_header: Option<tag_header::TagHeader>,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        secret: Secret,
        config: HttpConfig,
        media: Library,
        hub: Hub,
    ) -> Self {
        metrics::install();
        let feeds = FeedPaths::new(&config.feeds);
        let schema = crate::graphql::schema(
            db.clone(),
            SchemaLimits {
                max_complexity: config.max_complexity,
                introspection: config.introspection,
            },
            feeds.clone(),
            media.clone(),
            hub.clone(),
        );
        Self {
            schema,
            db,
            secret,
            trust_forwarded_for: false,
            webhook_allow_private: false,
            media,
            hub,
            live: Arc::default(),
            apq: Arc::new(apq::PersistedQueries::new(config.persisted_queries)),
            cache: Arc::new(cache::ResponseCache::new(
                config.response_cache_mb.saturating_mul(1024 * 1024),
            )),
            availability: Arc::default(),
            throttle: Arc::new(throttle::Throttle::new(
                config.rate_limit_per_sec,
                config.rate_limit_burst,
            )),
            documents: Arc::new(documents::ParsedDocuments::new(PARSED_DOCUMENTS)),
            feeds: Arc::new(feeds),
            tag_header: tag_header::TagHeader::new(&config.cache_tags),
            config: Arc::new(config),
        }
    }

    fn document_limits(&self) -> DocumentLimits {
        DocumentLimits {
            max_depth: self.config.max_depth,
            max_aliases: self.config.max_aliases,
            max_directives: self.config.max_directives,
        }
    }

    /// Reads the content clock, then starts what runs beside the requests: its poller.
    pub async fn start_background(&self) {
        if !self.cache.refresh(&self.db).await {
            self.database_lost();
        }
        let interval = Duration::from_millis(self.config.cache_poll_ms.max(10));
        self.cache
            .clone()
            .spawn_poller(self.db.clone(), interval, self.availability.clone());
    }

    /// The database could not be reached (see [`availability`]).
    pub(super) fn database_lost(&self) {
        self.availability.lost(&self.db, &self.cache);
    }
}

/// The routes of a quire server.
pub fn routes(state: AppState) -> impl IntoEndpoint {
    let cors = cors::Cors::new(&state.config.cors_origins, state.config.cors_max_age);
    let trust_proxy = state.trust_forwarded_for;
    let mut route = Route::new();
    for path in feeds::routes(&state.feeds) {
        route = route.at(path, get(feeds::serve));
    }
    route
        .at(
            "/graphql",
            get(graphql::graphql)
                .post(graphql::graphql)
                .put(graphql::other_method)
                .patch(graphql::other_method)
                .delete(graphql::other_method),
        )
        .at("/graphiql", get(graphql::graphiql))
        .at("/healthz", get(health::healthz))
        .at("/readyz", get(health::readyz))
        .at("/metrics", get(metrics::scrape))
        .at(
            "/media/:hash/:filename",
            get(media::original).head(media::original),
        )
        .at(
            "/media/:hash/:variant/:filename",
            get(media::variant).head(media::variant),
        )
        .data(state)
        .with(cors)
        .around(move |ep, req| access_log::log(ep, req, trust_proxy))
}
