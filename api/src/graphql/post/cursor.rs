//! The name of the ordering a post cursor belongs to, as written inside the cursor (see
//! [`crate::graphql::pagination`]). It is part of the wire format: clients keep cursors
//! between requests, so the names are fixed here rather than taken from a Rust type's
//! `Debug` output, which a rename would silently change.

use crate::service::post::PostSort;

/// The ordering's name in a cursor.
pub fn tag(sort: PostSort) -> &'static str {
    match sort {
        PostSort::PublishedAt => "PublishedAt",
        PostSort::UpdatedAt => "UpdatedAt",
        PostSort::Title => "Title",
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;
    use crate::{
        graphql::pagination::{decode_cursor, encode_cursor},
        service::keyset::{Cursor, SortKey},
    };

    #[test]
    fn the_names_are_those_cursors_have_always_carried() {
        // The names the cursors had when they were made from `format!("{:?}", sort)`.
        assert_eq!(tag(PostSort::PublishedAt), "PublishedAt");
        assert_eq!(tag(PostSort::UpdatedAt), "UpdatedAt");
        assert_eq!(tag(PostSort::Title), "Title");
    }

    #[test]
    fn a_cursor_handed_out_before_still_reads() {
        let published = Cursor {
            key: SortKey::Time(DateTime::from_timestamp_micros(1_641_025_800_123_456).unwrap()),
            id: 7,
        };
        let raw = "UHVibGlzaGVkQXR8N3x0MTY0MTAyNTgwMDEyMzQ1Ng";
        assert_eq!(encode_cursor(tag(PostSort::PublishedAt), &published), raw);
        let read = decode_cursor(raw, tag(PostSort::PublishedAt), "after").unwrap();
        assert_eq!(read, published);

        let title = Cursor {
            key: SortKey::Text("2021년 회고".into()),
            id: 3,
        };
        let raw = "VGl0bGV8M3xzMjAyMeuFhCDtmozqs6A";
        assert_eq!(encode_cursor(tag(PostSort::Title), &title), raw);
        assert!(decode_cursor(raw, tag(PostSort::UpdatedAt), "after").is_err());
    }
}
