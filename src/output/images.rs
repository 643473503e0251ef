//! Hero images of specials: their size, and smaller variants for `srcset`.
//!
//! Input: the shown pages and the site root (hero images live in static/).
//! Output: per special, the image's width and height (so the page does not
//! jump while it loads) and, for raster images wider than the variant
//! widths, resized copies (`images/x-480w.jpg`...) listed in a `srcset`.
//! SVG heroes get their size from the `viewBox`. A hero that is not in
//! static/ is a warning at the special's `hero` line.

use crate::diagnostic::Diagnostic;
use crate::site::{HeroImage, Page};
use std::collections::BTreeMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Widths of the variants made for `srcset`.
pub const WIDTHS: [u32; 3] = [480, 960, 1440];

/// The hero image of every shown special, by the special's path.
pub fn heroes(pages: &[Arc<Page>], root: &Path) -> (BTreeMap<PathBuf, HeroImage>, Vec<Diagnostic>) {
    let mut out = BTreeMap::new();
    let mut diags = Vec::new();
    for p in pages {
        let Some(src) = p.doc.meta.special.as_ref().and_then(|s| s.hero.image.as_deref()) else {
            continue;
        };
        if src.contains("://") || src.starts_with("//") {
            continue;
        }
        let rel = src.trim_start_matches('/');
        let file = root.join("static").join(rel);
        let (line, col) = p.doc.meta.pos("hero");
        let bytes = match read_static(root, rel, &file) {
            Some(b) => b,
            None => {
                diags.push(
                    Diagnostic::warning("IMG001", &p.doc.path, format!("hero image {src} is not in static/"))
                        .at(line, col)
                        .help(format!(
                            "add static/{rel} (a file of at most 64 MiB, not a link), or fix the path"
                        )),
                );
                continue;
            }
        };
        match describe(src, rel, &bytes) {
            Ok(hero) => {
                out.insert(p.doc.path.clone(), hero);
            }
            Err(e) => diags.push(
                Diagnostic::warning("IMG002", &p.doc.path, format!("hero image {src} cannot be read: {e}"))
                    .at(line, col)
                    .help("use a PNG, JPEG, WebP or SVG file"),
            ),
        }
    }
    (out, diags)
}

/// The largest hero image read: far above any photo a page should carry,
/// small enough that `/dev/zero` or a stray video is refused, not loaded.
const MAX_HERO_BYTES: u64 = 64 << 20;

/// The bytes of `static/REL` when it is a published file: a plain file
/// (neither it nor a folder on its way a link, as static/ links are not
/// copied), inside static/ (no `..`,
/// so `/../../home/me/photo.jpg` is not read), at most [`MAX_HERO_BYTES`].
fn read_static(root: &Path, rel: &str, file: &Path) -> Option<Vec<u8>> {
    super::checked_relative(rel).ok()?;
    crate::content::check_real_folder(root, &Path::new("static").join(rel)).ok()?;
    let meta = std::fs::symlink_metadata(file).ok()?;
    if !meta.file_type().is_file() || meta.len() > MAX_HERO_BYTES {
        return None;
    }
    std::fs::read(file).ok()
}

fn describe(src: &str, rel: &str, bytes: &[u8]) -> Result<HeroImage, String> {
    if rel.ends_with(".svg") {
        let (width, height) = svg_size(&String::from_utf8_lossy(bytes)).ok_or("no width/height or viewBox")?;
        return Ok(HeroImage {
            width,
            height,
            srcset: None,
            variants: Vec::new(),
        });
    }
    let reader = image::ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| e.to_string())?;
    let format = reader.format().ok_or("unknown image format")?;
    let img = reader.decode().map_err(|e| e.to_string())?;
    let (width, height) = (img.width(), img.height());
    let (stem, ext) = rel.rsplit_once('.').unwrap_or((rel, ""));
    let mut variants = Vec::new();
    let mut srcset = Vec::new();
    for w in WIDTHS.into_iter().filter(|&w| w < width) {
        let h = (u64::from(height) * u64::from(w) / u64::from(width)).max(1) as u32;
        let small = img.resize_exact(w, h, image::imageops::FilterType::Triangle);
        let mut buf = Cursor::new(Vec::new());
        small.write_to(&mut buf, format).map_err(|e| e.to_string())?;
        let path = format!("{stem}-{w}w.{ext}");
        srcset.push(format!("/{path} {w}w"));
        variants.push((path, buf.into_inner()));
    }
    srcset.push(format!("{src} {width}w"));
    Ok(HeroImage {
        width,
        height,
        srcset: (srcset.len() > 1).then(|| srcset.join(", ")),
        variants,
    })
}

/// Width and height of an SVG from its `width`/`height` attributes, else
/// its `viewBox`.
fn svg_size(svg: &str) -> Option<(u32, u32)> {
    let start = svg.find("<svg")?;
    let tag = &svg[start..start + svg[start..].find('>')?];
    let attr = |name: &str| {
        let i = tag.find(&format!(" {name}=\""))? + name.len() + 3;
        Some(&tag[i..i + tag[i..].find('"')?])
    };
    let num = |s: &str| s.trim_end_matches("px").parse::<f64>().ok().map(|v| v.round() as u32);
    if let (Some(w), Some(h)) = (attr("width").and_then(num), attr("height").and_then(num)) {
        return Some((w, h));
    }
    let vb: Vec<f64> = attr("viewBox")?
        .split([' ', ','])
        .filter(|s| !s.is_empty())
        .filter_map(|s| s.parse().ok())
        .collect();
    (vb.len() == 4).then(|| (vb[2].round() as u32, vb[3].round() as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_sizes() {
        assert_eq!(svg_size(r#"<svg xmlns="x" viewBox="0 0 1200 480">"#), Some((1200, 480)));
        assert_eq!(
            svg_size(r#"<?xml?><svg width="728" height="90px" viewBox="0 0 1 1">"#),
            Some((728, 90))
        );
        assert_eq!(svg_size("<svg>"), None);
    }

    #[test]
    fn raster_heroes_get_smaller_variants() {
        let img = image::RgbImage::from_pixel(1000, 400, image::Rgb([200, 100, 50]));
        let mut png = Cursor::new(Vec::new());
        img.write_to(&mut png, image::ImageFormat::Png).unwrap();
        let hero = describe("/images/h.png", "images/h.png", png.get_ref()).unwrap();
        assert_eq!((hero.width, hero.height), (1000, 400));
        let names: Vec<&str> = hero.variants.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            names,
            vec!["images/h-480w.png", "images/h-960w.png"],
            "only widths smaller than the original"
        );
        assert_eq!(
            hero.srcset.as_deref(),
            Some("/images/h-480w.png 480w, /images/h-960w.png 960w, /images/h.png 1000w")
        );
        let small = image::load_from_memory(&hero.variants[0].1).unwrap();
        assert_eq!((small.width(), small.height()), (480, 192));
    }
}
