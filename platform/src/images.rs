//! Pictures people upload (avatars, logos): recognized by their bytes, decoded under limits,
//! turned upright, cover-cropped to squares and re-encoded without any of their metadata.
//!
//! CPU-bound and synchronous: callers run [`process`] on a blocking thread, a few at a time.

use std::io::Cursor;

use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer, images::Image};
use image::{
    DynamicImage, ImageDecoder as _, ImageFormat as DecodedFormat, ImageReader, Limits,
    codecs::{jpeg::JpegEncoder, png::PngEncoder},
};

use crate::storage::ImageFormat;

/// The largest width or height accepted (a 20,000 px "bomb" is refused before decoding).
pub const MAX_SIDE: u32 = 8_000;
/// The most memory one decode may allocate.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;
/// The first, large downscale: area averaging (a box filter), which is what a many-fold
/// reduction needs and the cheapest convolution.
const FIRST_PASS: ResizeAlg = ResizeAlg::Convolution(FilterType::Box);
/// JPEG quality of the re-encoded photographs.
const JPEG_QUALITY: u8 = 85;

/// The kinds of picture accepted (no SVG: a script carrier).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// GIF (its first frame).
    Gif,
    /// WebP.
    Webp,
}

impl Kind {
    /// The kind the first bytes of a file announce.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        match bytes {
            [0xFF, 0xD8, 0xFF, ..] => Some(Self::Jpeg),
            [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, ..] => Some(Self::Png),
            [b'G', b'I', b'F', b'8', b'7' | b'9', b'a', ..] => Some(Self::Gif),
            [b'R', b'I', b'F', b'F', _, _, _, _, b'W', b'E', b'B', b'P', ..] => Some(Self::Webp),
            _ => None,
        }
    }

    /// The kind a declared `Content-Type` names (`None`: not a picture we take).
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        let essence = content_type.split(';').next().unwrap_or_default().trim();
        match essence.to_ascii_lowercase().as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(Self::Jpeg),
            "image/png" => Some(Self::Png),
            "image/gif" => Some(Self::Gif),
            "image/webp" => Some(Self::Webp),
            _ => None,
        }
    }

    /// The kind a file name's extension names (`None`: another or no extension).
    pub fn from_file_name(name: &str) -> Option<Self> {
        let (_, extension) = name.rsplit_once('.')?;
        match extension.to_ascii_lowercase().as_str() {
            "jpg" | "jpeg" | "jfif" => Some(Self::Jpeg),
            "png" => Some(Self::Png),
            "gif" => Some(Self::Gif),
            "webp" => Some(Self::Webp),
            _ => None,
        }
    }

    fn decoded(self) -> DecodedFormat {
        match self {
            Self::Jpeg => DecodedFormat::Jpeg,
            Self::Png => DecodedFormat::Png,
            Self::Gif => DecodedFormat::Gif,
            Self::Webp => DecodedFormat::WebP,
        }
    }
}

/// Why a picture was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Not a JPEG, PNG, GIF or WebP (by its bytes).
    #[error("not a JPEG, PNG, GIF or WebP image")]
    UnsupportedType,
    /// Its bytes, its declared type and its name's extension do not agree.
    #[error("the file's type, declared type and name do not agree")]
    TypeMismatch,
    /// Wider or taller than [`MAX_SIDE`], or too large to decode in bounded memory.
    #[error("the image is larger than {MAX_SIDE} × {MAX_SIDE} pixels")]
    TooManyPixels,
    /// Truncated or corrupt.
    #[error("the image cannot be read")]
    Unreadable,
}

/// One picture, ready to store: the same square image at each size asked for.
#[derive(Debug)]
pub struct Processed {
    /// JPEG for photographs, PNG when some pixel is transparent.
    pub format: ImageFormat,
    /// `(side, encoded bytes)`, in the order of the sizes asked for.
    pub sizes: Vec<(u32, Vec<u8>)>,
}

