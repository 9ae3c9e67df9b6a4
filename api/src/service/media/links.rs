//! The URLs of media files: `/media/{sha256}/{filename}` for an original and
//! `/media/{sha256}/{width}.{format}/{filename}` for a variant, under
//! `QUIRE_MEDIA_BASE_URL` when one is set (a CDN). The hash makes them immutable.

use entity::media;

use super::Library;
use crate::media::{image, name, sniff};

/// The prefix of every media path.
pub const PREFIX: &str = "/media/";

/// The original's URL.
pub fn original(lib: &Library, m: &media::Model) -> String {
    format!(
        "{}{PREFIX}{}/{}",
        lib.base_url,
        m.sha256,
        name::url_segment(&m.filename)
    )
}

/// Whether variants of `m` can be made (a decoded raster image with a known width).
pub fn has_variants(m: &media::Model) -> bool {
    sniff::DECODED.contains(&m.mime_type.as_str()) && m.width.is_some()
}

/// The URL of `m` at `width` (a configured width; the nearest one at or above it is
/// taken) in WebP or its own format. The original's URL when no variant applies: not an
/// image, or not WebP and at least as wide as asked.
pub fn sized(lib: &Library, m: &media::Model, width: Option<u32>, webp: bool) -> String {
    let Some(own) = m
        .width
        .and_then(|w| u32::try_from(w).ok())
        .filter(|_| has_variants(m))
    else {
        return original(lib, m);
    };
    let wanted = width.unwrap_or(own);
    let chosen = lib
        .widths
        .iter()
        .copied()
        .find(|w| *w >= wanted && *w < own)
        .filter(|_| wanted < own);
    match (chosen, webp) {
        (Some(w), _) => variant(lib, m, w, image::variant_format(&m.mime_type, webp)),
        (None, false) => original(lib, m),
        // As large as the original, in WebP: the largest configured width serves it
        // (variants are never wider than the original).
        (None, true) => match lib.widths.last() {
            Some(w) => variant(lib, m, *w, "webp"),
            None => original(lib, m),
        },
    }
}

/// The URL of one variant.
pub fn variant(lib: &Library, m: &media::Model, width: u32, format: &str) -> String {
    let ext = if format == "jpeg" { "jpg" } else { format };
    format!(
        "{}{PREFIX}{}/{width}.{format}/{}",
        lib.base_url,
        m.sha256,
        name::url_segment(&name::with_extension(&m.filename, ext))
    )
}

/// A `srcset` for `m`: each configured width narrower than the original, then the
/// original's own width; `None` for files that have no variants.
pub fn srcset(lib: &Library, m: &media::Model, webp: bool) -> Option<String> {
    let own = m
        .width
        .and_then(|w| u32::try_from(w).ok())
        .filter(|_| has_variants(m))?;
    let format = image::variant_format(&m.mime_type, webp);
    let mut parts: Vec<String> = lib
        .widths
        .iter()
        .filter(|w| **w < own)
        .map(|w| format!("{} {w}w", variant(lib, m, *w, format)))
        .collect();
    let largest = lib.widths.last().copied().unwrap_or(0);
    if !webp {
        parts.push(format!("{} {own}w", original(lib, m)));
    } else if own <= largest {
        // Made at the original's width (never wider).
        parts.push(format!("{} {own}w", variant(lib, m, largest, format)));
    }
    Some(parts.join(", "))
}
