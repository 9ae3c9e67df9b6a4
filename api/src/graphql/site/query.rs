//! `site`.

use async_graphql::{Context, Object};

use super::SiteNode;
use crate::{error::ApiResult, graphql::context::state, service};

#[derive(Default)]
pub struct SiteQuery;

#[Object]
impl SiteQuery {
    /// The site's settings: title, language, base URL, images, SEO defaults, menus.
    /// Anyone may read it; ADMINs change it with `updateSite`.
    async fn site(&self, ctx: &Context<'_>) -> ApiResult<SiteNode> {
        let s = state(ctx)?;
        s.tags.site();
        Ok(SiteNode::new(service::site::read(&s.db).await?, s.now))
    }
}
