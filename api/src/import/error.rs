//! Why one file could not be read as a post, with the 1-based file line when known, so
//! a summary can say `path:line: reason`.

/// A problem with one file; never stops the other files of an import.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ParseError {
    pub line: Option<usize>,
    pub message: String,
}

impl ParseError {
    pub fn new(line: Option<usize>, message: impl Into<String>) -> Self {
        Self {
            line,
            message: message.into(),
        }
    }
}

impl From<super::encoding::EncodingError> for ParseError {
    fn from(e: super::encoding::EncodingError) -> Self {
        Self::new(e.line(), e.to_string())
    }
}
