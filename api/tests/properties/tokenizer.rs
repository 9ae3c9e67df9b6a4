//! The search tokenizer: never panics; tokens are non-empty, already folded (lowercase,
//! NFKC), free of anything FTS5 or tsquery would read as syntax; the indexing fast path
//! writes exactly the tokens; a query made of one token of a document is that very
//! token; and a query made of a document's text asks only for tokens the document has.

use proptest::prelude::*;
use quire::search::{
    SearchQuery,
    tokenize::{normalize, tokens, write_token_texts},
};

use super::{config, messy_text};

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn tokens_are_folded_and_find_themselves(text in messy_text()) {
        let normalized = normalize(&text);
        let found = tokens(&normalized);
        let mut written = String::new();
        let count = write_token_texts(&normalized, &mut written);
        let texts: Vec<&str> = found.iter().map(|t| t.text.as_str()).collect();
        prop_assert_eq!(count, found.len());
        prop_assert_eq!(written, texts.join(" "));
        for t in &found {
            prop_assert!(!t.text.is_empty());
            prop_assert!(t.start < t.end && t.end <= normalized.len());
            prop_assert!(normalized.is_char_boundary(t.start) && normalized.is_char_boundary(t.end));
            prop_assert!(
                !t.text.chars().any(|c| c.is_whitespace() || c.is_control() || "\"'*():^-+".contains(c)),
                "token {:?} of {:?}", t.text, text
            );
            prop_assert_eq!(t.text.to_lowercase(), t.text.clone(), "token of {:?}", text);
            if normalize(&t.text) != t.text {
                // Compatibility jamo (`ㄷㅏ`) fold one by one to conjoining jamo, which
                // NFC would compose (`다`): such a token is found by the text it came
                // from (below), not by itself.
                continue;
            }
            let query = SearchQuery::parse(&t.text);
            prop_assert_eq!(
                query.map(|q| q.terms),
                Ok(vec![vec![t.text.clone()]]),
                "token {:?} of {:?}", t.text, text
            );
        }
        // Searching for a document's own text asks only for tokens it was indexed by.
        if let Ok(query) = SearchQuery::parse(&text) {
            for token in query.terms.iter().flatten() {
                prop_assert!(texts.contains(&token.as_str()), "query token {:?} of {:?}", token, text);
            }
        }
    }
}
