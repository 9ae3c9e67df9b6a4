//! Images: their size read from the header first, so a decompression bomb (a tiny file
//! claiming 50,000 × 50,000 pixels) is refused before a pixel is decoded; the EXIF
//! orientation applied; EXIF/XMP/IPTC metadata (camera, GPS position) stripped unless
//! kept on purpose; a dominant colour for placeholders; and the responsive variants.
//! Pure: bytes in, bytes out. CPU-bound: callers run it on a blocking thread.

use std::io::Cursor;

use bytes::Bytes;
use image::{
    DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits,
    codecs::{jpeg::JpegEncoder, png::PngEncoder},
    imageops::FilterType,
    metadata::Orientation,
};
use img_parts::{ImageEXIF, jpeg::Jpeg, png::Png, webp::WebP};

/// What an image may be, and what is kept of it.
#[derive(Debug, Clone, Copy)]
pub struct ImageRules {
    /// Most pixels (width × height).
    pub max_pixels: u64,
    /// Keep EXIF/XMP/IPTC metadata instead of stripping it.
    pub keep_metadata: bool,
}

/// Why an image was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    #[error("the image is {width} × {height} pixels; at most {max} pixels are allowed")]
    TooLarge { width: u32, height: u32, max: u64 },
    #[error("the image cannot be read: {0}")]
    Corrupt(String),
}

/// An image ready to store.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The bytes to keep: oriented, without metadata (unless kept).
    pub bytes: Bytes,
    pub width: u32,
    pub height: u32,
    /// `#rrggbb`.
    pub dominant_color: String,
}

fn format_of(mime: &str) -> Result<ImageFormat, ImageError> {
    ImageFormat::from_mime_type(mime)
        .ok_or_else(|| ImageError::Corrupt(format!("{mime} images are not decoded")))
}

fn corrupt(e: impl std::fmt::Display) -> ImageError {
    ImageError::Corrupt(e.to_string())
}

fn reader(bytes: &[u8], format: ImageFormat, max_pixels: u64) -> ImageReader<Cursor<&[u8]>> {
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    let mut limits = Limits::default();
    // RGBA at 16 bits a channel, plus room for one converted copy.
    limits.max_alloc = Some(max_pixels.saturating_mul(16));
    reader.limits(limits);
    reader
}

/// The image's size from its header, refused when over the limit; then decoded.
fn decode(
    bytes: &[u8],
    mime: &str,
    max_pixels: u64,
) -> Result<(DynamicImage, Orientation), ImageError> {
    let format = format_of(mime)?;
    let (width, height) = reader(bytes, format, max_pixels)
        .into_dimensions()
        .map_err(corrupt)?;
    if u64::from(width) * u64::from(height) > max_pixels {
        return Err(ImageError::TooLarge {
            width,
            height,
            max: max_pixels,
        });
    }
    let mut decoder = reader(bytes, format, max_pixels)
        .into_decoder()
        .map_err(corrupt)?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let image = DynamicImage::from_decoder(decoder).map_err(corrupt)?;
    Ok((image, orientation))
}

/// Checks, orients and strips an image of type `mime` (one of
/// [`super::sniff::DECODED`]).
pub fn prepare(bytes: Bytes, mime: &str, rules: ImageRules) -> Result<Prepared, ImageError> {
    let (mut image, orientation) = decode(&bytes, mime, rules.max_pixels)?;
    let kept = if orientation != Orientation::NoTransforms {
        // Turning the pixels means encoding them again, without the metadata.
        image.apply_orientation(orientation);
        Bytes::from(encode(&image, mime)?)
    } else if rules.keep_metadata {
        bytes
    } else {
        strip(bytes, mime)?
    };
    let dot = image.thumbnail_exact(1, 1).to_rgb8();
    let [r, g, b] = dot.get_pixel(0, 0).0;
    Ok(Prepared {
        bytes: kept,
        width: image.width(),
        height: image.height(),
        dominant_color: format!("#{r:02x}{g:02x}{b:02x}"),
    })
}

