//! The checks on each site setting, one pure function each: a value is accepted in its
//! normal form (a tag's case, a base URL's trailing slash) or refused with an error that
//! names the field.

use url::Url;

use crate::error::{AppError, AppResult};
use crate::service::url::MAX_URL;

/// Text that must be there: trimmed, not empty, at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> AppResult<String> {
    match optional_text(field, value, max)? {
        Some(v) => Ok(v),
        None => Err(AppError::bad_input(field, "must not be empty")),
    }
}

/// Text that may be absent: trimmed, at most `max` characters; empty means none.
pub fn optional_text(field: &str, value: &str, max: usize) -> AppResult<Option<String>> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(AppError::bad_input(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    Ok((!v.is_empty()).then(|| v.to_owned()))
}

/// A well-formed and valid BCP 47 language tag (`ko`, `en-US`, `zh-Hant-TW`), in its
/// normal case.
pub fn language(field: &str, value: &str) -> AppResult<String> {
    let tag = language_tags::LanguageTag::parse(value.trim())
        .map_err(|e| AppError::bad_input(field, format!("is not a BCP 47 language tag: {e}")))?;
    tag.validate()
        .map_err(|e| AppError::bad_input(field, format!("is not a valid language tag: {e}")))?;
    Ok(tag.into_string())
}

/// An IANA time zone name (`Asia/Seoul`, `UTC`).
pub fn timezone(field: &str, value: &str) -> AppResult<String> {
    value
        .trim()
        .parse::<chrono_tz::Tz>()
        .map(|tz| tz.name().to_owned())
        .map_err(|_| {
            AppError::bad_input(
                field,
                "must be an IANA time zone name such as Asia/Seoul or UTC",
            )
        })
}

/// `#rrggbb`, in lower case.
pub fn accent_color(field: &str, value: &str) -> AppResult<String> {
    let v = value.trim();
    let hex = v.strip_prefix('#').unwrap_or_default();
    if hex.len() != 6 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::bad_input(
            field,
            "must be a colour written #rrggbb",
        ));
    }
    Ok(v.to_ascii_lowercase())
}

/// An absolute http(s) URL with a host.
fn absolute_http(field: &str, value: &str) -> AppResult<Url> {
    if value.len() > MAX_URL {
        return Err(AppError::bad_input(
            field,
            format!("must be at most {MAX_URL} bytes"),
        ));
    }
    let url = Url::parse(value)
        .map_err(|e| AppError::bad_input(field, format!("is not an absolute URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(AppError::bad_input(
            field,
            "must be an absolute http or https URL",
        ));
    }
    Ok(url)
}

