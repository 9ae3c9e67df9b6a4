//! The inputs and payloads of the post mutations (`mutation.rs`), with their SDL
//! descriptions.

use async_graphql::{ID, InputObject, Json, MaybeUndefined, SimpleObject};
use chrono::{DateTime, FixedOffset, Utc};

use super::PostNode;

/// A new post, written as a DRAFT: only `title` is required. AUTHORs may attach
/// existing tags, series and categories; only EDITORs and ADMINs create new ones here.
#[derive(InputObject)]
pub struct CreatePostInput {
    /// Required; at most 300 characters.
    pub title: String,
    /// At most 1 MiB.
    pub markdown: Option<String>,
    /// Generated from the title when omitted.
    pub slug: Option<String>,
    /// A line shown under the title; plain text.
    pub subtitle: Option<String>,
    /// Derived from the first paragraph when omitted.
    pub excerpt: Option<String>,
    /// Tag names, in order (at most 50); missing tags are created (editors only).
    pub tags: Option<Vec<String>>,
    /// Series title or slug; created when missing (editors only).
    pub series: Option<String>,
    /// The category's slug; it must exist (see `createCategory`).
    pub category: Option<String>,
    /// URL of the cover image, stored as given.
    pub cover_image: Option<String>,
    /// The post's original address when it was first published elsewhere (for
    /// `<link rel="canonical">`), stored as given.
    pub canonical_url: Option<String>,
    /// A summary for search engines and link previews (`<meta name="description">`).
    pub meta_description: Option<String>,
    /// The publication date to show and sort by (RFC 3339, its offset kept); a later
    /// `publishPost` without `publishAt` keeps it once it has passed. Omitted: set when
    /// the post is published.
    pub published_at: Option<DateTime<FixedOffset>>,
    /// Author slug; editors may write for someone else. Not together with `authors`.
    pub author: Option<String>,
    /// The authors, in byline order, the first the primary author (default: you). No
    /// repeats, at most 20, each an existing account; an AUTHOR must be one of them.
    pub authors: Option<Vec<ID>>,
    /// Custom fields: a JSON object of at most 64 KiB, kept in key order and exported
    /// back into front matter. `pin`, `featured` and `comments` booleans in it set the
    /// flags below unless those are given too; `math: true` renders TeX.
    pub front_matter: Option<Json<serde_json::Value>>,
    /// Shown before other posts in listings ordered with `pinnedFirst`. Default false.
    pub pinned: Option<bool>,
    /// Marked as worth showing off. Default false.
    pub featured: Option<bool>,
    /// Whether the frontend should offer comments. Default true.
    pub comments_enabled: Option<bool>,
}

