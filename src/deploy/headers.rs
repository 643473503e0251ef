//! HTTP headers of deployed files: `Content-Type`, `Cache-Control` and
//! `Content-Encoding`.
//!
//! Input: a file's output path and the `deploy:` rules. Output:
//! [`ObjectHeaders`]. Invariants: the same path and rules always give the
//! same headers (their [`ObjectHeaders::fingerprint`] is stored in the
//! target's manifest, so a changed rule re-uploads the files it touches);
//! site.yaml rules come first, then the defaults below.

use super::config::{DeployConfig, Encoding};

/// Fingerprinted assets (`css/site.1a2b3c4d.css`) never change under their name.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages: every visit revalidates (cheap with ETags), so an edit shows at once.
pub const PAGE: &str = "public, max-age=0, must-revalidate";
/// Feeds, sitemaps, robots.txt, the search index: polled by machines; a few minutes is fine.
pub const FEED: &str = "public, max-age=300, must-revalidate";
/// Other files (images, fonts, downloads without a fingerprint): an hour.
pub const OTHER: &str = "public, max-age=3600";
/// The deploy manifest: never cached, it is the deploy's source of truth.
pub const MANIFEST: &str = "no-cache";

/// The headers one object is stored with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectHeaders {
    /// `Content-Type`.
    pub content_type: String,
    /// `Cache-Control`.
    pub cache_control: String,
    /// `Content-Encoding` of the stored body (S3 targets with `compress: [gzip]`).
    pub content_encoding: Option<Encoding>,
    /// Pre-compressed copies written next to the file (folder targets).
    pub copies: Vec<Encoding>,
    /// The redirect page of an alias: the absolute URL it sends visitors
    /// to (`x-amz-website-redirect-location` on an S3 target, which then
    /// answers 301 itself; a folder target keeps the page's refresh).
    pub redirect: Option<String>,
}

impl ObjectHeaders {
    /// A short, stable digest of the headers, kept in the target's manifest.
    pub fn fingerprint(&self) -> String {
        let enc = self.content_encoding.map_or("", Encoding::token);
        let copies: Vec<&str> = self.copies.iter().map(|e| e.token()).collect();
        let mut text = format!(
            "{}\n{}\n{enc}\n{}",
            self.content_type,
            self.cache_control,
            copies.join(",")
        );
        // Added only when set: the fingerprints of other files stay as
        // earlier versions stored them, so they are not sent again.
        if let Some(to) = &self.redirect {
            text.push_str(&format!("\nredirect {to}"));
        }
        format!("{:016x}", xxhash_rust::xxh3::xxh3_64(text.as_bytes()))
    }
}

/// How a target stores compressed variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompressionStyle {
    /// The object itself is stored compressed, with `Content-Encoding`
    /// (an object store serves one body per key).
    InPlace,
    /// Compressed copies sit next to the file (`page.html.gz`), for web
    /// servers that pick them by `Accept-Encoding` (nginx `gzip_static`).
    Siblings,
}

/// The headers for `path` under `cfg`'s rules.
pub fn for_path(path: &str, cfg: &DeployConfig, style: CompressionStyle) -> ObjectHeaders {
    let content_type = cfg
        .content_type
        .iter()
        .find(|r| r.matches(path))
        .map(|r| r.value.clone())
        .unwrap_or_else(|| content_type(path).to_string());
    let cache_control = cfg
        .cache_control
        .iter()
        .find(|r| r.matches(path))
        .map(|r| r.value.clone())
        .unwrap_or_else(|| default_cache_control(path).to_string());
    let compressible = compressible(&content_type);
    let (content_encoding, copies) = match style {
        // Only gzip in place: every client reads it, while a stored brotli
        // body would reach feed readers and crawlers that cannot.
        CompressionStyle::InPlace if compressible && cfg.compress.contains(&Encoding::Gzip) => {
            (Some(Encoding::Gzip), Vec::new())
        }
        CompressionStyle::Siblings if compressible => (None, cfg.compress.clone()),
        _ => (None, Vec::new()),
    };
    ObjectHeaders {
        content_type,
        cache_control,
        content_encoding,
        copies,
        redirect: None,
    }
}

/// The headers of the manifest object.
pub fn manifest() -> ObjectHeaders {
    ObjectHeaders {
        content_type: "application/json".into(),
        cache_control: MANIFEST.into(),
        content_encoding: None,
        copies: Vec::new(),
        redirect: None,
    }
}

/// The default `Cache-Control` of a path.
pub fn default_cache_control(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    if is_fingerprinted(name) {
        IMMUTABLE
    } else if name.ends_with(".html") || name.ends_with(".htm") {
        PAGE
    } else if is_feed_or_index(path) {
        FEED
    } else {
        OTHER
    }
}

/// Feeds, sitemaps, robots.txt and the search index: files that list pages.
pub fn is_feed_or_index(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.ends_with(".xml") || name.ends_with(".rss") || name == "robots.txt" || name == "search-index.json"
}

/// Whether a file name carries a content hash: `site.1a2b3c4d.css` (the
/// theme's `fingerprinted_name`) or any `.<8 or more hex>.` segment.
pub fn is_fingerprinted(name: &str) -> bool {
    let mut parts = name.split('.');
    parts.next();
    let segments: Vec<&str> = parts.collect();
    // The hash is never the last segment (that is the extension).
    segments.len() >= 2
        && segments[..segments.len() - 1]
            .iter()
            .any(|s| s.len() >= 8 && s.bytes().all(|c| c.is_ascii_hexdigit()))
}