/// The image without EXIF, XMP, IPTC or text metadata, its pixels untouched.
fn strip(bytes: Bytes, mime: &str) -> Result<Bytes, ImageError> {
    Ok(match mime {
        "image/jpeg" => {
            let mut jpeg = Jpeg::from_bytes(bytes).map_err(corrupt)?;
            // APP1 holds EXIF and XMP, APP13 IPTC/Photoshop, COM comments; APP2 (the
            // colour profile) stays.
            jpeg.segments_mut()
                .retain(|s| !matches!(s.marker(), 0xE1 | 0xED | 0xFE));
            jpeg.encoder().bytes()
        }
        "image/png" => {
            let mut png = Png::from_bytes(bytes).map_err(corrupt)?;
            png.chunks_mut()
                .retain(|c| !matches!(&c.kind(), b"eXIf" | b"tEXt" | b"iTXt" | b"zTXt"));
            png.encoder().bytes()
        }
        "image/webp" => {
            let mut webp = WebP::from_bytes(bytes).map_err(corrupt)?;
            webp.set_exif(None);
            webp.chunks_mut().retain(|c| &c.id() != b"XMP ");
            webp.encoder().bytes()
        }
        _ => bytes,
    })
}

/// `image` encoded in `mime`'s format (PNG for anything but JPEG).
fn encode(image: &DynamicImage, mime: &str) -> Result<Vec<u8>, ImageError> {
    let mut out = Vec::new();
    if mime == "image/jpeg" {
        image
            .to_rgb8()
            .write_with_encoder(JpegEncoder::new_with_quality(&mut out, 85))
            .map_err(corrupt)?;
    } else {
        image
            .write_with_encoder(PngEncoder::new(&mut out))
            .map_err(corrupt)?;
    }
    Ok(out)
}

/// The format a variant of `mime` is written in: WebP when asked, else the original's
/// (GIF variants are PNG: one still frame).
pub fn variant_format(mime: &str, webp: bool) -> &'static str {
    match (webp, mime) {
        (true, _) => "webp",
        (false, "image/jpeg") => "jpeg",
        _ => "png",
    }
}

/// The MIME type of a variant format.
pub fn format_mime(format: &str) -> &'static str {
    match format {
        "webp" => "image/webp",
        "jpeg" => "image/jpeg",
        _ => "image/png",
    }
}

/// A variant of a stored image: `width` pixels wide (never wider than the original),
/// in `format` (see [`variant_format`]). Returns the bytes and the size.
pub fn variant(
    bytes: &[u8],
    mime: &str,
    width: u32,
    format: &str,
    max_pixels: u64,
) -> Result<(Vec<u8>, u32, u32), ImageError> {
    let (image, _) = decode(bytes, mime, max_pixels)?;
    let image = if width < image.width() {
        let height =
            (u64::from(image.height()) * u64::from(width) / u64::from(image.width())).max(1);
        image.resize_exact(
            width,
            u32::try_from(height).unwrap_or(1),
            FilterType::CatmullRom,
        )
    } else {
        image
    };
    let (w, h) = (image.width(), image.height());
    let out = match format {
        "webp" if image.color().has_alpha() => {
            let rgba = image.to_rgba8();
            webp::Encoder::from_rgba(&rgba, w, h).encode(80.0).to_vec()
        }
        "webp" => {
            let rgb = image.to_rgb8();
            webp::Encoder::from_rgb(&rgb, w, h).encode(80.0).to_vec()
        }
        "jpeg" => encode(&image, "image/jpeg")?,
        _ => encode(&image, "image/png")?,
    };
    Ok((out, w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Bytes {
        let image = DynamicImage::new_rgb8(width, height);
        Bytes::from(encode(&image, "image/png").unwrap())
    }

    const RULES: ImageRules = ImageRules {
        max_pixels: 1_000_000,
        keep_metadata: false,
    };

    #[test]
    fn sizes_colours_and_variants() {
        let p = prepare(png(400, 300), "image/png", RULES).unwrap();
        assert_eq!(
            (p.width, p.height, p.dominant_color.as_str()),
            (400, 300, "#000000")
        );
        let (webp, w, h) = variant(&p.bytes, "image/png", 200, "webp", RULES.max_pixels).unwrap();
        assert_eq!((w, h), (200, 150));
        assert_eq!(&webp[..4], b"RIFF");
        let (_, w, _) = variant(&p.bytes, "image/png", 800, "png", RULES.max_pixels).unwrap();
        assert_eq!(w, 400, "never wider than the original");
    }

    #[test]
    fn bombs_and_corrupt_images_are_refused() {
        let big = png(1200, 1000);
        assert!(matches!(
            prepare(big, "image/png", RULES),
            Err(ImageError::TooLarge {
                width: 1200,
                height: 1000,
                ..
            })
        ));
        let cut = png(100, 100).slice(..40);
        assert!(matches!(
            prepare(cut, "image/png", RULES),
            Err(ImageError::Corrupt(_))
        ));
    }
}