/// Changes to a post: only the fields given change; a nullable field sent as `null` is
/// cleared. EDITORs and ADMINs may change any post, AUTHORs the posts they are one of
/// the authors of (else FORBIDDEN).
#[derive(InputObject)]
pub struct UpdatePostInput {
    /// The post's ID (a `Post` ID; another kind is BAD_USER_INPUT, an unknown one
    /// NOT_FOUND).
    pub id: ID,
    /// The `version` you edited; a stale one is a CONFLICT carrying `currentVersion`.
    pub expected_version: i32,
    /// A new title: not empty, at most 300 characters.
    pub title: Option<String>,
    /// New Markdown (at most 1 MiB); html, toc, excerpt and reading time are rendered
    /// again and a revision is stored.
    pub markdown: Option<String>,
    /// A changed slug keeps the old one as an alias.
    pub slug: Option<String>,
    /// A line shown under the title; `null` clears it.
    pub subtitle: MaybeUndefined<String>,
    /// A hand-written excerpt; `null` derives it from the first paragraph again.
    pub excerpt: MaybeUndefined<String>,
    /// Replaces the tags: names, in order (at most 50); missing tags are created
    /// (editors only; an AUTHOR naming a missing tag is FORBIDDEN).
    pub tags: Option<Vec<String>>,
    /// Series title or slug (created when missing, editors only); `null` takes the
    /// post out of its series.
    pub series: MaybeUndefined<String>,
    /// The category's slug (it must exist); `null` leaves the post uncategorised.
    pub category: MaybeUndefined<String>,
    /// URL of the cover image; `null` clears it.
    pub cover_image: MaybeUndefined<String>,
    /// The post's original address elsewhere; `null` clears it.
    pub canonical_url: MaybeUndefined<String>,
    /// A summary for search engines; `null` clears it.
    pub meta_description: MaybeUndefined<String>,
    /// The publication date to show and sort by (RFC 3339 with offset); `null` clears
    /// it (set again when the post is next published).
    pub published_at: MaybeUndefined<DateTime<FixedOffset>>,
    /// Author slug (editors only): becomes the primary author, co-authors stay. Not
    /// together with `authors`.
    pub author: Option<String>,
    /// Replaces the authors, in byline order, the first the primary author. No repeats,
    /// at most 20, each an existing account; an AUTHOR must stay one of them.
    pub authors: Option<Vec<ID>>,
    /// Replaces the custom fields (see `CreatePostInput.frontMatter`); `null` empties them.
    pub front_matter: MaybeUndefined<Json<serde_json::Value>>,
    /// Shown before other posts in listings ordered with `pinnedFirst`.
    pub pinned: Option<bool>,
    /// Marked as worth showing off.
    pub featured: Option<bool>,
    /// Whether the frontend should offer comments.
    pub comments_enabled: Option<bool>,
}

/// The post to publish, and when. Who may: as `updatePost`.
#[derive(InputObject)]
pub struct PublishPostInput {
    /// The post's ID.
    pub id: ID,
    /// A future instant schedules the post (SCHEDULED); omitted or past publishes now.
    pub publish_at: Option<DateTime<FixedOffset>>,
    /// When given, a stale version is a CONFLICT carrying `currentVersion`.
    pub expected_version: Option<i32>,
}

/// Inputs of the status mutations: the post and, optionally, the version you saw.
macro_rules! action_input {
    ($($name:ident),*) => {$(
        /// The post to act on and, optionally, the version you saw. Who may: see the
        /// mutation.
        #[derive(InputObject)]
        pub struct $name {
            /// The post's ID (a `Post` ID; another kind is BAD_USER_INPUT, an unknown
            /// one NOT_FOUND).
            pub id: ID,
            /// When given, a stale version is a CONFLICT carrying `currentVersion`.
            pub expected_version: Option<i32>,
        }
    )*};
}
action_input!(
    UnpublishPostInput,
    ArchivePostInput,
    DeletePostInput,
    RestorePostInput,
    PurgePostInput
);

/// Payloads naming what changed: the post as it is after the mutation.
macro_rules! post_payload {
    ($($name:ident),*) => {$(
        /// What the mutation changed: the post as it is afterwards.
        #[derive(SimpleObject)]
        pub struct $name {
            /// The post after the mutation, in its new status and version.
            pub post: PostNode,
        }
    )*};
}
post_payload!(
    CreatePostPayload,
    UpdatePostPayload,
    PublishPostPayload,
    UnpublishPostPayload,
    ArchivePostPayload,
    DeletePostPayload,
    RestorePostPayload,
    RestoreRevisionPayload
);

/// The revision to put back.
#[derive(InputObject)]
pub struct RestoreRevisionInput {
    /// A `Revision` ID (from `Post.revisions`).
    pub id: ID,
}

/// The post to preview.
#[derive(InputObject)]
pub struct CreatePreviewTokenInput {
    /// The post's ID, in any status.
    pub post_id: ID,
}

/// What `purgePost` removed.
#[derive(SimpleObject)]
pub struct PurgePostPayload {
    /// The ID the post had.
    pub purged_post_id: ID,
}

/// A preview token and when it stops working.
#[derive(SimpleObject)]
pub struct CreatePreviewTokenPayload {
    /// Pass to `post(previewToken:)`; opens this post only.
    pub token: String,
    /// When the token stops working (UTC): an hour after it was made.
    pub expires_at: DateTime<Utc>,
}
