//! Codes for the errors async-graphql makes itself (validation, complexity, arguments it
//! could not read): ours always carry one (see `crate::error`), and so must these.

use async_graphql::ServerError;

/// Request errors found by the schema (validation, complexity) get a code, as ours do.
pub(super) fn label_request_errors(errors: &mut [ServerError]) {
    for e in errors {
        let has_code = e
            .extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some());
        if has_code {
            continue;
        }
        let code = if e.message.contains("too complex") {
            "QUERY_LIMIT_EXCEEDED"
        } else {
            "GRAPHQL_VALIDATION_FAILED"
        };
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

/// Field errors that async-graphql raises itself, before a resolver runs, carry no code:
/// an argument it could not read (an `Int` literal past 32 bits) is the client's input.
/// Ours always have a code (see `crate::error`); anything else uncoded is a fault.
pub(super) fn label_field_errors(errors: &mut [ServerError]) {
    for e in errors {
        if e.extensions
            .as_ref()
            .is_some_and(|x| x.get("code").is_some())
        {
            continue;
        }
        // "Expected input type …": a value that does not fit the argument's type, such
        // as null for an argument with a default, or a string where a file (`Upload`)
        // goes.
        let code = if e.message.starts_with("Failed to parse")
            || e.message.starts_with("Invalid value for argument")
            || e.message.starts_with("Expected input type")
        {
            "BAD_USER_INPUT"
        } else {
            tracing::error!(message = %e.message, "a field error without a code");
            "INTERNAL"
        };
        e.extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_request_errors_are_labelled_and_ours_kept() {
        let mut errors = vec![
            ServerError::new("Query is too complex.", None),
            ServerError::new("Unknown field \"nope\"", None),
            ServerError::new("ours", None),
        ];
        errors[2]
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", "BAD_INPUT");
        label_request_errors(&mut errors);
        let codes: Vec<_> = errors
            .iter()
            .map(|e| e.extensions.as_ref().and_then(|x| x.get("code")).cloned())
            .collect();
        assert_eq!(
            codes,
            [
                "QUERY_LIMIT_EXCEEDED",
                "GRAPHQL_VALIDATION_FAILED",
                "BAD_INPUT"
            ]
            .map(|c| Some(async_graphql::Value::from(c)))
        );
    }

    /// Found by schemathesis: `posts(page: -32347361590139)` answered an error with no
    /// `extensions.code`.
    #[test]
    fn argument_errors_of_the_schema_are_bad_user_input() {
        let mut errors = vec![
            ServerError::new(
                "Failed to parse \"Int\": Only integers from -2147483648 to 2147483647 are accepted.",
                None,
            ),
            ServerError::new("ours", None),
            ServerError::new("something else", None),
            // Found by schemathesis: a string sent where a file (`Upload`) goes.
            ServerError::new("Expected input type \"Upload\", found \"\".", None),
        ];
        errors[1]
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", "NOT_FOUND");
        label_field_errors(&mut errors);
        let codes: Vec<_> = errors
            .iter()
            .map(|e| e.extensions.as_ref().and_then(|x| x.get("code")).cloned())
            .collect();
        assert_eq!(
            codes,
            ["BAD_USER_INPUT", "NOT_FOUND", "INTERNAL", "BAD_USER_INPUT"]
                .map(|c| Some(async_graphql::Value::from(c)))
        );
    }
}
