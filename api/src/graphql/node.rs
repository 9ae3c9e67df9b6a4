//! Relay Global Object Identification: opaque, stable IDs (`base64("Post:42")`), the
//! `Node` interface and `node(id:)` / `nodes(ids:)`.

use async_graphql::{Context, ID, Interface, Object};
use base64::{Engine, engine::general_purpose::STANDARD};

use super::{
    author::AuthorNode, category::CategoryNode, context::state, media::MediaNode, page::PageNode,
    post::PostNode, series::SeriesNode, tag::TagNode,
};
use crate::{
    error::{ApiResult, AppError, AppResult},
    service::{self, cache_tags::Entity},
};

/// The kinds of object that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Post,
    Page,
    Series,
    Tag,
    Category,
    Author,
    Revision,
    Media,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Self::Post => "Post",
            Self::Page => "Page",
            Self::Series => "Series",
            Self::Tag => "Tag",
            Self::Category => "Category",
            Self::Author => "Author",
            Self::Revision => "Revision",
            Self::Media => "Media",
        }
    }
}

pub fn encode(kind: Kind, id: i64) -> ID {
    ID(STANDARD.encode(format!("{}:{id}", kind.name())))
}

/// Decodes any global ID; `field` names the argument in the error.
pub fn decode(id: &ID, field: &str) -> AppResult<(Kind, i64)> {
    let bad = || AppError::bad_input(field, "not a valid quire ID");
    let raw = STANDARD.decode(id.as_str()).map_err(|_| bad())?;
    let raw = String::from_utf8(raw).map_err(|_| bad())?;
    let (kind, n) = raw.split_once(':').ok_or_else(bad)?;
    let kind = match kind {
        "Post" => Kind::Post,
        "Page" => Kind::Page,
        "Series" => Kind::Series,
        "Tag" => Kind::Tag,
        "Category" => Kind::Category,
        "Author" => Kind::Author,
        "Revision" => Kind::Revision,
        "Media" => Kind::Media,
        _ => return Err(bad()),
    };
    Ok((kind, n.parse().map_err(|_| bad())?))
}

/// Decodes an ID that must be of `kind`.
pub fn decode_as(id: &ID, kind: Kind, field: &str) -> AppResult<i64> {
    match decode(id, field)? {
        (k, n) if k == kind => Ok(n),
        (k, _) => Err(AppError::bad_input(
            field,
            format!("expected a {} ID, got a {} ID", kind.name(), k.name()),
        )),
    }
}

/// An object with a global ID, refetchable through `node(id:)`.
// Values live only for one response; boxing the post would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Globally unique, opaque and stable."))]
pub enum Node {
    Post(PostNode),
    Page(PageNode),
    Series(SeriesNode),
    Tag(TagNode),
    Category(CategoryNode),
    Author(AuthorNode),
    Media(MediaNode),
}

/// One object by global ID, if it exists and the reader may see it.
async fn load_node(ctx: &Context<'_>, id: ID) -> ApiResult<Option<Node>> {
    let s = state(ctx)?;
    let (kind, n) = decode(&id, "id")?;
    Ok(match kind {
        Kind::Post => service::post::read::find_readable(
            &s.db,
            s.principal().await?,
            s.now,
            service::post::read::PostRef::Id(n),
        )
        .await?
        .map(|f| {
            Node::Post(
                s.tags
                    .saw(Entity::Post, f.post.id, PostNode::new(f.post, s.now)),
            )
        }),
        Kind::Page => service::page::find_readable_page(
            &s.db,
            s.principal().await?,
            s.now,
            service::post::read::PostRef::Id(n),
        )
        .await?
        .map(|f| {
            Node::Page(
                s.tags
                    .saw(Entity::Page, f.post.id, PageNode::new(f.post, s.now)),
            )
        }),
        Kind::Series => s
            .series
            .load_one(n)
            .await?
            .map(|m| Node::Series(s.tags.saw(Entity::Series, m.id, SeriesNode(m)))),
        Kind::Tag => service::tag::find_by_ids(&s.db, &[n])
            .await?
            .into_iter()
            .next()
            .map(|m| Node::Tag(s.tags.saw(Entity::Tag, m.id, TagNode(m)))),
        Kind::Category => s
            .category_tree()
            .await?
            .get(n)
            .cloned()
            .map(|m| Node::Category(s.tags.saw(Entity::Category, m.id, CategoryNode(m)))),
        Kind::Author => s
            .authors
            .load_one(n)
            .await?
            .map(|m| Node::Author(s.tags.saw(Entity::Author, m.id, AuthorNode(m)))),
        Kind::Revision => None,
        // The library is for logged-in users; to others a file's ID names nothing.
        Kind::Media => match s.principal().await? {
            Some(who) => service::media::find(&s.db, who, n)
                .await?
                .map(|m| Node::Media(MediaNode(m))),
            None => None,
        },
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID; null when it does not exist or the caller
    /// may not see it (the same rules as `post`). A malformed ID is BAD_USER_INPUT.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global ID, as any object's `id` field gives it.")] id: ID,
    ) -> ApiResult<Option<Node>> {
        load_node(ctx, id).await
    }

    /// Fetches several objects by global ID, in the order asked (null where missing or
    /// hidden). At most 100 IDs; in query complexity each counts as one object.
    #[graphql(complexity = "1 + ids.len() * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most 100 global IDs (more is BAD_USER_INPUT).")] ids: Vec<ID>,
    ) -> ApiResult<Vec<Option<Node>>> {
        if ids.len() > super::pagination::MAX_PAGE_SIZE as usize {
            return Err(AppError::bad_input(
                "ids",
                format!("at most {} IDs", super::pagination::MAX_PAGE_SIZE),
            )
            .into());
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            out.push(load_node(ctx, id).await?);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_and_reject_garbage() {
        let id = encode(Kind::Post, 42);
        assert_eq!(id.as_str(), "UG9zdDo0Mg==");
        assert_eq!(decode(&id, "id").unwrap(), (Kind::Post, 42));
        assert!(decode(&ID("nope".into()), "id").is_err());
        assert!(decode(&ID(STANDARD.encode("Pony:1")), "id").is_err());
        assert!(decode_as(&encode(Kind::Tag, 1), Kind::Post, "id").is_err());
    }
}
