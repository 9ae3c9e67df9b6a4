//! Bytes of a file → text. UTF-8 (with or without BOM) is taken as it is; a file that is
//! not UTF-8 but is valid CP949/EUC-KR (old Korean blogs) is transcoded and says so;
//! anything else is refused, so text is never stored garbled.

/// Text read from a file, and the encoding it was transcoded from, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// `Some("CP949/EUC-KR")` when the file was not UTF-8.
    pub transcoded_from: Option<&'static str>,
}

/// Name reported for files transcoded from the Korean legacy encoding.
pub const CP949: &str = "CP949/EUC-KR";

/// Why a file's bytes are not text quire will import.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EncodingError {
    #[error("the file is UTF-16; save it as UTF-8 and import it again")]
    Utf16,
    #[error(
        "the file looks binary (it contains a NUL byte at offset {0}); only Markdown and text files can be imported"
    )]
    Binary(usize),
    #[error(
        "the file is neither UTF-8 nor CP949/EUC-KR (first bad byte 0x{byte:02x} on line {line}); convert it to UTF-8 and import it again"
    )]
    Unknown { line: usize, byte: u8 },
}

impl EncodingError {
    /// The 1-based line the problem is on, when there is one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Self::Unknown { line, .. } => Some(*line),
            Self::Utf16 | Self::Binary(_) => None,
        }
    }
}

/// Decodes a file's bytes; see the module docs for the rules.
pub fn decode(bytes: &[u8]) -> Result<Decoded, EncodingError> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return Err(EncodingError::Utf16);
    }
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(EncodingError::Binary(at));
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(Decoded {
            text: text.to_owned(),
            transcoded_from: None,
        }),
        Err(utf8_error) => {
            // `EUC_KR` in encoding_rs is the WHATWG encoding, i.e. Windows code page 949,
            // a superset of EUC-KR.
            match encoding_rs::EUC_KR.decode_without_bom_handling_and_without_replacement(bytes) {
                Some(text) if !has_control_characters(&text) => Ok(Decoded {
                    text: text.into_owned(),
                    transcoded_from: Some(CP949),
                }),
                _ => {
                    let at = utf8_error.valid_up_to();
                    Err(EncodingError::Unknown {
                        line: 1 + bytes[..at].iter().filter(|&&b| b == b'\n').count(),
                        byte: bytes.get(at).copied().unwrap_or(0),
                    })
                }
            }
        }
    }
}

/// Control characters other than tab, line feed, carriage return and form feed: text
/// that decodes only into these is not really text.
fn has_control_characters(text: &str) -> bool {
    text.chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{c}'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        let plain = decode("제목\n본문".as_bytes()).unwrap();
        assert_eq!(plain.text, "제목\n본문");
        assert_eq!(plain.transcoded_from, None);
        let bom = decode(b"\xef\xbb\xbftitle\r\n").unwrap();
        assert_eq!(bom.text, "title\r\n");
    }

    #[test]
    fn cp949_is_transcoded_and_reported() {
        let (bytes, _, bad) =
            encoding_rs::EUC_KR.encode("---\ntitle: 옛 블로그의 글\n---\n똠방각하 뷁\n");
        assert!(!bad);
        let d = decode(&bytes).unwrap();
        assert_eq!(d.text, "---\ntitle: 옛 블로그의 글\n---\n똠방각하 뷁\n");
        assert_eq!(d.transcoded_from, Some(CP949));
    }

    #[test]
    fn binary_and_unknown_encodings_are_refused() {
        assert_eq!(
            decode(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err(),
            EncodingError::Binary(8)
        );
        assert_eq!(decode(b"\xff\xfet\0i\0").unwrap_err(), EncodingError::Utf16);
        // Latin-1 `café` followed by bytes that are not CP949 either.
        let e = decode(b"line one\ncaf\xe9\xff\xff\n").unwrap_err();
        assert_eq!(e.line(), Some(2));
        assert!(e.to_string().contains("convert it to UTF-8"), "{e}");
    }
}
