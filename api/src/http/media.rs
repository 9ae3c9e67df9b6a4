//! `GET /media/{sha256}/{filename}` (an original) and
//! `GET /media/{sha256}/{width}.{format}/{filename}` (a variant, made on first
//! request): the type sniffed at upload, `Cache-Control: public, max-age=31536000,
//! immutable` (the hash names the bytes, so they never change), a strong ETag and 304,
//! and single `Range` requests (206; 416 when unsatisfiable). Every answer carries
//! `X-Content-Type-Options: nosniff` and `Content-Security-Policy: sandbox`; a type
//! that could run script when opened (SVG, HTML, PDF, anything not known to be inert)
//! is only ever an attachment. The file name in the URL is for people and is not
//! checked: the hash decides.

use std::ops::Range;

use poem::{
    Body, Request, Response, handler,
    http::{StatusCode, header},
    web::{Data, Path},
};

use super::{AppState, access_log, negotiate::JSON, refusal};
use crate::{
    error::{AppError, ErrorCode},
    media::{name, sniff, store::original_key},
    service::media::{self as library, variants},
};

/// How long caches may keep a media answer: a year, and it never changes.
pub const CACHE_CONTROL: &str = "public, max-age=31536000, immutable";

/// What one answer serves.
struct Served {
    key: String,
    mime: String,
    size: u64,
    etag: String,
    filename: String,
}

#[handler]
pub async fn original(
    req: &Request,
    Path((hash, _)): Path<(String, String)>,
    state: Data<&AppState>,
) -> Response {
    let served = async {
        let m = find(&state, &hash).await?;
        Ok(Served {
            key: original_key(&m.sha256),
            etag: format!("\"{}\"", m.sha256),
            size: u64::try_from(m.bytes).unwrap_or(0),
            mime: m.mime_type,
            filename: m.filename,
        })
    }
    .await;
    answer(req, &state, served).await
}

#[handler]
pub async fn variant(
    req: &Request,
    Path((hash, variant, _)): Path<(String, String, String)>,
    state: Data<&AppState>,
) -> Response {
    let served = async {
        let m = find(&state, &hash).await?;
        let not_found = || AppError::NotFound(format!("variant {variant}"));
        let (width, format) = variant.split_once('.').ok_or_else(not_found)?;
        let width: u32 = width.parse().map_err(|_| not_found())?;
        let v = variants::get_or_make(&state.db, &state.media, &m, width, format)
            .await?
            .ok_or_else(not_found)?;
        let ext = if format == "jpeg" { "jpg" } else { format };
        Ok(Served {
            key: v.key,
            mime: v.mime.to_owned(),
            size: v.bytes,
            etag: format!("\"{}-{width}.{format}\"", m.sha256),
            filename: name::with_extension(&m.filename, ext),
        })
    }
    .await;
    answer(req, &state, served).await
}

async fn find(state: &AppState, hash: &str) -> Result<entity::media::Model, AppError> {
    let valid = hash.len() == 64 && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'));
    if !valid {
        return Err(AppError::NotFound("media".into()));
    }
    library::by_hash(&state.db, hash)
        .await?
        .ok_or_else(|| AppError::NotFound("media".into()))
}

