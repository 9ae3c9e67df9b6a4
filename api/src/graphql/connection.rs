//! The Relay connection and edge types of every paged list (`PostConnection`,
//! `PostEdge`, …). They mirror async-graphql's `connection::Connection` and `Edge` (same
//! fields, same names, its `PageInfo`), but are written here so that each type and field
//! carries an SDL description: async-graphql's own connection type has none and offers
//! no way to give it one.

use std::borrow::Cow;

use async_graphql::{Object, ObjectType, OutputType, TypeName, connection::PageInfo};

/// A page of a list, as a Relay connection (see the `impl` below for its description).
pub struct Connection<N, F> {
    /// The items of this page, with their cursors, in the list's order.
    pub edges: Vec<Edge<N>>,
    additional_fields: F,
    has_previous_page: bool,
    has_next_page: bool,
}

impl<N, F> Connection<N, F> {
    /// An empty page, to be filled through `edges`, with the list-wide fields of `F`.
    pub fn with_additional_fields(
        has_previous_page: bool,
        has_next_page: bool,
        additional_fields: F,
    ) -> Self {
        Self {
            edges: Vec::new(),
            additional_fields,
            has_previous_page,
            has_next_page,
        }
    }
}

/// One page of a list, as a Relay connection: `nodes` (the items) or `edges` (each item
/// with its cursor), `pageInfo` to go on from here, and `totalCount`, the size of the
/// whole list. Pages hold 20 items unless asked otherwise, and at most 100; in query
/// complexity a connection field costs 1 + its page size × the cost of what is selected
/// in one item; a query over `--max-complexity` (2,000 by default) is refused with
/// QUERY_LIMIT_EXCEEDED. Cursors are opaque and belong to the list and ordering that made
/// them: elsewhere they are BAD_USER_INPUT.
#[Object(name_type)]
impl<N: OutputType, F: ObjectType> Connection<N, F> {
    /// The items of this page, each with its cursor, in the list's order. Empty past
    /// the end of the list.
    async fn edges(&self) -> &[Edge<N>] {
        &self.edges
    }

    /// The items of this page in the list's order: `edges` without the cursors.
    async fn nodes(&self) -> Vec<&N> {
        self.edges.iter().map(|e| &e.node).collect()
    }

    /// Whether the list goes on before and after this page, and the cursors of its first
    /// and last items (pass `endCursor` as `after` for the next page, `startCursor` as
    /// `before` for the previous one).
    async fn page_info(&self) -> PageInfo {
        PageInfo {
            has_previous_page: self.has_previous_page,
            has_next_page: self.has_next_page,
            start_cursor: self.edges.first().map(|e| e.cursor.clone()),
            end_cursor: self.edges.last().map(|e| e.cursor.clone()),
        }
    }

    #[graphql(flatten)]
    async fn additional_fields(&self) -> &F {
        &self.additional_fields
    }
}

impl<N: OutputType, F: ObjectType> TypeName for Connection<N, F> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Connection", N::type_name()).into()
    }
}

/// One item of a connection's page and its cursor.
pub struct Edge<N> {
    cursor: String,
    node: N,
}

impl<N> Edge<N> {
    pub fn new(cursor: String, node: N) -> Self {
        Self { cursor, node }
    }
}

/// One item of a connection's page, with the cursor that names its place in the list.
#[Object(name_type)]
impl<N: OutputType> Edge<N> {
    /// An opaque cursor naming this item's place in the list: pass it as `after` for the
    /// items that follow it, or as `before` for those that precede it. It belongs to this
    /// list and ordering; given to another it is BAD_USER_INPUT.
    async fn cursor(&self) -> &str {
        &self.cursor
    }

    /// The item.
    async fn node(&self) -> &N {
        &self.node
    }
}

impl<N: OutputType> TypeName for Edge<N> {
    fn type_name() -> Cow<'static, str> {
        format!("{}Edge", N::type_name()).into()
    }
}
