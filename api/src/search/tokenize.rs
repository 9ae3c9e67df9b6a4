//! The tokenization rule shared by SQLite and PostgreSQL.
//!
//! Text is NFC-normalised once ([`normalize`]); then every character is folded with
//! NFKC and lowercased. Letters and digits outside CJK form words (`MLOps` → `mlops`,
//! `2021년` → `2021` + the Hangul run `년`). Runs of Hangul, Han and kana characters,
//! whose words carry particles (`도커를`) or have no spaces at all, become every single
//! character plus every overlapping bigram (`회고록` → `회`, `회고`, `고`, `고록`, `록`),
//! so a one- or two-syllable query finds the syllables inside longer words.
//! Everything else separates tokens. Tokens contain only letters and digits, so they
//! can be quoted for FTS5 and tsquery without escaping surprises.

use unicode_normalization::UnicodeNormalization;

/// Longest word token, in characters (PostgreSQL refuses lexemes over 2 KB).
pub const MAX_WORD_CHARS: usize = 64;

/// One token and where it came from in the (normalised) text, as byte offsets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// A run of token characters: a word, or a CJK run split into characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Run {
    Word(Token),
    Cjk(Vec<Token>),
}

/// NFC, the form stored text and snippets are cut from.
pub fn normalize(text: &str) -> String {
    text.nfc().collect()
}

/// Hangul (syllables and jamo), kana and Han ideographs.
fn is_cjk(c: char) -> bool {
    matches!(u32::from(c),
        0x1100..=0x11FF | 0x3130..=0x318F | 0xA960..=0xA97F | 0xAC00..=0xD7AF | 0xD7B0..=0xD7FF
        | 0x3040..=0x30FF | 0x31F0..=0x31FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Sep,
}

fn class(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Sep
    }
}

/// The runs of `text` (expected to be [`normalize`]d), in order.
pub fn runs(text: &str) -> Vec<Run> {
    let mut out = Vec::new();
    let mut current: Vec<(char, usize, usize)> = Vec::new();
    let mut current_class = Class::Sep;
    let flush = |chars: &mut Vec<(char, usize, usize)>, class: Class, out: &mut Vec<Run>| {
        let (Some(first), Some(last)) = (chars.first(), chars.last()) else {
            return;
        };
        match class {
            Class::Word => out.push(Run::Word(Token {
                text: chars.iter().take(MAX_WORD_CHARS).map(|c| c.0).collect(),
                start: first.1,
                end: last.2,
            })),
            Class::Cjk => out.push(Run::Cjk(
                chars
                    .iter()
                    .map(|&(c, start, end)| Token {
                        text: c.to_string(),
                        start,
                        end,
                    })
                    .collect(),
            )),
            Class::Sep => {}
        }
        chars.clear();
    };
    for (start, source) in text.char_indices() {
        let end = start + source.len_utf8();
        for folded in std::iter::once(source).nfkc().flat_map(char::to_lowercase) {
            let k = class(folded);
            if k != current_class {
                flush(&mut current, current_class, &mut out);
                current_class = k;
            }
            if k != Class::Sep {
                current.push((folded, start, end));
            }
        }
    }
    flush(&mut current, current_class, &mut out);
    out
}

/// Characters then overlapping bigrams of a CJK run, in document order.
fn cjk_tokens(chars: &[Token], out: &mut Vec<Token>) {
    for (i, c) in chars.iter().enumerate() {
        out.push(c.clone());
        if let Some(next) = chars.get(i + 1) {
            out.push(Token {
                text: format!("{}{}", c.text, next.text),
                start: c.start,
                end: next.end,
            });
        }
    }
}

/// Every token of `text` (expected to be [`normalize`]d), in order, repeats kept.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    for run in runs(text) {
        match run {
            Run::Word(t) => out.push(t),
            Run::Cjk(chars) => cjk_tokens(&chars, &mut out),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(s: &str) -> Vec<String> {
        tokens(&normalize(s)).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn the_rule_table() {
        let cases: &[(&str, &[&str])] = &[
            ("회고록", &["회", "회고", "고", "고록", "록"]),
            ("2021년 회고", &["2021", "년", "회", "회고", "고"]),
            ("Docker를 배포", &["docker", "를", "배", "배포", "포"]),
            (
                "MLOps 엔지니어!",
                &["mlops", "엔", "엔지", "지", "지니", "니", "니어", "어"],
            ),
            ("Ｆｕｌｌ－width ＡＢＣ", &["full", "width", "abc"]),
            (
                "\"NEAR\" (a OR b) -c* ^d:e",
                &["near", "a", "or", "b", "c", "d", "e"],
            ),
            (
                "東京タワー",
                &["東", "東京", "京", "京タ", "タ", "タワ", "ワ", "ワー", "ー"],
            ),
            ("Café crème", &["café", "crème"]),
            ("   ", &[]),
            ("--- *** ---", &[]),
        ];
        for (input, want) in cases {
            assert_eq!(texts(input), *want, "tokens of {input:?}");
        }
    }

    #[test]
    fn decomposed_hangul_is_composed_first() {
        let decomposed: String = "회고".nfd().collect();
        assert_ne!(decomposed, "회고");
        assert_eq!(texts(&decomposed), texts("회고"));
    }

    #[test]
    fn spans_point_into_the_normalised_text() {
        let text = normalize("첫 퇴사를 Docker");
        let toks = tokens(&text);
        let bigram = toks.iter().find(|t| t.text == "퇴사").unwrap();
        assert_eq!(&text[bigram.start..bigram.end], "퇴사");
        let word = toks.iter().find(|t| t.text == "docker").unwrap();
        assert_eq!(&text[word.start..word.end], "Docker");
    }

    #[test]
    fn long_words_are_cut() {
        let long = "a".repeat(200);
        assert_eq!(texts(&long), vec!["a".repeat(MAX_WORD_CHARS)]);
    }
}
