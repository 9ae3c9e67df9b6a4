//! Which fields of the GraphQL `Post` type read a post's bodies (Markdown, HTML, table of
//! contents, front matter): a selection without any of them can take posts read with
//! [`Bodies::Skip`](crate::service::post::Bodies::Skip), most of a post's bytes fewer.
//! The service knows only whether to read the bodies; which fields need them is the
//! schema's business, so it is said here.

use async_graphql::Lookahead;

use crate::service::post::Bodies;

/// The fields of `Post` that read the body columns.
pub const BODY_FIELDS: [&str; 4] = ["markdown", "html", "toc", "frontMatter"];

/// Whether `post`, a selection of `Post` fields, asks for any of its bodies.
pub fn asked(post: &Lookahead<'_>) -> bool {
    BODY_FIELDS.iter().any(|f| post.field(f).exists())
}

/// Whether posts read for `posts` (selections of `Post` fields) need their bodies.
pub fn needed(posts: &[Lookahead<'_>]) -> Bodies {
    if posts.iter().any(asked) {
        Bodies::Read
    } else {
        Bodies::Skip
    }
}
