//! Where media is stored, how it is served and processed (flags of every subcommand).

use clap::Args;

/// Where uploaded media is kept and how it is served and processed; accepted by every
/// subcommand (`quire serve`, `quire media …`). [`MediaConfig::default`] is the local
/// `media/` folder with the documented limits.
#[derive(Clone, Args)]
pub struct MediaConfig {
    /// Where media objects are stored: `s3://bucket/prefix` for S3-compatible storage
    /// (credentials from the usual AWS variables), or a folder; default `media/` in the
    /// data directory.
    #[arg(long, env = "QUIRE_MEDIA_URL", global = true)]
    pub media_url: Option<String>,
    /// The S3 endpoint, for stores other than AWS (MinIO, R2, moto…); `http://` allows
    /// plain HTTP.
    #[arg(long, env = "AWS_ENDPOINT_URL", global = true)]
    pub media_s3_endpoint: Option<String>,
    /// The S3 region.
    #[arg(long, env = "AWS_REGION", global = true, default_value = "us-east-1")]
    pub media_s3_region: String,
    /// The S3 access key ID.
    #[arg(long, env = "AWS_ACCESS_KEY_ID", global = true, hide_env_values = true)]
    pub media_s3_access_key_id: Option<String>,
    /// The S3 secret access key. Prefer the environment variable.
    #[arg(
        long,
        env = "AWS_SECRET_ACCESS_KEY",
        global = true,
        hide_env_values = true
    )]
    pub media_s3_secret_access_key: Option<String>,
    /// An S3 session token (temporary credentials).
    #[arg(long, env = "AWS_SESSION_TOKEN", global = true, hide_env_values = true)]
    pub media_s3_session_token: Option<String>,
    /// Where media URLs point, e.g. a CDN in front of this server
    /// (`https://cdn.example.com`); default: paths on this server (`/media/…`).
    #[arg(long, env = "QUIRE_MEDIA_BASE_URL", global = true)]
    pub media_base_url: Option<String>,
    /// Largest file an upload may carry, in bytes; refused while it streams in.
    #[arg(long, env = "QUIRE_MEDIA_MAX_BYTES", global = true, default_value_t = MediaConfig::DEFAULT_MAX_BYTES)]
    pub media_max_bytes: u64,
    /// Most pixels (width × height) an image may have; larger ones (decompression
    /// bombs) are refused before they are decoded.
    #[arg(long, env = "QUIRE_MEDIA_MAX_PIXELS", global = true, default_value_t = MediaConfig::DEFAULT_MAX_PIXELS)]
    pub media_max_pixels: u64,
    /// The widths of the responsive variants, in pixels, comma-separated.
    #[arg(long, env = "QUIRE_MEDIA_WIDTHS", global = true, value_delimiter = ',', default_values_t = MediaConfig::DEFAULT_WIDTHS)]
    pub media_widths: Vec<u32>,
    /// Keep images' EXIF/XMP metadata (camera, GPS position); stripped by default.
    #[arg(long, env = "QUIRE_MEDIA_KEEP_METADATA", global = true)]
    pub media_keep_metadata: bool,
}

impl MediaConfig {
    pub const DEFAULT_MAX_BYTES: u64 = 20 * 1024 * 1024;
    pub const DEFAULT_MAX_PIXELS: u64 = 50_000_000;
    pub const DEFAULT_WIDTHS: [u32; 4] = [320, 640, 1024, 1600];
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            media_url: None,
            media_s3_endpoint: None,
            media_s3_region: "us-east-1".to_owned(),
            media_s3_access_key_id: None,
            media_s3_secret_access_key: None,
            media_s3_session_token: None,
            media_base_url: None,
            media_max_bytes: Self::DEFAULT_MAX_BYTES,
            media_max_pixels: Self::DEFAULT_MAX_PIXELS,
            media_widths: Self::DEFAULT_WIDTHS.to_vec(),
            media_keep_metadata: false,
        }
    }
}

impl std::fmt::Debug for MediaConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MediaConfig")
            .field("media_url", &self.media_url)
            .field("media_s3_endpoint", &self.media_s3_endpoint)
            .field("media_s3_region", &self.media_s3_region)
            .field("media_s3_secret_access_key", &"[redacted]")
            .field("media_base_url", &self.media_base_url)
            .field("media_max_bytes", &self.media_max_bytes)
            .field("media_max_pixels", &self.media_max_pixels)
            .field("media_widths", &self.media_widths)
            .field("media_keep_metadata", &self.media_keep_metadata)
            .finish_non_exhaustive()
    }
}