/// Checks that `bytes` are a picture of the kind `declared_type` and `file_name` say (each
/// when given), decodes it (first frame), turns it upright per its EXIF orientation, and
/// cover-crops it to a square of each of `sides`, re-encoded without metadata.
pub fn process(
    bytes: &[u8],
    declared_type: Option<&str>,
    file_name: Option<&str>,
    sides: &[u32],
) -> Result<Processed, Refusal> {
    let kind = Kind::sniff(bytes).ok_or(Refusal::UnsupportedType)?;
    if declared_type.is_some_and(|declared| Kind::from_content_type(declared) != Some(kind)) {
        return Err(Refusal::TypeMismatch);
    }
    if file_name.is_some_and(|name| Kind::from_file_name(name) != Some(kind)) {
        return Err(Refusal::TypeMismatch);
    }
    // The JPEG decoder fills a cut-off scan with grey rather than failing: check the end.
    if kind == Kind::Jpeg && !jpeg_is_complete(bytes) {
        return Err(Refusal::Unreadable);
    }
    let mut reader = ImageReader::with_format(Cursor::new(bytes), kind.decoded());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let refused = |error: image::ImageError| match error {
        image::ImageError::Limits(_) => Refusal::TooManyPixels,
        _ => Refusal::Unreadable,
    };
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let orientation = decoder.orientation().unwrap_or(image::metadata::Orientation::NoTransforms);
    let mut picture = DynamicImage::from_decoder(decoder).map_err(refused)?;
    picture.apply_orientation(orientation);

    let transparent = match &picture {
        DynamicImage::ImageRgba8(rgba) => rgba.pixels().any(|pixel| pixel.0[3] < u8::MAX),
        other if other.color().has_alpha() => {
            other.to_rgba8().pixels().any(|pixel| pixel.0[3] < u8::MAX)
        }
        _ => false,
    };
    let source = if transparent {
        DynamicImage::ImageRgba8(picture.into_rgba8())
    } else {
        DynamicImage::ImageRgb8(picture.into_rgb8())
    };
    let format = if transparent { ImageFormat::Png } else { ImageFormat::Jpeg };
    // The largest square from the picture, each smaller one from the one before it: the big
    // downscale reads every source pixel once.
    let mut order: Vec<u32> = sides.to_vec();
    order.sort_unstable_by(|a, b| b.cmp(a));
    let pixel_type = source_pixel_type(&source);
    let mut resizer = Resizer::new();
    let first = ResizeOptions::new().resize_alg(FIRST_PASS).fit_into_destination(None);
    let next = ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom));
    let mut squares: Vec<(u32, Image<'static>)> = Vec::with_capacity(order.len());
    for side in order {
        let mut square = Image::new(side, side, pixel_type);
        let done = match squares.last() {
            None => resizer.resize(&source, &mut square, &first),
            Some((_, larger)) => resizer.resize(larger, &mut square, &next),
        };
        done.map_err(|_| Refusal::Unreadable)?;
        squares.push((side, square));
    }
    let mut out = Vec::with_capacity(sides.len());
    for side in sides {
        let (_, square) = squares.iter().find(|(s, _)| s == side).ok_or(Refusal::Unreadable)?;
        out.push((*side, encode(square, format).map_err(|_| Refusal::Unreadable)?));
    }
    Ok(Processed { format, sizes: out })
}

/// Whether the last scan of a JPEG is followed by its end marker. In entropy-coded data a
/// `0xFF` byte is always followed by `0x00` or a restart marker, so `FF D9` after the last
/// start of scan (`FF DA`) is the real end, and its absence means the file was cut off.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last_scan = bytes.windows(2).rposition(|pair| pair == [0xFF, 0xDA]);
    last_scan.is_some_and(|at| bytes[at + 2..].windows(2).any(|pair| pair == [0xFF, 0xD9]))
}

fn source_pixel_type(source: &DynamicImage) -> fast_image_resize::PixelType {
    if source.color().has_alpha() {
        fast_image_resize::PixelType::U8x4
    } else {
        fast_image_resize::PixelType::U8x3
    }
}