async fn answer(req: &Request, state: &AppState, served: Result<Served, AppError>) -> Response {
    let s = match served {
        Ok(s) => s,
        Err(e) => return error(req, &e),
    };
    let disposition = if sniff::inline(&s.mime) {
        "inline"
    } else {
        "attachment"
    };
    let base = || {
        Response::builder()
            .header(header::CACHE_CONTROL, CACHE_CONTROL)
            .header(header::ETAG, s.etag.as_str())
            .header(header::ACCEPT_RANGES, "bytes")
            .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
            .header(header::CONTENT_SECURITY_POLICY, "sandbox")
    };
    if matches(req.header(header::IF_NONE_MATCH), &s.etag) {
        return base().status(StatusCode::NOT_MODIFIED).finish();
    }
    let range = match req.header(header::RANGE) {
        // `If-Range` with another validator: the whole file, as it may have changed.
        Some(_)
            if req
                .header(header::IF_RANGE)
                .is_some_and(|v| v.trim() != s.etag) =>
        {
            None
        }
        Some(r) => match parse_range(r, s.size) {
            Ok(range) => range,
            Err(()) => {
                return base()
                    .status(StatusCode::RANGE_NOT_SATISFIABLE)
                    .header(header::CONTENT_RANGE, format!("bytes */{}", s.size))
                    .finish();
            }
        },
        None => None,
    };
    let mut builder = base().content_type(s.mime.as_str()).header(
        header::CONTENT_DISPOSITION,
        name::disposition(disposition, &s.filename),
    );
    let length = match &range {
        Some(r) => {
            builder = builder.status(StatusCode::PARTIAL_CONTENT).header(
                header::CONTENT_RANGE,
                format!("bytes {}-{}/{}", r.start, r.end - 1, s.size),
            );
            r.end - r.start
        }
        None => s.size,
    };
    builder = builder.header(header::CONTENT_LENGTH, length);
    if req.method() == poem::http::Method::HEAD {
        return builder.finish();
    }
    match state.media.store.stream(&s.key, range).await {
        Ok(stream) => builder.body(Body::from_bytes_stream(stream)),
        Err(e) => error(req, &AppError::Internal(e.to_string())),
    }
}

/// Whether `If-None-Match` names `etag` (or is `*`).
fn matches(header: Option<&str>, etag: &str) -> bool {
    header.is_some_and(|h| {
        h.split(',')
            .map(|t| t.trim().trim_start_matches("W/"))
            .any(|t| t == "*" || t == etag)
    })
}

/// One `bytes=` range of a file of `size` bytes: `Ok(None)` for a header to ignore
/// (several ranges, another unit, not a range), `Err` when it cannot be satisfied.
fn parse_range(header: &str, size: u64) -> Result<Option<Range<u64>>, ()> {
    let Some(spec) = header.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((start, end)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let number = |t: &str| t.trim().parse::<u64>().map_err(|_| ());
    let range = match (start.trim().is_empty(), end.trim().is_empty()) {
        (true, true) => return Ok(None),
        (true, false) => {
            let n = number(end)?;
            if n == 0 {
                return Err(());
            }
            size.saturating_sub(n)..size
        }
        (false, true) => number(start)?..size,
        (false, false) => {
            let (a, b) = (number(start)?, number(end)?);
            if b < a {
                return Ok(None);
            }
            a..(b + 1).min(size)
        }
    };
    if range.start >= size || range.is_empty() {
        return Err(());
    }
    Ok(Some(range))
}

fn error(req: &Request, e: &AppError) -> Response {
    let status = match e.code() {
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::ServiceUnavailable => StatusCode::SERVICE_UNAVAILABLE,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = if status == StatusCode::INTERNAL_SERVER_ERROR {
        tracing::error!(error = %e, "serving media");
        "the file could not be read".to_owned()
    } else {
        e.to_string()
    };
    refusal::refused(
        JSON,
        refusal::Refusal {
            transport: true,
            ..refusal::Refusal::graphql(status, message, e.code().as_str())
        },
        access_log::request_id(req),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-9", 100), Ok(Some(0..10)));
        assert_eq!(parse_range("bytes=90-", 100), Ok(Some(90..100)));
        assert_eq!(parse_range("bytes=-10", 100), Ok(Some(90..100)));
        assert_eq!(parse_range("bytes=50-500", 100), Ok(Some(50..100)));
        assert_eq!(parse_range("bytes=100-", 100), Err(()));
        assert_eq!(parse_range("bytes=-0", 100), Err(()));
        assert_eq!(parse_range("bytes=0-1,5-6", 100), Ok(None));
        assert_eq!(parse_range("items=0-1", 100), Ok(None));
        assert!(matches(Some("W/\"a\", \"b\""), "\"b\""));
        assert!(!matches(Some("\"a\""), "\"b\""));
    }
}
