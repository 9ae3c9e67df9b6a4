//! `slug::slugify`: never empty for text that is not blank, only what `validate`
//! accepts, a fixed point of itself, Hangul kept.

use proptest::prelude::*;
use quire::slug::{slugify, validate};

use super::{config, messy_text};

proptest! {
    #![proptest_config(config(2000))]

    #[test]
    fn a_slug_is_valid_and_its_own_slug(text in messy_text()) {
        let slug = slugify(&text);
        if text.trim().is_empty() {
            prop_assert_eq!(&slug, "");
        } else {
            prop_assert_eq!(validate(&slug), Ok(()), "slugify({:?}) = {:?}", text, slug);
            prop_assert_eq!(slugify(&slug), slug.clone(), "slugify({:?})", text);
        }
    }

    #[test]
    fn hangul_is_kept(words in proptest::collection::vec("[가-힣]{1,6}", 1..5)) {
        let slug = slugify(&words.join(" "));
        prop_assert_eq!(slug, words.join("-"));
    }
}
