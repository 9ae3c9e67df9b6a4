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

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick, is_nfkc_quick};

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

/// NFC, the form stored text and snippets are cut from. Text already in NFC (all
/// ASCII, or what the quick check vouches for) is copied as it is.
pub fn normalize(text: &str) -> String {
    if text.is_ascii() || is_nfc_quick(text.chars()) == IsNormalized::Yes {
        text.to_owned()
    } else {
        text.nfc().collect()
    }
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
    if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            Class::Word
        } else {
            Class::Sep
        }
    } else if is_cjk(c) {
        Class::Cjk
    } else if c.is_alphanumeric() {
        Class::Word
    } else {
        Class::Sep
    }
}

/// Calls `f` with each character `source` folds to: its NFKC form, lowercased. ASCII,
/// Hangul syllables and characters NFKC leaves alone (by the quick check) skip the
/// normalizer, which would otherwise buffer every character.
#[inline]
fn fold(source: char, mut f: impl FnMut(char)) {
    if source.is_ascii() {
        f(source.to_ascii_lowercase());
    } else if matches!(u32::from(source), 0xAC00..=0xD7A3) {
        // Precomposed syllables: NFKC keeps them, and they have no case.
        f(source);
    } else if is_nfkc_quick(std::iter::once(source)) == IsNormalized::Yes {
        source.to_lowercase().for_each(f);
    } else {
        std::iter::once(source)
            .nfkc()
            .flat_map(char::to_lowercase)
            .for_each(f);
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
        fold(source, |folded| {
            let k = class(folded);
            if k != current_class {
                flush(&mut current, current_class, &mut out);
                current_class = k;
            }
            if k != Class::Sep {
                current.push((folded, start, end));
            }
        });
    }
    flush(&mut current, current_class, &mut out);
    out
}

