//! Reading a GraphQL-over-HTTP request: the parameters of a GET query string, or of a
//! POST body (`application/json`, or `application/graphql` with the document as the
//! body). Null and absent parameters are the same; batches are refused.

use poem::{
    Body, Request,
    http::{Method, StatusCode},
};
use serde::Deserialize;
use serde_json::Value;

/// One GraphQL request as sent. `query` may be absent when a persisted query's hash is
/// sent instead (APQ).
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Params {
    pub query: Option<String>,
    pub operation_name: Option<String>,
    pub variables: Option<Value>,
    pub extensions: Option<Value>,
    /// Files sent with a multipart request (see [`super::multipart`]).
    #[serde(skip)]
    pub files: super::multipart::Files,
}

/// Why a request could not be read: the status to answer with, a message, and the
/// `extensions.code` when the request was readable but its content is refused.
#[derive(Debug)]
pub struct RequestError {
    pub status: StatusCode,
    pub message: String,
    pub code: Option<&'static str>,
}

impl RequestError {
    fn new(status: StatusCode, message: impl Into<String>) -> Self {
        Self {
            status,
            message: message.into(),
            code: None,
        }
    }
}

/// Refuses text no field of quire can hold: the NUL character (U+0000), sent raw, as a
/// JSON `\u0000` in the variables, or as a GraphQL `\u0000` escape in the document.
/// PostgreSQL cannot store it in text and SQLite would keep it silently, so it is
/// refused here, at the boundary, for every field and argument at once.
pub fn refuse_nul(params: &Params) -> Result<(), RequestError> {
    fn in_value(v: &Value) -> bool {
        match v {
            Value::String(s) => s.contains('\0'),
            Value::Array(items) => items.iter().any(in_value),
            Value::Object(map) => map.iter().any(|(k, v)| k.contains('\0') || in_value(v)),
            _ => false,
        }
    }
    fn in_document(query: &str) -> bool {
        // `\u0000` or the block form `\u{0}`, where the backslash is not itself
        // escaped (`\\u0000` is a backslash and the text `u0000`).
        query.contains('\0')
            || query.match_indices("\\u").any(|(at, _)| {
                let slashes = query[..=at]
                    .bytes()
                    .rev()
                    .take_while(|&b| b == b'\\')
                    .count();
                let rest = &query[at + 2..];
                let digits = match rest.strip_prefix('{') {
                    Some(block) => block.split_once('}').map_or("", |(d, _)| d),
                    None => rest.get(..4).unwrap_or(""),
                };
                slashes % 2 == 1 && !digits.is_empty() && digits.bytes().all(|b| b == b'0')
            })
    }
    let found = params.query.as_deref().is_some_and(in_document)
        || params
            .operation_name
            .as_deref()
            .is_some_and(|n| n.contains('\0'))
        || params.variables.as_ref().is_some_and(in_value);
    if found {
        return Err(RequestError {
            status: StatusCode::BAD_REQUEST,
            message: "text may not contain the NUL character (U+0000)".into(),
            code: Some("BAD_USER_INPUT"),
        });
    }
    Ok(())
}

/// The query string of a GET request; `variables` and `extensions` are JSON text.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct QueryString {
    query: Option<String>,
    operation_name: Option<String>,
    variables: Option<String>,
    extensions: Option<String>,
}

/// Reads the request's parameters; a POST body may be at most `max_body` bytes.
pub async fn read(req: &Request, body: Body, max_body: usize) -> Result<Params, RequestError> {
    if req.method() == Method::GET {
        return from_query_string(req.uri().query().unwrap_or_default());
    }
    let declared = req
        .header(poem::http::header::CONTENT_LENGTH)
        .and_then(|l| l.trim().parse::<u64>().ok());
    if declared.is_some_and(|l| l > max_body as u64) {
        // Refused before a byte of it is read.
        return Err(too_large(max_body));
    }
    let bytes = match body.into_bytes_limit(max_body).await {
        Ok(b) => b,
        Err(poem::error::ReadBodyError::PayloadTooLarge) => return Err(too_large(max_body)),
        Err(e) => return Err(RequestError::new(StatusCode::BAD_REQUEST, e.to_string())),
    };
    let media = req
        .content_type()
        .and_then(|c| c.split(';').next())
        .map(|c| c.trim().to_ascii_lowercase());
    match media.as_deref() {
        Some("application/graphql") => {
            let query = String::from_utf8(bytes.to_vec())
                .map_err(|_| RequestError::new(StatusCode::BAD_REQUEST, "the body is not UTF-8"))?;
            Ok(Params {
                query: Some(query),
                ..Params::default()
            })
        }
        Some("application/json") | None => from_json(&bytes),
        Some(other) => Err(RequestError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("send application/json or application/graphql, not {other}"),
        )),
    }
}

