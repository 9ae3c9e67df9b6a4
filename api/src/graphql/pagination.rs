//! Relay connection arguments → a service [`Window`], and opaque keyset cursors.
//!
//! A cursor is `base64url("<sort>|<id>|<key>")`: it names the ordering it belongs to, so
//! a cursor from one ordering is refused by another instead of silently misbehaving.

use async_graphql::{ObjectType, OutputType};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use chrono::DateTime;

use crate::{
    error::{AppError, AppResult},
    graphql::connection::{Connection, Edge},
    service::keyset::{Cursor, Slice, SortKey, Window},
};

/// The largest page anyone may ask for.
pub const MAX_PAGE_SIZE: i32 = 100;
/// The page size when none is asked for.
pub const DEFAULT_PAGE_SIZE: i32 = 20;

/// What a list without paging arguments counts as, in query complexity: a handful of
/// items (tags of a post, posts of a series, a table of contents).
pub const UNPAGED_LIST_ITEMS: usize = 5;

/// The complexity of a paged list field: its page size (as asked, else the default;
/// never more than the largest page) times the cost of what is selected in it.
pub fn page_cost(size: Option<i32>, child_complexity: usize) -> usize {
    let items = size.unwrap_or(DEFAULT_PAGE_SIZE).clamp(0, MAX_PAGE_SIZE);
    1 + usize::try_from(items).unwrap_or(0) * child_complexity
}

/// The complexity of a list field that has no paging arguments.
pub fn list_cost(child_complexity: usize) -> usize {
    1 + UNPAGED_LIST_ITEMS * child_complexity
}

/// The paging arguments of a connection field as a client sent them, gathered from the
/// resolver's arguments (which stay separate arguments, each with its description, in
/// the SDL): `first`/`after` and `last`/`before` on every connection, `page`/`pageSize`
/// on `posts` as well. [`ConnectionArgs::window`] checks them.
#[derive(Debug, Clone, Default)]
pub struct ConnectionArgs {
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
    page: Option<i32>,
    page_size: Option<i32>,
}

/// Checks a page size argument (0 to [`MAX_PAGE_SIZE`]).
pub fn size(value: i32, field: &str) -> AppResult<u64> {
    if !(0..=MAX_PAGE_SIZE).contains(&value) {
        return Err(AppError::bad_input(
            field,
            format!("must be between 0 and {MAX_PAGE_SIZE} (got {value})"),
        ));
    }
    Ok(u64::try_from(value).unwrap_or(0))
}

impl ConnectionArgs {
    /// Keyset paging: forwards with `first`/`after`, backwards with `last`/`before`.
    pub fn new(
        first: Option<i32>,
        after: Option<String>,
        last: Option<i32>,
        before: Option<String>,
    ) -> Self {
        Self {
            first,
            after,
            last,
            before,
            page: None,
            page_size: None,
        }
    }

    /// Numbered pages as well (`page`, 1-based, of `page_size` items).
    pub fn with_pages(self, page: Option<i32>, page_size: Option<i32>) -> Self {
        Self {
            page,
            page_size,
            ..self
        }
    }

