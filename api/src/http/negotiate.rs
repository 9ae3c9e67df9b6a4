//! Content negotiation, the first step of `/graphql`: the media type of the answer, from
//! `Accept`. The GraphQL-over-HTTP spec has two: `application/graphql-response+json`,
//! and `application/json` for legacy clients and for requests that ask for nothing. The
//! compression is negotiated by [`super::encoding`].

pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";
pub const JSON: &str = "application/json";

/// The media type to answer in, from the Accept header (none → application/json); `None`
/// when the client accepts neither.
pub fn media(accept: Option<&str>) -> Option<&'static str> {
    let Some(accept) = accept else {
        return Some(JSON);
    };
    for part in accept.split(',') {
        let media = part
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            GRAPHQL_RESPONSE_JSON => return Some(GRAPHQL_RESPONSE_JSON),
            JSON | "application/*" | "*/*" => return Some(JSON),
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_acceptable_media_type_wins() {
        assert_eq!(media(None), Some(JSON));
        assert_eq!(
            media(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(GRAPHQL_RESPONSE_JSON)
        );
        assert_eq!(media(Some("text/html, */*;q=0.8")), Some(JSON));
        assert_eq!(media(Some("Application/JSON")), Some(JSON));
        assert_eq!(media(Some("text/html")), None);
    }
}