fn encode(square: &Image<'_>, format: ImageFormat) -> image::ImageResult<Vec<u8>> {
    let mut bytes = Vec::new();
    let (width, height) = (square.width(), square.height());
    match format {
        ImageFormat::Jpeg => JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY).encode(
            square.buffer(),
            width,
            height,
            image::ExtendedColorType::Rgb8,
        )?,
        ImageFormat::Png => image::ImageEncoder::write_image(
            PngEncoder::new(&mut bytes),
            square.buffer(),
            width,
            height,
            image::ExtendedColorType::Rgba8,
        )?,
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageEncoder as _, Rgb, RgbImage, Rgba, RgbaImage};

    fn png(image: &DynamicImage) -> Vec<u8> {
        let mut bytes = Vec::new();
        image.write_to(&mut Cursor::new(&mut bytes), DecodedFormat::Png).expect("png");
        bytes
    }

    fn jpeg(width: u32, height: u32) -> Vec<u8> {
        let photo = RgbImage::from_fn(width, height, |x, y| {
            Rgb([u8::try_from(x % 256).unwrap_or(0), u8::try_from(y % 256).unwrap_or(0), 90])
        });
        let mut bytes = Vec::new();
        JpegEncoder::new_with_quality(&mut bytes, 90)
            .write_image(photo.as_raw(), width, height, image::ExtendedColorType::Rgb8)
            .expect("jpeg");
        bytes
    }

    fn decode(bytes: &[u8]) -> DynamicImage {
        image::load_from_memory(bytes).expect("decodes")
    }

    #[test]
    fn a_photo_becomes_two_jpeg_squares() {
        let processed = process(&jpeg(640, 480), Some("image/jpeg"), Some("me.JPG"), &[256, 64])
            .expect("accepted");
        assert_eq!(processed.format, ImageFormat::Jpeg);
        let sides: Vec<(u32, u32)> = processed
            .sizes
            .iter()
            .map(|(_, bytes)| {
                assert_eq!(Kind::sniff(bytes), Some(Kind::Jpeg));
                let image = decode(bytes);
                (image.width(), image.height())
            })
            .collect();
        assert_eq!(sides, vec![(256, 256), (64, 64)]);
    }

    #[test]
    fn transparency_is_kept_as_png_and_an_opaque_png_becomes_jpeg() {
        let clear =
            RgbaImage::from_fn(300, 200, |x, _| Rgba([200, 10, 10, if x < 150 { 0 } else { 255 }]));
        let processed =
            process(&png(&DynamicImage::ImageRgba8(clear)), Some("image/png"), None, &[64])
                .expect("accepted");
        assert_eq!(processed.format, ImageFormat::Png);
        assert!(decode(&processed.sizes[0].1).color().has_alpha());
        let opaque = RgbaImage::from_pixel(50, 50, Rgba([1, 2, 3, 255]));
        let processed =
            process(&png(&DynamicImage::ImageRgba8(opaque)), None, None, &[64]).expect("accepted");
        assert_eq!(processed.format, ImageFormat::Jpeg);
    }

    #[test]
    fn types_must_agree_and_only_pictures_pass() {
        let photo = jpeg(32, 32);
        assert_eq!(
            process(&photo, Some("image/png"), None, &[64]).err(),
            Some(Refusal::TypeMismatch)
        );
        assert_eq!(process(&photo, None, Some("me.png"), &[64]).err(), Some(Refusal::TypeMismatch));
        assert_eq!(process(&photo, None, Some("me"), &[64]).err(), Some(Refusal::TypeMismatch));
        let svg = br#"<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>"#;
        assert_eq!(
            process(svg, Some("image/svg+xml"), Some("x.svg"), &[64]).err(),
            Some(Refusal::UnsupportedType)
        );
        // A polyglot: HTML first, a PNG after it, is not a PNG.
        let mut polyglot = b"<html><script>alert(1)</script>".to_vec();
        polyglot.extend(png(&DynamicImage::new_rgb8(4, 4)));
        assert_eq!(process(&polyglot, None, None, &[64]).err(), Some(Refusal::UnsupportedType));
        // A PNG header carrying HTML after it is not readable as a picture.
        let mut fake = png(&DynamicImage::new_rgb8(4, 4))[..16].to_vec();
        fake.extend_from_slice(b"<html><script>alert(1)</script></html>");
        assert_eq!(process(&fake, Some("image/png"), None, &[64]).err(), Some(Refusal::Unreadable));
    }

    #[test]
    fn truncated_and_oversized_pictures_are_refused() {
        let photo = jpeg(200, 200);
        let truncated = &photo[..photo.len() / 3];
        assert_eq!(process(truncated, None, None, &[64]).err(), Some(Refusal::Unreadable));
        // A 20,000 × 20,000 PNG of one colour: a few kilobytes that would take 1.2 GB.
        let mut bomb = Vec::new();
        PngEncoder::new(&mut bomb)
            .write_image(&vec![0; 20_000 * 3], 20_000, 1, image::ExtendedColorType::Rgb8)
            .expect("png");
        // Make the header say 20,000 rows (and fix its checksum): the decoder must refuse it
        // from the header, before allocating anything.
        bomb[20..24].copy_from_slice(&20_000_u32.to_be_bytes());
        let crc = crc32(&bomb[12..29]);
        bomb[29..33].copy_from_slice(&crc.to_be_bytes());
        assert!(bomb.len() < 100_000, "{}", bomb.len());
        assert_eq!(process(&bomb, None, None, &[64]).err(), Some(Refusal::TooManyPixels));
    }

    /// The CRC-32 of PNG chunks.
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = u32::MAX;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    #[test]
    fn exif_orientation_is_applied() {
        // A 40 × 20 photo whose EXIF says "rotate 90° clockwise": upright it is 20 × 40, so
        // the square crop keeps the left half of the stored pixels (red), not the right (blue).
        let stored =
            RgbImage::from_fn(
                40,
                20,
                |x, _| if x < 20 { Rgb([250, 0, 0]) } else { Rgb([0, 0, 250]) },
            );
        let mut bytes = Vec::new();
        let mut encoder = JpegEncoder::new_with_quality(&mut bytes, 95);
        let exif: Vec<u8> = [
            b"MM\x00\x2a\x00\x00\x00\x08".as_slice(),
            &[0x00, 0x01], // one entry
            &[0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00], // orientation = 6
            &[0x00, 0x00, 0x00, 0x00],
        ]
        .concat();
        encoder.set_exif_metadata(exif).expect("exif");
        encoder.write_image(stored.as_raw(), 40, 20, image::ExtendedColorType::Rgb8).expect("jpeg");
        let processed = process(&bytes, None, None, &[16]).expect("accepted");
        let square = decode(&processed.sizes[0].1).into_rgb8();
        // Upright, the 20 px wide image is cropped to its middle 20 px of height, which is the
        // boundary between red and blue: the top half is one colour and the bottom the other.
        let top = square.get_pixel(8, 2).0;
        let bottom = square.get_pixel(8, 13).0;
        assert_ne!(top[0] > 150, bottom[0] > 150, "top {top:?}, bottom {bottom:?}");
        // And no metadata survives.
        assert!(!processed.sizes[0].1.windows(4).any(|w| w == b"Exif"));
    }
}
