//! The name of the ordering a post cursor belongs to, as written inside the cursor (see
//! [`crate::graphql::pagination`]). It is part of the wire format: clients keep cursors
//! between requests, so the names are fixed here rather than taken from a Rust type's
//! `Debug` output, which a rename would silently change.

use crate::service::post::{PostOrder, PostSort};

/// The ordering's name in a cursor (its direction aside, as it always was).
pub fn tag(order: PostOrder) -> &'static str {
    match (order.sort, order.pinned_first) {
        (PostSort::PublishedAt, false) => "PublishedAt",
        (PostSort::UpdatedAt, false) => "UpdatedAt",
        (PostSort::Title, false) => "Title",
        (PostSort::PublishedAt, true) => "Pinned+PublishedAt",
        (PostSort::UpdatedAt, true) => "Pinned+UpdatedAt",
        (PostSort::Title, true) => "Pinned+Title",
    }
}

#[cfg(test)]
mod tests {
    use chrono::DateTime;

    use super::*;

    fn by(sort: PostSort) -> PostOrder {
        PostOrder {
            sort,
            ..PostOrder::default()
        }
    }
    use crate::{
        graphql::pagination::{decode_cursor, encode_cursor},
        service::keyset::{Cursor, SortKey},
    };

    #[test]
    fn the_names_are_those_cursors_have_always_carried() {
        // The names the cursors had when they were made from `format!("{:?}", sort)`.
        assert_eq!(tag(by(PostSort::PublishedAt)), "PublishedAt");
        assert_eq!(tag(by(PostSort::UpdatedAt)), "UpdatedAt");
        assert_eq!(tag(by(PostSort::Title)), "Title");
    }

    #[test]
    fn a_cursor_handed_out_before_still_reads() {
        let published = Cursor {
            key: SortKey::Time(DateTime::from_timestamp_micros(1_641_025_800_123_456).unwrap()),
            id: 7,
            pinned: None,
        };
        let raw = "UHVibGlzaGVkQXR8N3x0MTY0MTAyNTgwMDEyMzQ1Ng";
        assert_eq!(
            encode_cursor(tag(by(PostSort::PublishedAt)), &published),
            raw
        );
        let read = decode_cursor(raw, tag(by(PostSort::PublishedAt)), "after").unwrap();
        assert_eq!(read, published);

        let title = Cursor {
            key: SortKey::Text("2021년 회고".into()),
            id: 3,
            pinned: None,
        };
        let raw = "VGl0bGV8M3xzMjAyMeuFhCDtmozqs6A";
        assert_eq!(encode_cursor(tag(by(PostSort::Title)), &title), raw);
        assert!(decode_cursor(raw, tag(by(PostSort::UpdatedAt)), "after").is_err());
    }

    #[test]
    fn a_pinned_first_cursor_carries_the_flag_and_its_own_ordering() {
        let order = PostOrder {
            pinned_first: true,
            ..PostOrder::default()
        };
        let c = Cursor {
            key: SortKey::Time(DateTime::from_timestamp_micros(1_641_025_800_123_456).unwrap()),
            id: 7,
            pinned: Some(true),
        };
        let raw = encode_cursor(tag(order), &c);
        assert_eq!(decode_cursor(&raw, tag(order), "after").unwrap(), c);
        assert!(decode_cursor(&raw, tag(by(PostSort::PublishedAt)), "after").is_err());
        let unpinned = Cursor {
            pinned: Some(false),
            ..c
        };
        let raw = encode_cursor(tag(order), &unpinned);
        assert_eq!(decode_cursor(&raw, tag(order), "after").unwrap(), unpinned);
    }
}