/// Writes the texts of [`tokens`]`(text)` to `out`, in order and separated by single
/// spaces (after a space when `out` already holds tokens), and returns how many it
/// wrote. The same rule without a `String` per token, for indexing whole posts.
pub fn write_token_texts(text: &str, out: &mut String) -> usize {
    let mut count = 0;
    let mut current = Class::Sep;
    let mut word_chars = 0;
    let mut previous: Option<char> = None;
    let separate = |out: &mut String, count: &mut usize| {
        if !out.is_empty() {
            out.push(' ');
        }
        *count += 1;
    };
    for source in text.chars() {
        fold(source, |c| {
            let k = class(c);
            if k != current {
                current = k;
                previous = None;
                if k == Class::Word {
                    separate(out, &mut count);
                    word_chars = 0;
                }
            }
            match k {
                Class::Word => {
                    if word_chars < MAX_WORD_CHARS {
                        out.push(c);
                        word_chars += 1;
                    }
                }
                Class::Cjk => {
                    if let Some(p) = previous {
                        separate(out, &mut count);
                        out.push(p);
                        out.push(c);
                    }
                    separate(out, &mut count);
                    out.push(c);
                    previous = Some(c);
                }
                Class::Sep => {}
            }
        });
    }
    count
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

    /// The rule as first written (NFKC through the normalizer for every character, a
    /// `String` per token): the reference the fast paths must match exactly.
    mod reference {
        use super::super::{Class, MAX_WORD_CHARS, class};
        use unicode_normalization::UnicodeNormalization;

        pub fn normalize(text: &str) -> String {
            text.nfc().collect()
        }

        /// `(text, start, end)` of every token, in order.
        pub fn tokens(text: &str) -> Vec<(String, usize, usize)> {
            let mut out = Vec::new();
            let mut current: Vec<(char, usize, usize)> = Vec::new();
            let mut current_class = Class::Sep;
            let flush = |chars: &mut Vec<(char, usize, usize)>,
                         class: Class,
                         out: &mut Vec<(String, usize, usize)>| {
                let (Some(first), Some(last)) = (chars.first(), chars.last()) else {
                    return;
                };
                match class {
                    Class::Word => out.push((
                        chars.iter().take(MAX_WORD_CHARS).map(|c| c.0).collect(),
                        first.1,
                        last.2,
                    )),
                    Class::Cjk => {
                        for (i, c) in chars.iter().enumerate() {
                            out.push((c.0.to_string(), c.1, c.2));
                            if let Some(next) = chars.get(i + 1) {
                                out.push((format!("{}{}", c.0, next.0), c.1, next.2));
                            }
                        }
                    }
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
    }

    /// Texts covering every path of [`fold`] and every run boundary.
    const VARIED: &[&str] = &[
        "회고록 2021년 회고, Docker를 배포했다.",
        "MLOps 엔지니어! 東京タワー ｶﾀｶﾅ ﾊﾝｶｸ",
        "Ｆｕｌｌ－width ＡＢＣ １２３ and ｆｕｌｌ",
        "㈜퀘어 ㈔ ㉠㉮ ﬁle ﬂow ﬃ ² ½ ⅷ Ⅻ ㎏ ㎞ ℃ ™ № ℡",
        "jamo 한 한 ㅎㅏㄴ ꥠ ힰ",
        "emoji 🎉🚀 👩‍💻 test🙂word 1️⃣",
        "Café crème naïve e\u{301} cafe\u{301} o\u{308}\u{304} a\u{0323}\u{0302}",
        "ΑΒΓ Σίσυφος ΣΑΣ İstanbul ǅemal ß ẞ ﬀ Ω K Å",
        "кириллица Ёжик العربية עברית हिन्दी ไทย",
        "mixed한글English中文にほんごhangul123숫자",
        "\u{200b}zero\u{200d}width\u{feff}bom\u{00a0}nbsp\u{3000}ideographic",
        "--- *** --- \"NEAR\" (a OR b) -c* ^d:e",
        "𠀀𠀁 𪚥 丽 豈 更 ⺀ ⼀ ㆒ ㋀ ㍿",
        "",
        "   ",
    ];

    /// A deterministic jumble of characters from every kind above.
    fn jumble(seed: u64, len: usize) -> String {
        let pool: Vec<char> = VARIED.concat().chars().collect();
        let mut state = seed;
        (0..len)
            .map(|_| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                pool[usize::try_from(state >> 33).unwrap() % pool.len()]
            })
            .collect()
    }

    fn samples() -> Vec<String> {
        let mut all: Vec<String> = VARIED.iter().map(|s| (*s).to_owned()).collect();
        all.push("a".repeat(200) + " 가" + &"b".repeat(64) + "é");
        all.push("Ａ".repeat(70));
        all.push(VARIED.concat());
        all.push("회고".nfd().collect());
        all.extend((0..200).map(|seed| jumble(seed, 1 + usize::try_from(seed).unwrap() * 3)));
        all
    }

    #[test]
    fn matches_the_reference_rule() {
        for text in samples() {
            let normalized = normalize(&text);
            assert_eq!(normalized, reference::normalize(&text), "nfc of {text:?}");
            let want = reference::tokens(&normalized);
            let got: Vec<(String, usize, usize)> = tokens(&normalized)
                .into_iter()
                .map(|t| (t.text, t.start, t.end))
                .collect();
            assert_eq!(got, want, "tokens of {text:?}");
            let mut joined = String::new();
            let count = write_token_texts(&normalized, &mut joined);
            let want_texts: Vec<&str> = want.iter().map(|t| t.0.as_str()).collect();
            assert_eq!(joined, want_texts.join(" "), "token texts of {text:?}");
            assert_eq!(count, want.len(), "token count of {text:?}");
        }
    }

    #[test]
    fn token_texts_continue_after_what_is_there() {
        let mut out = String::from("title");
        assert_eq!(write_token_texts("회고 OK", &mut out), 4);
        assert_eq!(out, "title 회 회고 고 ok");
        assert_eq!(write_token_texts("--", &mut out), 0);
        assert_eq!(out, "title 회 회고 고 ok");
    }

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
