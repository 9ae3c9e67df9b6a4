//! Cursors: any string a client sends either decodes to a cursor that encodes back to
//! exactly that string, or is refused with `BAD_USER_INPUT`; every cursor quire hands
//! out decodes to itself.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::DateTime;
use proptest::prelude::*;
use quire::{
    error::AppError,
    graphql::pagination::{
        decode_cursor, decode_offset_cursor, encode_cursor, encode_offset_cursor,
    },
    service::keyset::{Cursor, SortKey},
};

use super::{config, messy_text};

const SORTS: &[&str] = &["PublishedAt", "Title", "Pinned+UpdatedAt"];

fn cursor() -> impl Strategy<Value = Cursor> {
    let key = prop_oneof![
        (-8_000_000_000_000_000_i64..8_000_000_000_000_000)
            .prop_filter_map("out of chrono's range", |m| {
                DateTime::from_timestamp_micros(m).map(SortKey::Time)
            }),
        messy_text().prop_map(SortKey::Text),
    ];
    (key, any::<i64>(), proptest::option::of(any::<bool>())).prop_map(|(key, id, pinned)| Cursor {
        key,
        id,
        pinned,
    })
}

/// What a client might send: base64 of near-cursors (other orderings, signs, zeros,
/// spaces, junk after the key), base64 of anything, and strings that are not base64.
fn sent() -> impl Strategy<Value = String> {
    let inner = prop_oneof![
        (
            proptest::sample::select(SORTS),
            "[-+ 0-9]{0,4}[0-9]{0,3}",
            "[01]?[ts]?[-+ 0-9a-z가-힣|]{0,12}"
        )
            .prop_map(|(s, id, key)| format!("{s}|{id}|{key}")),
        any::<String>(),
    ];
    prop_oneof![
        3 => inner.prop_map(|t| URL_SAFE_NO_PAD.encode(t)),
        1 => proptest::collection::vec(any::<u8>(), 0..40).prop_map(|b| URL_SAFE_NO_PAD.encode(b)),
        1 => "[A-Za-z0-9_+/=-]{0,40}",
        1 => any::<String>(),
    ]
}

fn is_bad_input(e: &AppError) -> bool {
    matches!(e, AppError::BadInput { field, .. } if field == "after")
}

proptest! {
    #![proptest_config(config(3000))]

    #[test]
    fn a_cursor_decodes_to_itself(c in cursor(), sort in proptest::sample::select(SORTS)) {
        let raw = encode_cursor(sort, &c);
        prop_assert_eq!(decode_cursor(&raw, sort, "after").ok(), Some(c));
    }

    #[test]
    fn a_sent_cursor_is_canonical_or_refused(raw in sent(), sort in proptest::sample::select(SORTS)) {
        match decode_cursor(&raw, sort, "after") {
            Ok(c) => prop_assert_eq!(encode_cursor(sort, &c), raw.clone()),
            Err(e) => prop_assert!(is_bad_input(&e), "{:?}", e),
        }
        match decode_offset_cursor(&raw, "search", "after") {
            Ok(offset) => prop_assert_eq!(encode_offset_cursor("search", offset), raw.clone()),
            Err(e) => prop_assert!(is_bad_input(&e), "{:?}", e),
        }
    }

    #[test]
    fn an_offset_cursor_decodes_to_itself(offset in any::<u64>()) {
        let raw = encode_offset_cursor("search", offset);
        prop_assert_eq!(decode_offset_cursor(&raw, "search", "after").ok(), Some(offset));
    }
}

/// Found by `a_sent_cursor_is_canonical_or_refused`: `+7`, `007` and `t-0` were read as
/// the cursors `7` and `t0`, so one position had many spellings.
#[test]
fn a_cursor_with_a_sign_or_leading_zeros_is_refused() {
    for text in [
        "Title|+7|sa",
        "Title|007|sa",
        "PublishedAt|7|t+1641025800123456",
        "PublishedAt|7|t-0",
        "PublishedAt|7|t01641025800123456",
    ] {
        let raw = URL_SAFE_NO_PAD.encode(text);
        let sort = text.split('|').next().unwrap_or_default();
        assert!(decode_cursor(&raw, sort, "after").is_err(), "{text}");
    }
    for text in ["search|@+3", "search|@03"] {
        let raw = URL_SAFE_NO_PAD.encode(text);
        assert!(
            decode_offset_cursor(&raw, "search", "after").is_err(),
            "{text}"
        );
    }
}