/// Types worth compressing: text formats and SVG.
pub fn compressible(content_type: &str) -> bool {
    let base = content_type.split(';').next().unwrap_or("").trim();
    base.starts_with("text/")
        || base.ends_with("+xml")
        || base.ends_with("+json")
        || matches!(
            base,
            "application/javascript" | "application/json" | "application/xml" | "image/svg+xml"
        )
}

/// The content type of a path, from its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path.rsplit_once('.').map(|(_, e)| e).unwrap_or("").to_ascii_lowercase();
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.ends_with("atom.xml") {
        return "application/atom+xml; charset=utf-8";
    }
    if name.starts_with("rss") && ext == "xml" {
        return "application/rss+xml; charset=utf-8";
    }
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "application/javascript; charset=utf-8",
        "json" | "map" => "application/json; charset=utf-8",
        "webmanifest" => "application/manifest+json; charset=utf-8",
        "xml" | "xsl" => "application/xml; charset=utf-8",
        "rss" => "application/rss+xml; charset=utf-8",
        "txt" => "text/plain; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "bmp" => "image/bmp",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "eot" => "application/vnd.ms-fontobject",
        "pdf" => "application/pdf",
        "zip" => "application/zip",
        "gz" => "application/gzip",
        "wasm" => "application/wasm",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        _ => "application/octet-stream",
    }
}

/// Compresses `bytes`; deterministic, so equal input gives equal output.
pub fn compress(bytes: &[u8], enc: Encoding) -> Vec<u8> {
    use std::io::Write;
    match enc {
        Encoding::Gzip => {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
            e.write_all(bytes).expect("writing to memory");
            e.finish().expect("writing to memory")
        }
        Encoding::Brotli => {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut &bytes[..], &mut out, &params).expect("writing to memory");
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::config::GlobRule;

    #[test]
    fn content_types_by_extension() {
        assert_eq!(content_type("jokes/x/index.html"), "text/html; charset=utf-8");
        assert_eq!(content_type("css/site.1a2b3c4d.css"), "text/css; charset=utf-8");
        assert_eq!(content_type("jokes/atom.xml"), "application/atom+xml; charset=utf-8");
        assert_eq!(content_type("sitemap.xml"), "application/xml; charset=utf-8");
        assert_eq!(content_type("fonts/a.WOFF2"), "font/woff2");
        assert_eq!(content_type("LICENSE"), "application/octet-stream");
    }

    #[test]
    fn default_cache_rules() {
        assert_eq!(default_cache_control("css/site.1a2b3c4d.css"), IMMUTABLE);
        assert_eq!(default_cache_control("js/app.deadbeef.min.js"), IMMUTABLE);
        assert_eq!(default_cache_control("jokes/index.html"), PAGE);
        assert_eq!(default_cache_control("jokes/atom.xml"), FEED);
        assert_eq!(default_cache_control("sitemap.xml"), FEED);
        assert_eq!(default_cache_control("robots.txt"), FEED);
        assert_eq!(default_cache_control("images/cat.png"), OTHER);
        // A hex-looking extension or a short segment is no fingerprint.
        assert_eq!(default_cache_control("data.deadbeef"), OTHER);
        assert_eq!(default_cache_control("a.beef.css"), OTHER);
    }

    #[test]
    fn site_rules_come_first_and_change_the_fingerprint() {
        let mut cfg = DeployConfig::default();
        let plain = for_path("images/cat.png", &cfg, CompressionStyle::InPlace);
        cfg.cache_control = vec![GlobRule::new("images/**", "public, max-age=7").unwrap()];
        cfg.content_type = vec![GlobRule::new("*.png", "image/x-cat").unwrap()];
        let ruled = for_path("images/cat.png", &cfg, CompressionStyle::InPlace);
        assert_eq!(ruled.cache_control, "public, max-age=7");
        assert_eq!(ruled.content_type, "image/x-cat");
        assert_ne!(plain.fingerprint(), ruled.fingerprint());
        assert_eq!(for_path("a.html", &cfg, CompressionStyle::InPlace).cache_control, PAGE);
    }

    #[test]
    fn compression_only_for_text_and_gzip_only_in_place() {
        let cfg = DeployConfig {
            compress: vec![Encoding::Gzip, Encoding::Brotli],
            ..DeployConfig::default()
        };
        let html = for_path("a/index.html", &cfg, CompressionStyle::InPlace);
        assert_eq!(html.content_encoding, Some(Encoding::Gzip));
        assert!(html.copies.is_empty());
        let html = for_path("a/index.html", &cfg, CompressionStyle::Siblings);
        assert_eq!(html.copies, [Encoding::Gzip, Encoding::Brotli]);
        assert_eq!(html.content_encoding, None);
        let png = for_path("a.png", &cfg, CompressionStyle::InPlace);
        assert_eq!(png.content_encoding, None);
    }

    #[test]
    fn compression_round_trips() {
        use std::io::Read;
        let text = "ha ".repeat(1000);
        let gz = compress(text.as_bytes(), Encoding::Gzip);
        let mut back = String::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut back).unwrap();
        assert_eq!(back, text);
        assert_eq!(gz, compress(text.as_bytes(), Encoding::Gzip), "deterministic");
        let br = compress(text.as_bytes(), Encoding::Brotli);
        let mut back = Vec::new();
        brotli::BrotliDecompress(&mut &br[..], &mut back).unwrap();
        assert_eq!(back, text.as_bytes());
        assert!(br.len() < text.len() / 10);
    }
}