fn too_large(max_body: usize) -> RequestError {
    RequestError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        format!("the request body is larger than {max_body} bytes"),
    )
}

pub(super) fn from_json(bytes: &[u8]) -> Result<Params, RequestError> {
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(RequestError::new(
            StatusCode::BAD_REQUEST,
            "batched requests are not supported: send one operation per request",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        RequestError::new(
            StatusCode::BAD_REQUEST,
            format!("the body is not a GraphQL request: {e}"),
        )
    })
}

fn from_query_string(query: &str) -> Result<Params, RequestError> {
    let raw: QueryString = serde_urlencoded::from_str(query).map_err(|e| {
        RequestError::new(
            StatusCode::BAD_REQUEST,
            format!("invalid query string: {e}"),
        )
    })?;
    let json = |name: &str, text: Option<String>| -> Result<Option<Value>, RequestError> {
        match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(t) => serde_json::from_str(t).map(Some).map_err(|e| {
                RequestError::new(
                    StatusCode::BAD_REQUEST,
                    format!("`{name}` is not JSON: {e}"),
                )
            }),
        }
    };
    Ok(Params {
        query: raw.query,
        operation_name: raw.operation_name.filter(|n| !n.is_empty()),
        variables: json("variables", raw.variables)?,
        extensions: json("extensions", raw.extensions)?,
        files: Default::default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_absent_parameters_are_accepted() {
        let p = from_json(br#"{"query":"{ a }","variables":null,"operationName":null}"#).unwrap();
        assert_eq!(p.query.as_deref(), Some("{ a }"));
        assert!(p.variables.is_none() && p.operation_name.is_none());
        let p = from_query_string("query=%7B+a+%7D&variables=&operationName=").unwrap();
        assert_eq!(p.query.as_deref(), Some("{ a }"));
        assert!(p.variables.is_none() && p.operation_name.is_none());
    }

    #[test]
    fn batches_and_bad_json_are_refused() {
        let e = from_json(b"  [{\"query\":\"{ a }\"}]").unwrap_err();
        assert_eq!(e.status, StatusCode::BAD_REQUEST);
        assert!(e.message.contains("batched"));
        let e = from_query_string("query=%7Ba%7D&variables=%7Bnope").unwrap_err();
        assert!(e.message.contains("`variables` is not JSON"));
    }

    #[test]
    fn nul_is_refused_wherever_it_is_written() {
        let refused = |body: &str| {
            refuse_nul(&from_json(body.as_bytes()).unwrap())
                .err()
                .map(|e| e.code)
        };
        let code = Some(Some("BAD_USER_INPUT"));
        assert_eq!(
            refused(r#"{"query":"{ a }","variables":{"t":["x\u0000"]}}"#),
            code
        );
        assert_eq!(
            refused(r#"{"query":"{ post(slug: \"a\\u0000b\") { id } }"}"#),
            code
        );
        assert_eq!(
            refused(r#"{"query":"{ post(slug: \"a\\u{00}b\") { id } }"}"#),
            code
        );
        assert_eq!(
            refused(r#"{"query":"{ post(slug: \"a\u0000b\") { id } }"}"#),
            code
        );
        assert_eq!(
            refused(r#"{"query":"{ a }","variables":{"t":"줄\n바꿈 \\u0000"}}"#),
            None
        );
        assert_eq!(
            refused(r#"{"query":"{ post(slug: \"\\u{41}\") { id } }"}"#),
            None
        );
        assert_eq!(
            refused(r#"{"query":"{ post(slug: \"\\\\u0000\") { id } }"}"#),
            None
        );
    }
}
