//! The `Revision` type: one stored state of a post's content.

use async_graphql::{Context, ID, Object};
use chrono::{DateTime, Utc};
use entity::revision;

use crate::{
    error::ApiResult,
    graphql::{author::AuthorNode, context::state, node},
};

pub struct RevisionNode(pub revision::Model);

/// One stored state of a post's or page's content (title and Markdown), made by each write
/// that changed them. Only EDITORs, ADMINs and the post's authors see revisions
/// (`Post.revisions`).
#[Object(name = "Revision")]
impl RevisionNode {
    /// Pass it to `restoreRevision`.
    async fn id(&self) -> ID {
        node::encode(node::Kind::Revision, self.0.id)
    }

    /// The post version this revision records.
    async fn version(&self) -> i32 {
        self.0.version
    }

    /// The title as it was then.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// The Markdown as it was then.
    async fn markdown(&self) -> &str {
        &self.0.markdown
    }

    /// Who made the change (for an API key, the admin who created it).
    async fn editor(&self, ctx: &Context<'_>) -> ApiResult<Option<AuthorNode>> {
        let Some(id) = self.0.editor_id else {
            return Ok(None);
        };
        Ok(state(ctx)?.authors.load_one(id).await?.map(AuthorNode))
    }

    /// The API key that made the change, if one did.
    async fn api_key_id(&self) -> Option<&str> {
        self.0.editor_key.as_deref()
    }

    /// When the change was made (UTC).
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}
