//! The cache-tag header of cacheable answers (flags of `quire serve`).

use clap::Args;

/// The header that names what a cacheable answer contains, for CDNs that purge by tag:
/// `Surrogate-Key` (Fastly; also Varnish with `xkey` configured to read it), `Cache-Tag`
/// (Cloudflare, comma-separated) or `xkey` (Varnish). See `docs/delivery.md`.
#[derive(Debug, Clone, Args)]
pub struct CacheTagConfig {
    /// The header's name; empty sends none. `Cache-Tag` separates keys with commas,
    /// any other with spaces.
    #[arg(long, env = "QUIRE_CACHE_TAG_HEADER", default_value = "Surrogate-Key", value_parser = header_name)]
    pub cache_tag_header: String,
    /// Longest the header's value may be, in bytes (Fastly and Cloudflare take 16 KB);
    /// an answer whose keys would not fit is tagged `all` alone, which every change purges.
    #[arg(long, env = "QUIRE_CACHE_TAG_MAX_BYTES", default_value_t = CacheTagConfig::DEFAULT.cache_tag_max_bytes,
          value_parser = clap::value_parser!(u32).range(16..=65_536))]
    pub cache_tag_max_bytes: u32,
}

impl CacheTagConfig {
    /// The number of the defaults; [`CacheTagConfig::default`] has the name too.
    pub const DEFAULT: Self = Self {
        cache_tag_header: String::new(),
        cache_tag_max_bytes: 16_000,
    };
}

impl Default for CacheTagConfig {
    fn default() -> Self {
        Self {
            cache_tag_header: "Surrogate-Key".to_owned(),
            ..Self::DEFAULT
        }
    }
}

/// `--cache-tag-header`: empty, or a valid header name.
fn header_name(v: &str) -> Result<String, String> {
    let valid = v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_!#$%&'*+.^`|~".contains(&b));
    if valid {
        Ok(v.to_owned())
    } else {
        Err(format!("{v:?} is not a header name"))
    }
}
