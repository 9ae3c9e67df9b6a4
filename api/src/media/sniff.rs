//! What a file is, from its bytes and never from the client's word (its `Content-Type`
//! or its file name): `infer`'s magic numbers, plus SVG (XML text that `infer` does not
//! tell apart) and plain UTF-8 text. Also which types a browser may show inline: any
//! other (SVG, HTML, PDF…) could run script, and is served only as an attachment.

use entity::media::Kind;

/// Bytes from the start of a file that sniffing looks at.
pub const HEAD: usize = 8192;

/// A file's type as sniffed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sniffed {
    pub mime: String,
    pub kind: Kind,
}

/// Types shown inline: images without script, audio, video and plain text.
const INLINE: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/avif",
    "image/bmp",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "audio/mpeg",
    "audio/ogg",
    "audio/x-flac",
    "audio/x-wav",
    "audio/m4a",
    "audio/aac",
    "text/plain",
];

/// Raster formats quire decodes (for sizes, orientation and variants).
pub const DECODED: &[&str] = &["image/jpeg", "image/png", "image/gif", "image/webp"];

/// Whether a browser may show `mime` inline; anything else is served as an attachment.
pub fn inline(mime: &str) -> bool {
    INLINE.contains(&mime)
}

/// Sniffs the type of a file from its first bytes (at least [`HEAD`] of them when the
/// file is that long).
pub fn sniff(head: &[u8]) -> Sniffed {
    if let Some(t) = infer::get(head) {
        let mime = t.mime_type().to_owned();
        let kind = match t.matcher_type() {
            infer::MatcherType::Image => Kind::Image,
            infer::MatcherType::Video => Kind::Video,
            infer::MatcherType::Audio => Kind::Audio,
            infer::MatcherType::Doc | infer::MatcherType::Book | infer::MatcherType::Text => {
                Kind::Document
            }
            _ => Kind::Other,
        };
        if mime == "text/xml" && is_svg(head) {
            return svg();
        }
        return Sniffed { mime, kind };
    }
    if is_svg(head) {
        return svg();
    }
    // Text: valid UTF-8 apart from a character cut at the end of the head.
    let text = match std::str::from_utf8(head) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none() && head.len() >= HEAD,
    };
    if text && !head.contains(&0) {
        Sniffed {
            mime: "text/plain".into(),
            kind: Kind::Document,
        }
    } else {
        Sniffed {
            mime: "application/octet-stream".into(),
            kind: Kind::Other,
        }
    }
}

fn svg() -> Sniffed {
    Sniffed {
        mime: "image/svg+xml".into(),
        kind: Kind::Image,
    }
}

/// An `<svg` element at the start, after an XML declaration, comments or a doctype.
fn is_svg(head: &[u8]) -> bool {
    let text = String::from_utf8_lossy(head);
    let mut rest = text.trim_start_matches('\u{feff}').trim_start();
    loop {
        if rest.starts_with("<svg") {
            return true;
        }
        let skip = if rest.starts_with("<?") {
            rest.find("?>").map(|i| i + 2)
        } else if rest.starts_with("<!--") {
            rest.find("-->").map(|i| i + 3)
        } else if rest.starts_with("<!") {
            rest.find('>').map(|i| i + 1)
        } else {
            None
        };
        match skip {
            Some(n) => rest = rest[n..].trim_start(),
            None => return false,
        }
    }
}

/// The usual file extension of a sniffed type, for variant names and exports.
pub fn extension(mime: &str) -> &'static str {
    match mime {
        "image/jpeg" => "jpg",
        "image/png" => "png",
        "image/gif" => "gif",
        "image/webp" => "webp",
        "image/svg+xml" => "svg",
        "application/pdf" => "pdf",
        "text/plain" => "txt",
        _ => "bin",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").mime, "image/png");
        assert_eq!(sniff(b"\xff\xd8\xff\xe0\0\x10JFIF\0").mime, "image/jpeg");
        let svg = sniff(b"<?xml version=\"1.0\"?>\n<!-- x -->\n<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>");
        assert_eq!(
            (svg.mime.as_str(), svg.kind),
            ("image/svg+xml", Kind::Image)
        );
        assert!(!inline(&svg.mime));
        assert_eq!(sniff("안녕하세요".as_bytes()).mime, "text/plain");
        assert_eq!(sniff(b"\0\x01\x02garbage").mime, "application/octet-stream");
        let html = sniff(b"<!DOCTYPE html><html><script>alert(1)</script></html>");
        assert!(!inline(&html.mime), "{html:?}");
    }
}
