//! Avatar processing time (a benchmark, not a test):
//! `cargo run --release -p platform --example avatar_bench [runs]`.
//!
//! A 12-megapixel (4,000 × 3,000) JPEG photo to both avatar sizes (256 and 64 px squares), on
//! one thread: `platform::images::process` (decode, orientation, `fast_image_resize` cover
//! crop, JPEG encode) beside the same work with `image`'s own `resize_to_fill`, in the same run.

use std::{io::Cursor, time::Instant};

use image::{DynamicImage, ImageEncoder as _, RgbImage, codecs::jpeg::JpegEncoder, imageops};

/// A photo-like picture: smooth gradients with some texture, so the JPEG is of a usual size.
fn photo(width: u32, height: u32) -> Vec<u8> {
    let image = RgbImage::from_fn(width, height, |x, y| {
        let texture = (x.wrapping_mul(7919) ^ y.wrapping_mul(104_729)) % 23;
        let channel = |value: u32| u8::try_from((value + texture) % 256).unwrap_or(0);
        image::Rgb([channel(x / 16), channel(y / 12), channel((x + y) / 28)])
    });
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 88)
        .write_image(image.as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .expect("jpeg");
    bytes
}

fn with_image_crate(bytes: &[u8]) -> Vec<Vec<u8>> {
    let decoded = image::load_from_memory(bytes).expect("decodes");
    [256, 64]
        .iter()
        .map(|&side| {
            let square = decoded.resize_to_fill(side, side, imageops::FilterType::CatmullRom);
            let mut out = Vec::new();
            DynamicImage::ImageRgb8(square.into_rgb8())
                .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Jpeg)
                .expect("encode");
            out
        })
        .collect()
}

fn summary(name: &str, mut times: Vec<f64>) {
    times.sort_by(f64::total_cmp);
    let median = times[times.len() / 2];
    println!("| {name} | {:.1} | {median:.1} | {:.1} |", times[0], times[times.len() - 1]);
}

fn main() {
    let runs: usize = std::env::args().nth(1).and_then(|n| n.parse().ok()).unwrap_or(10);
    let bytes = photo(4_000, 3_000);
    println!(
        "12 MP JPEG ({} KB) → 256 and 64 px squares, {runs} runs, one thread (ms)\n",
        bytes.len() / 1024
    );
    println!("| pipeline | min | median | max |\n|---|---|---|---|");
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let processed =
            platform::images::process(&bytes, Some("image/jpeg"), Some("photo.jpg"), &[256, 64])
                .expect("accepted");
        ours.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(processed.sizes.len(), 2);

        let started = Instant::now();
        let out = with_image_crate(&bytes);
        theirs.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(out.len(), 2);
    }
    summary("platform::images::process (fast_image_resize)", ours);
    summary("image: decode + resize_to_fill + encode", theirs);

    // Where the time goes in ours: the decode alone.
    let mut decode = Vec::new();
    for _ in 0..runs {
        let started = Instant::now();
        let decoded = image::load_from_memory(&bytes).expect("decodes");
        decode.push(started.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(decoded.width(), 4_000);
    }
    summary("of which: JPEG decode alone", decode);
}