    /// Checks the combination and turns it into a window over `sort`.
    pub fn window(&self, sort: &str) -> AppResult<Window> {
        let keyset = self.first.is_some()
            || self.after.is_some()
            || self.last.is_some()
            || self.before.is_some();
        if self.page.is_some() || self.page_size.is_some() {
            if keyset {
                return Err(AppError::bad_input(
                    "page",
                    "use either page/pageSize or first/after/last/before, not both",
                ));
            }
            let page = self.page.unwrap_or(1);
            if page < 1 {
                return Err(AppError::bad_input(
                    "page",
                    format!("pages are numbered from 1 (got {page})"),
                ));
            }
            let limit = size(self.page_size.unwrap_or(DEFAULT_PAGE_SIZE), "pageSize")?;
            let offset = (u64::try_from(page).unwrap_or(1) - 1).saturating_mul(limit);
            return Ok(Window::Offset { offset, limit });
        }
        if self.first.is_some() && self.last.is_some() {
            return Err(AppError::bad_input(
                "last",
                "use either first or last, not both",
            ));
        }
        if self.after.is_some() && self.before.is_some() {
            return Err(AppError::bad_input(
                "before",
                "use either after or before, not both",
            ));
        }
        if self.last.is_some() || self.before.is_some() {
            if self.first.is_some() || self.after.is_some() {
                return Err(AppError::bad_input(
                    "last",
                    "last/before page backwards; do not mix with first/after",
                ));
            }
            return Ok(Window::Backward {
                before: self
                    .before
                    .as_deref()
                    .map(|c| decode_cursor(c, sort, "before"))
                    .transpose()?,
                limit: size(self.last.unwrap_or(DEFAULT_PAGE_SIZE), "last")?,
            });
        }
        Ok(Window::Forward {
            after: self
                .after
                .as_deref()
                .map(|c| decode_cursor(c, sort, "after"))
                .transpose()?,
            limit: size(self.first.unwrap_or(DEFAULT_PAGE_SIZE), "first")?,
        })
    }
}

/// `hasPreviousPage` / `hasNextPage` for a slice read through `window`.
pub fn page_flags<T>(window: &Window, slice: &Slice<T>) -> (bool, bool) {
    match window {
        Window::Forward { after, .. } => (after.is_some(), slice.has_more),
        Window::Backward { before, .. } => (slice.has_more, before.is_some()),
        Window::Offset { offset, .. } => (*offset > 0, slice.has_more),
    }
}

pub fn encode_cursor(sort: &str, cursor: &Cursor) -> String {
    let key = match &cursor.key {
        SortKey::Time(t) => format!("t{}", t.timestamp_micros()),
        SortKey::Text(s) => format!("s{s}"),
    };
    // A listing with pinned posts first carries the row's flag before its key.
    let lead = match cursor.pinned {
        Some(true) => "1",
        Some(false) => "0",
        None => "",
    };
    URL_SAFE_NO_PAD.encode(format!("{sort}|{}|{lead}{key}", cursor.id))
}

pub fn decode_cursor(raw: &str, sort: &str, field: &str) -> AppResult<Cursor> {
    let bad = |why: &str| AppError::bad_input(field, format!("invalid cursor: {why}"));
    let bytes = URL_SAFE_NO_PAD
        .decode(raw)
        .map_err(|_| bad("not a cursor"))?;
    let text = String::from_utf8(bytes).map_err(|_| bad("not a cursor"))?;
    let mut parts = text.splitn(3, '|');
    let (Some(s), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(bad("not a cursor"));
    };
    if s != sort {
        return Err(bad(&format!("it belongs to ordering {s}, not {sort}")));
    }
    let id = id.parse().map_err(|_| bad("not a cursor"))?;
    let (pinned, key) = match key.split_at_checked(1) {
        Some(("1", rest)) => (Some(true), rest),
        Some(("0", rest)) => (Some(false), rest),
        _ => (None, key),
    };
    let key = match key.split_at_checked(1) {
        Some(("t", micros)) => SortKey::Time(
            micros
                .parse()
                .ok()
                .and_then(DateTime::from_timestamp_micros)
                .ok_or_else(|| bad("not a cursor"))?,
        ),
        Some(("s", text)) => SortKey::Text(text.to_owned()),
        _ => return Err(bad("not a cursor")),
    };
    let cursor = Cursor { key, id, pinned };
    // One spelling per position: `+7`, `007` or `t-0` are not cursors quire made.
    if encode_cursor(sort, &cursor) != raw {
        return Err(bad("not a cursor"));
    }
    Ok(cursor)
}

/// A cursor into a ranked list (search), whose order has no stable key to seek from:
/// `base64url("<list>|@<offset>")`, the 0-based position of the edge in the ranking.
pub fn encode_offset_cursor(list: &str, offset: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{list}|@{offset}"))
}

