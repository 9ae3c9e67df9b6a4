//! File names as kept and shown: NFC-normalised (macOS writes Hangul decomposed, NFD,
//! and `사진.jpg` must be one name whichever way it arrived), without any folder,
//! control characters or characters that break a header or a URL path, and not empty.

use unicode_normalization::UnicodeNormalization;

/// Longest name kept, in characters (the extension is kept when cutting).
pub const MAX_CHARS: usize = 200;

/// The name to keep for an uploaded file called `raw`.
pub fn clean(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .nfc()
        .filter(|c| {
            !c.is_control() && !matches!(c, '"' | '?' | '#' | '%' | '*' | ':' | '<' | '>' | '|')
        })
        .collect();
    let trimmed = cleaned.trim().trim_start_matches('.').trim();
    let name = if trimmed.is_empty() { "file" } else { trimmed };
    if name.chars().count() <= MAX_CHARS {
        return name.to_owned();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((s, e)) if e.chars().count() <= 10 => (s, Some(e)),
        _ => (name, None),
    };
    let room = MAX_CHARS - ext.map_or(0, |e| e.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    match ext {
        Some(e) => format!("{stem}.{e}"),
        None => stem,
    }
}

/// `name` with its extension replaced by `ext` (for a variant in another format).
pub fn with_extension(name: &str, ext: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    format!("{stem}.{ext}")
}

/// `name` as one URL path segment (percent-encoded UTF-8).
pub fn url_segment(name: &str) -> String {
    url::form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// A `Content-Disposition` value for `name`: an ASCII fallback and the UTF-8 name
/// (RFC 6266 / 5987).
pub fn disposition(kind: &str, name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .filter(|c| *c != '\\')
        .collect();
    format!(
        "{kind}; filename=\"{ascii}\"; filename*=UTF-8''{}",
        url_segment(name)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_nfc_without_folders() {
        let nfd = "\u{1109}\u{1161}\u{110c}\u{1175}\u{11ab}.jpg"; // 사진.jpg, decomposed
        assert_eq!(clean(nfd), "사진.jpg");
        assert_eq!(clean("C:\\Users\\me\\..\\사진.png"), "사진.png");
        assert_eq!(clean("../../etc/passwd"), "passwd");
        assert_eq!(clean("  \u{0}.. "), "file");
        assert_eq!(clean("a\"b\r\n.txt"), "ab.txt");
        let long = format!("{}.jpeg", "가".repeat(300));
        let kept = clean(&long);
        assert_eq!(kept.chars().count(), MAX_CHARS);
        assert!(kept.ends_with(".jpeg"));
    }

    #[test]
    fn urls_and_headers() {
        assert_eq!(url_segment("사진 1.jpg"), "%EC%82%AC%EC%A7%84%201.jpg");
        assert_eq!(with_extension("사진.jpg", "webp"), "사진.webp");
        assert_eq!(
            disposition("attachment", "그림.svg"),
            "attachment; filename=\"__.svg\"; filename*=UTF-8''%EA%B7%B8%EB%A6%BC.svg"
        );
    }
}
