//! What each subscription of a connection must pass before the schema runs it: room
//! under the connection's limit (TOO_MANY_SUBSCRIPTIONS), a document that parses and
//! keeps within the depth, alias and directive limits of queries
//! (QUERY_LIMIT_EXCEEDED; complexity is checked by the schema, as for queries), and a
//! subscription operation (queries and mutations go to `POST /graphql`: BAD_REQUEST).
//! A refusal is one error response, and the subscription ends; the connection stays.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use async_graphql::{
    Data, Executor, Request, Response, ServerError, Value,
    parser::{parse_query, types::OperationType},
};
use futures_util::{StreamExt, stream::BoxStream};

use super::super::{AppState, labels, order};
use crate::graphql::{QuireSchema, limits::DocumentLimits};

/// The schema behind one connection's limits.
#[derive(Clone)]
pub struct Limited {
    schema: QuireSchema,
    limits: DocumentLimits,
    max: usize,
    open: Arc<AtomicUsize>,
}

/// One open subscription, counted while its stream lives.
struct Open(Arc<AtomicUsize>);

impl Drop for Open {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn refused(message: String, code: &str) -> BoxStream<'static, Response> {
    let mut error = ServerError::new(message, None);
    error
        .extensions
        .get_or_insert_with(Default::default)
        .set("code", code);
    futures_util::stream::once(async move { Response::from_errors(vec![error]) }).boxed()
}

impl Limited {
    pub fn new(state: &AppState, max: usize) -> Self {
        Self {
            schema: state.schema.clone(),
            limits: state.document_limits(),
            max,
            open: Arc::default(),
        }
    }

    /// The count of open subscriptions.
    pub fn open(&self) -> Arc<AtomicUsize> {
        self.open.clone()
    }
}

impl Executor for Limited {
    async fn execute(&self, _request: Request) -> Response {
        let mut error = ServerError::new("send queries and mutations to POST /graphql", None);
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", "BAD_REQUEST");
        Response::from_errors(vec![error])
    }

    fn execute_stream(
        &self,
        mut request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        if self.open.load(Ordering::SeqCst) >= self.max {
            return refused(
                format!(
                    "at most {} subscriptions may be open on one connection",
                    self.max
                ),
                "TOO_MANY_SUBSCRIPTIONS",
            );
        }
        let doc = match parse_query(&request.query) {
            Ok(doc) => doc,
            Err(e) => return refused(e.to_string(), "GRAPHQL_PARSE_FAILED"),
        };
        if let Err(e) = crate::graphql::limits::check(&doc, &self.limits) {
            return refused(e.to_string(), "QUERY_LIMIT_EXCEEDED");
        }
        let ty = order::operation(&doc, request.operation_name.as_deref()).map(|op| op.node.ty);
        if ty != Some(OperationType::Subscription) {
            return refused(
                "only subscriptions are served over WebSocket; send queries and mutations to POST /graphql".into(),
                "BAD_REQUEST",
            );
        }
        request.set_parsed_query(doc);
        self.open.fetch_add(1, Ordering::SeqCst);
        let open = Open(self.open.clone());
        let responses = match session_data {
            Some(data) => self.schema.execute_stream_with_session_data(request, data),
            None => self.schema.execute_stream(request),
        };
        responses
            .map(move |mut response| {
                let _held = &open;
                if response.data == Value::Null {
                    labels::label_request_errors(&mut response.errors);
                } else {
                    labels::label_field_errors(&mut response.errors);
                }
                response
            })
            .boxed()
    }
}