/// The address the site is served at: absolute http(s), no query, fragment or
/// credentials; normalised to end in `/`, so paths join under it.
pub fn base_url(field: &str, value: &str) -> AppResult<String> {
    let mut url = absolute_http(field, value.trim())?;
    if url.query().is_some() || url.fragment().is_some() {
        return Err(AppError::bad_input(
            field,
            "must not have a query or fragment",
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(AppError::bad_input(field, "must not carry credentials"));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url.into())
}

/// A link: an absolute http(s) URL, or a path on the site (`/about`, not `//host`).
pub fn link(field: &str, value: &str) -> AppResult<String> {
    let v = value.trim();
    if crate::service::url::is_site_path(v) {
        if v.len() > MAX_URL {
            return Err(AppError::bad_input(
                field,
                format!("must be at most {MAX_URL} bytes"),
            ));
        }
        if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(AppError::bad_input(
                field,
                "must not contain spaces or control characters",
            ));
        }
        return Ok(v.to_owned());
    }
    absolute_http(field, v).map_err(|_| {
        AppError::bad_input(
            field,
            "must be an absolute http(s) URL or a path on the site starting with /",
        )
    })?;
    Ok(v.to_owned())
}

/// An absolute http(s) URL (a profile elsewhere).
pub fn external_link(field: &str, value: &str) -> AppResult<String> {
    let v = value.trim();
    absolute_http(field, v)?;
    Ok(v.to_owned())
}

/// A social network's name as a frontend picks an icon by it: `github`, `x`,
/// `mastodon` (lower-case letters, digits and `-`, at most 32).
pub fn network(field: &str, value: &str) -> AppResult<String> {
    let v = value.trim();
    let ok = !v.is_empty()
        && v.len() <= 32
        && v.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !ok {
        return Err(AppError::bad_input(
            field,
            "must be 1 to 32 lower-case letters, digits or -",
        ));
    }
    Ok(v.to_owned())
}

/// `link` (as stored) made absolute against `base` (which ends in `/`); an absolute link
/// stays as it is. `None` when there is no base to join onto.
pub fn absolute(base: Option<&str>, link: &str) -> Option<String> {
    if !link.starts_with('/') {
        return Some(link.to_owned());
    }
    let base = Url::parse(base?).ok()?;
    base.join(link.trim_start_matches('/'))
        .ok()
        .map(String::from)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn refused(r: AppResult<String>) -> String {
        match r {
            Err(AppError::BadInput { field, .. }) => field,
            other => panic!("expected BadInput, got {other:?}"),
        }
    }

    #[test]
    fn languages_are_bcp47_in_normal_case() {
        for (given, want) in [
            ("ko", "ko"),
            ("en-us", "en-US"),
            ("zh-Hant-TW", "zh-Hant-TW"),
            (" ko-KR ", "ko-KR"),
        ] {
            assert_eq!(language("language", given).unwrap(), want);
        }
        for bad in ["", "korean", "ko_KR", "en-", "12", "qqq-zz-zz"] {
            assert_eq!(refused(language("language", bad)), "language", "{bad}");
        }
    }

    #[test]
    fn timezones_are_iana_names() {
        assert_eq!(timezone("timezone", "Asia/Seoul").unwrap(), "Asia/Seoul");
        assert_eq!(timezone("timezone", "UTC").unwrap(), "UTC");
        for bad in ["", "Seoul", "KST+9", "Asia/Busan", "+09:00"] {
            assert_eq!(refused(timezone("timezone", bad)), "timezone", "{bad}");
        }
    }

    #[test]
    fn accent_colours_are_hex_triplets() {
        assert_eq!(accent_color("c", "#FF8800").unwrap(), "#ff8800");
        for bad in ["", "ff8800", "#f80", "#ff88001", "#gg8800", "red"] {
            assert_eq!(refused(accent_color("c", bad)), "c", "{bad}");
        }
    }

    #[test]
    fn base_urls_are_absolute_http_and_end_in_a_slash() {
        for (given, want) in [
            ("https://blog.example.com", "https://blog.example.com/"),
            ("http://example.com/blog", "http://example.com/blog/"),
            ("https://예시.kr/", "https://xn--vv4b11d.kr/"),
        ] {
            assert_eq!(base_url("baseUrl", given).unwrap(), want);
        }
        for bad in [
            "",
            "/blog",
            "example.com",
            "ftp://example.com/",
            "https://example.com/?a=1",
            "https://example.com/#top",
            "https://u:p@example.com/",
            "mailto:a@example.com",
        ] {
            assert_eq!(refused(base_url("baseUrl", bad)), "baseUrl", "{bad}");
        }
    }

    #[test]
    fn links_are_absolute_http_or_site_paths() {
        for ok in ["/", "/about", "/tags/회고", "https://github.com/quire"] {
            assert_eq!(link("url", ok).unwrap(), ok);
        }
        for bad in [
            "",
            "about",
            "//evil.example.com/",
            "javascript:alert(1)",
            "/a b",
        ] {
            assert_eq!(refused(link("url", bad)), "url", "{bad}");
        }
        assert_eq!(refused(external_link("url", "/me")), "url");
    }

    #[test]
    fn networks_are_lower_case_tokens() {
        assert_eq!(network("n", "github").unwrap(), "github");
        for bad in ["", "GitHub", "my network", &"x".repeat(33)] {
            assert_eq!(refused(network("n", bad)), "n", "{bad}");
        }
    }

    #[test]
    fn site_paths_join_under_the_base() {
        let base = Some("https://example.com/blog/");
        assert_eq!(
            absolute(base, "/tags/회고").as_deref(),
            Some("https://example.com/blog/tags/%ED%9A%8C%EA%B3%A0")
        );
        assert_eq!(
            absolute(base, "https://x.example/").as_deref(),
            Some("https://x.example/")
        );
        assert_eq!(absolute(None, "/about"), None);
        assert_eq!(
            absolute(None, "https://x.example/").as_deref(),
            Some("https://x.example/")
        );
    }

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(required_text("t", "  제목 ", 10).unwrap(), "제목");
        assert_eq!(refused(required_text("t", "   ", 10)), "t");
        assert_eq!(refused(required_text("t", "가나다", 2)), "t");
        assert_eq!(optional_text("d", " ", 10).unwrap(), None);
    }
}
