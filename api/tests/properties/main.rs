//! Property tests of quire's pure parsers: arbitrary and hostile input never panics,
//! and what the functions promise holds for every generated case. Case counts are set
//! per test so the whole file runs in seconds; `PROPTEST_CASES=100000` runs longer
//! (see docs/operations.md, "Fuzzing"). Failures found once are kept as named tests.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod cursor;
mod front_matter;
mod slug;
mod tokenizer;

use proptest::prelude::*;

/// `cases` cases, or `PROPTEST_CASES` when set; no failure files written into the tree.
pub fn config(cases: u32) -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(cases);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text that favours what quire's parsers meet: Hangul (precomposed and as jamo),
/// Latin with and without case, digits, CJK, emoji, combining marks, punctuation,
/// CRLF, the BOM and NUL, plus anything at all now and then.
pub fn messy_text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => "[가-힣ᄀ-ᇿㄱ-ㆎa-zA-Z0-9 _.,!?#&:;/\\\\'\"()\\[\\]{}<>@`~^*+=|$%\u{301}\u{308}\u{130}\u{df}\u{1e9e}\u{fb01}\u{2460}\u{ff21}\u{3000}\u{feff}\u{0}日本語タイトル🚀🎉\r\n\t-]{0,40}",
        1 => any::<String>(),
    ]
}
