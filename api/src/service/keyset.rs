//! Keyset ("seek") pagination shared by every listing: a page is the rows after (or
//! before) a `(sort key, id)` pair, so page 500 costs what page 1 costs.

use sea_orm::{ColumnTrait, Condition, Value};

/// The value of a row's sort column, as carried in a cursor.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    Time(chrono::DateTime<chrono::Utc>),
    Text(String),
}

impl From<SortKey> for Value {
    fn from(k: SortKey) -> Self {
        match k {
            SortKey::Time(t) => t.into(),
            SortKey::Text(s) => s.into(),
        }
    }
}

/// A position in a listing: the last row seen.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub key: SortKey,
    pub id: i64,
    /// The row's `pinned`, in a listing that shows pinned posts first (else `None`).
    pub pinned: Option<bool>,
}

/// Which part of a listing to read.
#[derive(Debug, Clone)]
pub enum Window {
    /// `limit` rows after `cursor` (from the start without one).
    Forward { after: Option<Cursor>, limit: u64 },
    /// `limit` rows before `cursor` (from the end without one).
    Backward { before: Option<Cursor>, limit: u64 },
    /// Numbered pages for frontends that show them.
    Offset { offset: u64, limit: u64 },
}

/// One page of rows and whether more lie beyond it in the direction of travel.
#[derive(Debug, Clone)]
pub struct Slice<T> {
    pub items: Vec<T>,
    pub has_more: bool,
}

/// Rows strictly after `cursor` when walking `(key, id)` in `descending` or ascending order.
pub fn beyond<C: ColumnTrait>(
    key_col: C,
    id_col: C,
    cursor: Cursor,
    descending: bool,
) -> Condition {
    let key: Value = cursor.key.into();
    let (strictly, then_id) = if descending {
        (key_col.lt(key.clone()), id_col.lt(cursor.id))
    } else {
        (key_col.gt(key.clone()), id_col.gt(cursor.id))
    };
    Condition::any()
        .add(strictly)
        .add(Condition::all().add(key_col.eq(key)).add(then_id))
}

/// [`beyond`] in a listing that leads with a boolean column (`pinned`), `true` first
/// when walking forwards: rows on the far side of the cursor's lead value, or with the
/// same lead and beyond the cursor on `(key, id)`.
pub fn beyond_led<C: ColumnTrait>(
    lead_col: C,
    key_col: C,
    id_col: C,
    cursor: Cursor,
    lead: bool,
    forward: bool,
    descending: bool,
) -> Condition {
    let past_lead = if forward {
        lead_col.lt(lead)
    } else {
        lead_col.gt(lead)
    };
    Condition::any().add(past_lead).add(
        Condition::all()
            .add(lead_col.eq(lead))
            .add(beyond(key_col, id_col, cursor, descending)),
    )
}

/// Trims the extra row fetched to learn whether more exist.
pub fn into_slice<T>(mut rows: Vec<T>, limit: u64, reverse: bool) -> Slice<T> {
    let has_more = rows.len() as u64 > limit;
    rows.truncate(usize::try_from(limit).unwrap_or(usize::MAX));
    if reverse {
        rows.reverse();
    }
    Slice {
        items: rows,
        has_more,
    }
}
