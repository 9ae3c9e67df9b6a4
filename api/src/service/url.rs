//! Which links a writer may store (a post's cover image and canonical URL, an avatar,
//! the site's links): an http(s) URL, or a path on the site. A path is `/x` but never
//! `//host/x` nor `/\host/x`, which browsers follow to another site.

use crate::error::{AppError, AppResult};

/// Longest link kept, in bytes.
pub const MAX_URL: usize = 2048;

/// Whether `v` is a path on this site (not a protocol-relative link elsewhere).
pub fn is_site_path(v: &str) -> bool {
    v.starts_with('/') && !v.starts_with("//") && !v.starts_with("/\\")
}

/// Checks a link `field` may hold: an http(s) URL or a path on the site, without spaces
/// or control characters, at most [`MAX_URL`] bytes.
pub fn check(field: &str, url: Option<&str>) -> AppResult<()> {
    let Some(u) = url else {
        return Ok(());
    };
    let ok = u.starts_with("https://") || u.starts_with("http://") || is_site_path(u);
    if !ok || u.len() > MAX_URL || u.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(AppError::bad_input(
            field,
            "must be an http(s) URL or a path on the site starting with a single /",
        ));
    }
    Ok(())
}
