//! Uploads: a POST in `multipart/form-data` as the GraphQL multipart request
//! specification has it (Apollo Upload Client, urql): an `operations` part (the usual
//! JSON request, with `null` where files go), a `map` part (which file goes where), then
//! the files. Each file streams to a temporary file as it arrives, and the size limit is
//! enforced on the stream: a body declaring more is refused before a byte is read, and
//! one that turns out larger is refused at the first byte past the limit.

use std::collections::HashMap;

use async_graphql::UploadValue;
use poem::{Body, Request, http::StatusCode};
use tokio::io::AsyncWriteExt;

use super::request::{self, Params, RequestError};

/// Most files one request may carry.
pub const MAX_FILES: usize = 10;
/// Largest `map` part.
const MAX_MAP: u64 = 64 * 1024;

/// The files of a request, each with the variable path it fills (`variables.file`).
#[derive(Default)]
pub struct Files(pub Vec<(String, UploadValue)>);

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(path, u)| (path, &u.filename)))
            .finish()
    }
}

/// Whether `req` is a multipart POST.
pub fn is_multipart(req: &Request) -> bool {
    req.method() == poem::http::Method::POST
        && req.content_type().is_some_and(|c| {
            c.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        })
}

fn bad(message: impl Into<String>) -> RequestError {
    RequestError {
        status: StatusCode::BAD_REQUEST,
        message: message.into(),
        code: None,
    }
}

fn too_large(max_file: u64) -> RequestError {
    RequestError {
        status: StatusCode::PAYLOAD_TOO_LARGE,
        message: format!("an uploaded file may be at most {max_file} bytes"),
        code: None,
    }
}

fn multer_error(e: multer::Error, max_file: u64) -> RequestError {
    match e {
        multer::Error::FieldSizeExceeded { .. } | multer::Error::StreamSizeExceeded { .. } => {
            too_large(max_file)
        }
        other => bad(format!("the multipart body cannot be read: {other}")),
    }
}

/// Reads a multipart request: its parameters, with the files in [`Params::files`].
/// `max_body` bounds the `operations` part, `max_file` each file.
pub async fn read(
    req: &Request,
    body: Body,
    max_body: usize,
    max_file: u64,
) -> Result<Params, RequestError> {
    let boundary = multer::parse_boundary(req.content_type().unwrap_or_default())
        .map_err(|e| bad(format!("the multipart body has no boundary: {e}")))?;
    let max_operations = max_body as u64;
    let whole = max_file
        .saturating_mul(MAX_FILES as u64)
        .saturating_add(max_operations + MAX_MAP + 64 * 1024);
    // A body declaring more than the most it could hold (every file at the limit, the
    // operations and the map) is refused before a byte of it is read; each file is held
    // to the limit as it streams.
    let declared = req
        .header(poem::http::header::CONTENT_LENGTH)
        .and_then(|l| l.trim().parse::<u64>().ok());
    if declared.is_some_and(|l| l > whole) {
        return Err(too_large(max_file));
    }
    let limits = multer::SizeLimit::new()
        .whole_stream(whole)
        .per_field(max_file)
        .for_field("operations", max_operations)
        .for_field("map", MAX_MAP);
    let mut multipart = multer::Multipart::with_constraints(
        body.into_bytes_stream(),
        boundary,
        multer::Constraints::new().size_limit(limits),
    );
    let mut params = None;
    let mut map: Option<HashMap<String, Vec<String>>> = None;
    let mut files = Vec::new();
    while let Some(mut field) = multipart
        .next_field()
        .await
        .map_err(|e| multer_error(e, max_file))?
    {
        match field.name() {
            Some("operations") => {
                let bytes = field.bytes().await.map_err(|e| multer_error(e, max_file))?;
                params = Some(request::from_json(&bytes)?);
            }
            Some("map") => {
                let bytes = field.bytes().await.map_err(|e| multer_error(e, max_file))?;
                map = Some(
                    serde_json::from_slice(&bytes)
                        .map_err(|e| bad(format!("the `map` part is not JSON: {e}")))?,
                );
            }
            Some(name) => {
                if files.len() >= MAX_FILES {
                    return Err(bad(format!("at most {MAX_FILES} files per request")));
                }
                let name = name.to_owned();
                let filename = field.file_name().unwrap_or_default().to_owned();
                let content_type = field.content_type().map(ToString::to_string);
                let temp = tempfile::tempfile()
                    .map_err(|e| bad(format!("cannot keep the upload: {e}")))?;
                let mut file = tokio::fs::File::from_std(temp);
                while let Some(chunk) =
                    field.chunk().await.map_err(|e| multer_error(e, max_file))?
                {
                    file.write_all(&chunk)
                        .await
                        .map_err(|e| bad(format!("cannot keep the upload: {e}")))?;
                }
                file.flush()
                    .await
                    .map_err(|e| bad(format!("cannot keep the upload: {e}")))?;
                let content = file.into_std().await;
                files.push((
                    name,
                    UploadValue {
                        filename,
                        content_type,
                        content,
                    },
                ));
            }
            None => {}
        }
    }
    let mut params = params.ok_or_else(|| bad("the multipart body has no `operations` part"))?;
    let mut map = map.ok_or_else(|| bad("the multipart body has no `map` part"))?;
    for (name, upload) in files {
        for path in map.remove(&name).unwrap_or_default() {
            let copy = upload
                .try_clone()
                .map_err(|e| bad(format!("cannot keep the upload: {e}")))?;
            params.files.0.push((path, copy));
        }
    }
    if let Some(missing) = map.keys().next() {
        return Err(bad(format!(
            "the `map` names a file `{missing}` that was not sent"
        )));
    }
    Ok(params)
}
