//! A document is valid only if every operation in it is (GraphQL §6.1, "Validation"),
//! but a request runs its selected operation alone (see `http::documents::for_execution`:
//! async-graphql would work out every operation's cost with the selected one's
//! variables). So each other operation of a document is validated on its own, by the
//! schema's own rules, through an execution that the [`ValidateOnlyExtension`] stops
//! before any resolver runs. Its variables have no values there: the cost calculation's
//! complaint about that ("Variable n is not defined.", for a variable the operation
//! declares) says nothing about the document and is left out.

use std::sync::Arc;

use async_graphql::{
    Request, Response, ServerError, Value,
    extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute},
    parser::types::{DocumentOperations, ExecutableDocument},
};

use super::QuireSchema;

/// Request data that marks an execution as validation only.
struct ValidateOnly;

/// Stops marked executions after validation: nothing is resolved, nothing written.
pub struct ValidateOnlyExtension;

impl ExtensionFactory for ValidateOnlyExtension {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(StopMarked)
    }
}

struct StopMarked;

#[async_graphql::async_trait::async_trait]
impl Extension for StopMarked {
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if ctx.data_opt::<ValidateOnly>().is_some() {
            return Response::new(Value::Null);
        }
        next.run(ctx, operation_name).await
    }
}

/// The validation errors of the operations of `doc` other than `selected` (none when
/// the document holds one operation).
pub async fn errors_elsewhere(
    schema: &QuireSchema,
    text: &str,
    doc: &ExecutableDocument,
    selected: Option<&str>,
) -> Vec<ServerError> {
    let DocumentOperations::Multiple(operations) = &doc.operations else {
        return Vec::new();
    };
    let mut errors = Vec::new();
    for (name, op) in operations
        .iter()
        .filter(|(n, _)| Some(n.as_str()) != selected)
    {
        let declared: Vec<String> = op
            .node
            .variable_definitions
            .iter()
            .map(|d| format!("Variable {} is not defined.", d.node.name.node))
            .collect();
        let alone = ExecutableDocument {
            operations: DocumentOperations::Multiple(
                [(name.clone(), op.clone())].into_iter().collect(),
            ),
            fragments: doc.fragments.clone(),
        };
        let mut request = Request::new(text)
            .operation_name(name.as_str())
            .data(ValidateOnly);
        request.set_parsed_query(alone);
        let found = schema.execute(request).await.errors;
        errors.extend(found.into_iter().filter(|e| !declared.contains(&e.message)));
    }
    errors
}
