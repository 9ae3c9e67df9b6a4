//! Response compression negotiated with `Accept-Encoding` (brotli, then gzip), and the
//! strong ETags of each encoding.

use std::io::Write;

use bytes::Bytes;
use sha2::{Digest, Sha256};

/// Bodies smaller than this are sent as they are: compressing them gains nothing.
pub const MIN_COMPRESS_BYTES: usize = 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Identity,
    Gzip,
    Brotli,
}

impl Encoding {
    /// The `Content-Encoding` value, if any.
    pub fn header(self) -> Option<&'static str> {
        match self {
            Self::Identity => None,
            Self::Gzip => Some("gzip"),
            Self::Brotli => Some("br"),
        }
    }
}

/// The best encoding the client accepts: brotli, then gzip, else none. `q=0` refuses.
pub fn negotiate(accept_encoding: Option<&str>) -> Encoding {
    let Some(header) = accept_encoding else {
        return Encoding::Identity;
    };
    let (mut br, mut gzip) = (false, false);
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let name = pieces.next().unwrap_or("").trim().to_ascii_lowercase();
        let refused = pieces.any(|p| {
            p.trim()
                .strip_prefix("q=")
                .and_then(|q| q.trim().parse::<f32>().ok())
                .is_some_and(|q| q <= 0.0)
        });
        match name.as_str() {
            "br" => br = !refused,
            "gzip" | "x-gzip" => gzip = !refused,
            "*" if !refused => {
                br = true;
                gzip = true;
            }
            _ => {}
        }
    }
    if br {
        Encoding::Brotli
    } else if gzip {
        Encoding::Gzip
    } else {
        Encoding::Identity
    }
}

/// The encoding to use for a body of `len` bytes.
pub fn choose(accepted: Encoding, len: usize) -> Encoding {
    if len < MIN_COMPRESS_BYTES {
        Encoding::Identity
    } else {
        accepted
    }
}

/// `body` compressed with `encoding` (fast settings: responses are made per request).
pub fn compress(encoding: Encoding, body: &[u8]) -> Bytes {
    match encoding {
        Encoding::Identity => Bytes::copy_from_slice(body),
        Encoding::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(
                Vec::with_capacity(body.len() / 3),
                flate2::Compression::fast(),
            );
            // Writing to a Vec cannot fail.
            let _ = enc.write_all(body);
            Bytes::from(enc.finish().unwrap_or_default())
        }
        Encoding::Brotli => {
            let mut out = Vec::with_capacity(body.len() / 3);
            {
                let mut w = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                let _ = w.write_all(body);
            }
            Bytes::from(out)
        }
    }
}

/// A digest of a body, the base of its ETags.
pub fn digest(body: &[u8]) -> String {
    let hash = Sha256::digest(body);
    hash.iter().take(16).map(|b| format!("{b:02x}")).collect()
}

/// The strong ETag of a body with `digest`, sent in `encoding` (each encoding is a
/// different representation, so a different tag).
pub fn etag(digest: &str, encoding: Encoding) -> String {
    match encoding.header() {
        None => format!("\"{digest}\""),
        Some(e) => format!("\"{digest}-{e}\""),
    }
}

/// Whether an `If-None-Match` header names the current content (in any encoding).
pub fn none_match(if_none_match: &str, digest: &str) -> bool {
    if_none_match.split(',').any(|tag| {
        let tag = tag.trim();
        if tag == "*" {
            return true;
        }
        let tag = tag.strip_prefix("W/").unwrap_or(tag).trim_matches('"');
        tag.split('-').next() == Some(digest)
    })
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn negotiation_prefers_brotli_and_respects_q_zero() {
        assert_eq!(negotiate(None), Encoding::Identity);
        assert_eq!(negotiate(Some("gzip, deflate, br")), Encoding::Brotli);
        assert_eq!(negotiate(Some("gzip")), Encoding::Gzip);
        assert_eq!(negotiate(Some("br;q=0, gzip;q=0.5")), Encoding::Gzip);
        assert_eq!(negotiate(Some("identity")), Encoding::Identity);
        assert_eq!(negotiate(Some("*")), Encoding::Brotli);
        assert_eq!(choose(Encoding::Brotli, 100), Encoding::Identity);
    }

    #[test]
    fn compressed_bodies_decompress_to_the_original() {
        let body = "한국어 블로그 글 ".repeat(500);
        let gz = compress(Encoding::Gzip, body.as_bytes());
        let mut out = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, body);
        let br = compress(Encoding::Brotli, body.as_bytes());
        assert!(br.len() < body.len() / 10);
        let mut out = String::new();
        brotli::Decompressor::new(&br[..], 4096)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, body);
    }

    #[test]
    fn etags_differ_by_encoding_and_match_any_encoding() {
        let d = digest(b"{}");
        assert_eq!(d.len(), 32);
        assert_ne!(etag(&d, Encoding::Gzip), etag(&d, Encoding::Identity));
        assert!(none_match(&etag(&d, Encoding::Brotli), &d));
        assert!(none_match(
            &format!("\"other\", W/{}", etag(&d, Encoding::Identity)),
            &d
        ));
        assert!(!none_match("\"other\"", &d));
    }
}