/// The position an offset cursor names; refuses cursors of other lists.
pub fn decode_offset_cursor(raw: &str, list: &str, field: &str) -> AppResult<u64> {
    let bad = || AppError::bad_input(field, "invalid cursor: not a cursor of this list");
    let bytes = URL_SAFE_NO_PAD.decode(raw).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    let offset = text
        .strip_prefix(list)
        .and_then(|t| t.strip_prefix("|@"))
        .ok_or_else(bad)?;
    let offset = offset.parse().map_err(|_| bad())?;
    if encode_offset_cursor(list, offset) != raw {
        return Err(bad());
    }
    Ok(offset)
}

/// Builds a Relay connection from a slice read through `window`.
pub fn connection<M, N, F>(
    window: &Window,
    slice: Slice<M>,
    sort: &str,
    cursor_of: impl Fn(&M) -> Cursor,
    node_of: impl Fn(M) -> N,
    fields: F,
) -> Connection<N, F>
where
    N: OutputType,
    F: ObjectType,
{
    let (has_previous, has_next) = page_flags(window, &slice);
    let mut conn = Connection::with_additional_fields(has_previous, has_next, fields);
    conn.edges.extend(slice.items.into_iter().map(|m| {
        let cursor = encode_cursor(sort, &cursor_of(&m));
        Edge::new(cursor, node_of(m))
    }));
    conn
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_belong_to_their_ordering() {
        let c = Cursor {
            key: SortKey::Text("2021년 회고|x".into()),
            id: 7,
            pinned: None,
        };
        let raw = encode_cursor("TITLE", &c);
        assert_eq!(decode_cursor(&raw, "TITLE", "after").unwrap(), c);
        assert!(decode_cursor(&raw, "PUBLISHED_AT", "after").is_err());
        assert!(decode_cursor("!!!", "TITLE", "after").is_err());
        let t = Cursor {
            key: SortKey::Time(DateTime::from_timestamp_micros(1_641_025_800_123_456).unwrap()),
            id: 1,
            pinned: None,
        };
        assert_eq!(
            decode_cursor(&encode_cursor("P", &t), "P", "after").unwrap(),
            t
        );
    }

    #[test]
    fn offset_cursors_round_trip() {
        let raw = encode_offset_cursor("SEARCH", 41);
        assert_eq!(decode_offset_cursor(&raw, "SEARCH", "after").unwrap(), 41);
        assert!(decode_offset_cursor(&raw, "TITLE", "after").is_err());
        assert!(
            decode_offset_cursor(
                &encode_cursor(
                    "SEARCH",
                    &Cursor {
                        key: SortKey::Text("x".into()),
                        id: 1,
                        pinned: None,
                    }
                ),
                "SEARCH",
                "after"
            )
            .is_err()
        );
    }

    #[test]
    fn windows_validate_their_arguments() {
        let w = |a: ConnectionArgs| a.window("P");
        assert!(matches!(
            w(ConnectionArgs::default()).unwrap(),
            Window::Forward {
                after: None,
                limit: 20
            }
        ));
        assert!(
            w(ConnectionArgs {
                first: Some(101),
                ..Default::default()
            })
            .is_err()
        );
        assert!(
            w(ConnectionArgs {
                first: Some(-1),
                ..Default::default()
            })
            .is_err()
        );
        assert!(
            w(ConnectionArgs {
                first: Some(1),
                last: Some(1),
                ..Default::default()
            })
            .is_err()
        );
        assert!(
            w(ConnectionArgs {
                page: Some(0),
                ..Default::default()
            })
            .is_err()
        );
        assert!(
            w(ConnectionArgs {
                page: Some(2),
                first: Some(3),
                ..Default::default()
            })
            .is_err()
        );
        assert!(matches!(
            w(ConnectionArgs {
                page: Some(3),
                page_size: Some(10),
                ..Default::default()
            })
            .unwrap(),
            Window::Offset {
                offset: 20,
                limit: 10
            }
        ));
        assert!(matches!(
            w(ConnectionArgs {
                last: Some(5),
                ..Default::default()
            })
            .unwrap(),
            Window::Backward {
                before: None,
                limit: 5
            }
        ));
    }
}
