//! Word counts and reading time, aware of how each script separates words.
//!
//! Korean puts spaces between words (eojeol), so it is counted in words like English,
//! read at about 200 words a minute (the rate zola settled on in its issue 3141);
//! English and other space-separated text at 230 words a minute; Chinese and Japanese
//! do not separate words, so each Han, Hiragana or Katakana character counts as one,
//! read at 500 characters a minute.

const KOREAN_WPM: f64 = 200.0;
const LATIN_WPM: f64 = 230.0;
const CJK_CPM: f64 = 500.0;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadingStats {
    pub words: i32,
    pub minutes: i32,
}

fn is_hangul(c: char) -> bool {
    matches!(c, '\u{AC00}'..='\u{D7A3}' | '\u{1100}'..='\u{11FF}' | '\u{3130}'..='\u{318F}')
}

fn is_cjk_char(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}'
        | '\u{3040}'..='\u{309F}' | '\u{30A0}'..='\u{30FF}')
}

/// Counts words and estimates whole minutes (at least 1 for any text, 0 for none).
pub fn stats(text: &str) -> ReadingStats {
    let (mut korean, mut latin, mut cjk) = (0u32, 0u32, 0u32);
    for token in text.split_whitespace() {
        let mut rest_has_word = false;
        let mut has_hangul = false;
        for c in token.chars() {
            // ASCII and Hangul syllables first: most text, and `is_alphanumeric` is a
            // table search for everything outside ASCII.
            if c.is_ascii() {
                rest_has_word |= c.is_ascii_alphanumeric();
            } else if matches!(c, '\u{AC00}'..='\u{D7A3}') {
                rest_has_word = true;
                has_hangul = true;
            } else if is_cjk_char(c) {
                cjk += 1;
            } else if c.is_alphanumeric() {
                rest_has_word = true;
                has_hangul |= is_hangul(c);
            }
        }
        if rest_has_word {
            if has_hangul {
                korean += 1;
            } else {
                latin += 1;
            }
        }
    }
    let words = korean + latin + cjk;
    let minutes =
        f64::from(korean) / KOREAN_WPM + f64::from(latin) / LATIN_WPM + f64::from(cjk) / CJK_CPM;
    ReadingStats {
        words: i32::try_from(words).unwrap_or(i32::MAX),
        minutes: if words == 0 {
            0
        } else {
            (minutes.ceil() as i32).max(1)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The count as first written, before the ASCII and Hangul shortcuts.
    fn reference(text: &str) -> (u32, u32, u32) {
        let (mut korean, mut latin, mut cjk) = (0u32, 0u32, 0u32);
        for token in text.split_whitespace() {
            let mut rest_has_word = false;
            let mut has_hangul = false;
            for c in token.chars() {
                if is_cjk_char(c) {
                    cjk += 1;
                } else if c.is_alphanumeric() {
                    rest_has_word = true;
                    has_hangul |= is_hangul(c);
                }
            }
            if rest_has_word {
                if has_hangul {
                    korean += 1;
                } else {
                    latin += 1;
                }
            }
        }
        (korean, latin, cjk)
    }

    #[test]
    fn shortcuts_count_as_the_reference_does() {
        let texts = [
            "도커를 배웠다 MLOps 2021년 -- !! 東京タワー ㄱㄴ ㅎ \u{3130} \u{318f} ᄀ 한\u{11a8}",
            "Café crème, naïve; ΑΒΓ кириллица 🎉 (1) [x] 「引用」 ｆｕｌｌ",
            "글 글! !글 a한 한a 1 _ - ・ ー 〆",
            "",
        ];
        for text in texts {
            let (korean, latin, cjk) = reference(text);
            let words = korean + latin + cjk;
            assert_eq!(
                stats(text).words,
                i32::try_from(words).unwrap(),
                "words of {text:?}"
            );
            let want = stats(&format!("{text} ").repeat(300));
            let (k, l, c) = reference(&format!("{text} ").repeat(300));
            assert_eq!(want.words, i32::try_from(k + l + c).unwrap());
            let minutes =
                f64::from(k) / KOREAN_WPM + f64::from(l) / LATIN_WPM + f64::from(c) / CJK_CPM;
            let minutes = if k + l + c == 0 {
                0
            } else {
                (minutes.ceil() as i32).max(1)
            };
            assert_eq!(want.minutes, minutes, "minutes of {text:?}");
        }
    }

    #[test]
    fn korean_counts_words_at_200_a_minute() {
        let text = "도커를 배웠다 ".repeat(200); // 400 words
        assert_eq!(
            stats(&text),
            ReadingStats {
                words: 400,
                minutes: 2
            }
        );
    }

    #[test]
    fn english_counts_words_at_230_a_minute() {
        let text = "word ".repeat(460);
        assert_eq!(
            stats(&text),
            ReadingStats {
                words: 460,
                minutes: 2
            }
        );
        let text = "word ".repeat(461);
        assert_eq!(stats(&text).minutes, 3);
    }

    #[test]
    fn japanese_counts_characters() {
        let text = "日本語の文章".repeat(100); // 600 characters
        assert_eq!(
            stats(&text),
            ReadingStats {
                words: 600,
                minutes: 2
            }
        );
    }

    #[test]
    fn punctuation_alone_is_not_a_word_and_empty_is_zero() {
        assert_eq!(
            stats(" - … ! "),
            ReadingStats {
                words: 0,
                minutes: 0
            }
        );
        assert_eq!(
            stats("한 word"),
            ReadingStats {
                words: 2,
                minutes: 1
            }
        );
    }
}
