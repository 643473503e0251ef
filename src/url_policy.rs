//! The URL policy: which URLs written by a user may reach a page.
//!
//! Input: a URL as a user wrote it (a Markdown link or image, a shortcode
//! argument, a front-matter field such as `seo.image`) and whether it names
//! an image. Output: whether it is refused, and the one SEC002 warning every
//! stage reports it with. Pure and low-level: it depends on nothing but
//! [`crate::diagnostic`], so every stage that places a URL asks the same
//! question.
//!
//! Allowed: http(s), mailto, relative paths, `@/` paths and any other scheme
//! that runs nothing; `data:image/` (not SVG) for images only. Refused:
//! `javascript:`, `vbscript:`, `file:` and every other `data:` URL.
//!
//! Invariant: a URL is judged as the most lenient reader could take it, not
//! as it is spelled. A template may print a value into an attribute
//! unescaped, where the browser decodes entities, so character references
//! (`&#106;`, `&colon;`, `&Tab;`) and percent-escapes are decoded (again and
//! again, so double encoding gains nothing), and whitespace, control and
//! invisible characters anywhere are ignored, before the scheme is read.

use crate::diagnostic::Diagnostic;
use std::borrow::Cow;
use std::path::Path;

/// What a URL will be used as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlKind {
    /// An `href`: a link, a canonical address.
    Link,
    /// A `src`: an image, which may also be a raster `data:image/`.
    Image,
}

/// What a refused URL is replaced with where a value must remain (a link
/// target, a shortcode argument): a link to the top of the same page.
pub const REPLACEMENT: &str = "#";

/// Rounds of decoding before a URL that still changes is refused outright:
/// nobody writes a real address encoded eight times over.
const MAX_DECODE_ROUNDS: usize = 8;

/// Whether `url`, used as `kind`, must not reach a page.
pub fn is_unsafe(url: &str, kind: UrlKind) -> bool {
    let Some(u) = normalize(url) else {
        return true;
    };
    let Some(colon) = u.find(':') else {
        return false;
    };
    let scheme = &u[..colon];
    let is_scheme = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !is_scheme {
        // `/a:b`, `?q=a:b`, `#x:y`: a relative URL with a colon later on.
        return false;
    }
    match scheme {
        "javascript" | "vbscript" | "file" => true,
        "data" => {
            let media = &u[colon + 1..];
            !(kind == UrlKind::Image && media.starts_with("image/") && !media.starts_with("image/svg"))
        }
        _ => false,
    }
}

/// Whether a text value (a shortcode argument, which a theme may place in
/// any attribute) would be refused as a link or an image alike. Raster
/// `data:image/` is accepted: it runs nothing wherever it lands.
pub fn is_unsafe_anywhere(value: &str) -> bool {
    is_unsafe(value, UrlKind::Image)
}

/// The SEC002 warning for a refused `url` at `path:line:col`, saying what
/// was done with it (`done`: "replaced by '#'", "dropped").
pub fn warning(path: &Path, line: usize, col: usize, url: &str, done: &str) -> Diagnostic {
    Diagnostic::warning("SEC002", path, format!("unsafe URL '{}' {done}", shown(url)))
        .at(line, col)
        .help("URLs must be http(s), mailto, relative or @/ paths (images may also be data:image/, not SVG); javascript:, vbscript:, file: and data: run code or leak files")
}

/// `url` for a message: at most 40 characters, control characters written
/// as escapes so they cannot act on the reader's terminal.
fn shown(url: &str) -> String {
    let mut s: String = url.chars().take(40).flat_map(char::escape_debug).collect();
    if url.chars().nth(40).is_some() {
        s.push_str("...");
    }
    s
}

/// The URL as the most lenient reader sees it: decoded, with whitespace,
/// control and invisible characters removed, ASCII lowercased. `None` when
/// decoding does not settle.
fn normalize(url: &str) -> Option<String> {
    let mut u = Cow::Borrowed(url);
    let mut settled = false;
    for _ in 0..MAX_DECODE_ROUNDS {
        let next = percent_decode(&decode_entities(&u)).into_owned();
        if next == *u {
            settled = true;
            break;
        }
        u = Cow::Owned(next);
    }
    if !settled {
        return None;
    }
    Some(
        u.chars()
            .filter(|&c| !(c.is_whitespace() || c.is_control() || is_invisible(c)))
            .map(|c| c.to_ascii_lowercase())
            .collect(),
    )
}

/// Characters that print as nothing: soft hyphen, zero-width and
/// direction marks, joiners, variation selectors, the byte-order mark.
fn is_invisible(c: char) -> bool {
    matches!(c as u32,
        0xAD | 0x34F | 0x61C | 0x115F | 0x1160 | 0x17B4 | 0x17B5 | 0x180B..=0x180F
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x206F | 0x3164
        | 0xFE00..=0xFE0F | 0xFEFF | 0xFFA0 | 0xFFF0..=0xFFF8)
}

/// Named character references that matter for reading a scheme: the ones
/// that give `:` or a separator, and the spaces a browser may skip. (No
/// named reference gives an ASCII letter, and numeric ones are decoded
/// whatever they give.)
const NAMED: &[(&str, char)] = &[
    ("colon", ':'),
    ("Tab", '\t'),
    ("NewLine", '\n'),
    ("nbsp", '\u{a0}'),
    ("ensp", '\u{2002}'),
    ("emsp", '\u{2003}'),
    ("thinsp", '\u{2009}'),
    ("ZeroWidthSpace", '\u{200b}'),
    ("zwnj", '\u{200c}'),
    ("zwj", '\u{200d}'),
    ("shy", '\u{ad}'),
    ("NoBreak", '\u{2060}'),
    ("amp", '&'),
    ("AMP", '&'),
    ("sol", '/'),
    ("quest", '?'),
    ("num", '#'),
    ("percnt", '%'),
    ("period", '.'),
    ("plus", '+'),
];

/// Decodes numeric references (`&#106;`, `&#x6A`, with or without the `;`,
/// as browsers do) and the named ones of [`NAMED`].
fn decode_entities(s: &str) -> Cow<'_, str> {
    if !s.contains('&') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let (c, used) = reference(rest).unwrap_or(('&', 1));
        out.push(c);
        rest = &rest[used..];
    }
    out.push_str(rest);
    Cow::Owned(out)
}

/// The character a reference at the start of `s` (which starts with `&`)
/// stands for, and its length in bytes.
fn reference(s: &str) -> Option<(char, usize)> {
    let body = &s[1..];
    if let Some(num) = body.strip_prefix('#') {
        let (radix, digits_at) = match num.as_bytes().first() {
            Some(b'x' | b'X') => (16, 3),
            _ => (10, 2),
        };
        let digits = s[digits_at..]
            .bytes()
            .take_while(|b| b.is_ascii_hexdigit() && (radix == 16 || b.is_ascii_digit()))
            .count();
        if digits == 0 {
            return None;
        }
        let value = s[digits_at..digits_at + digits].chars().try_fold(0u32, |v, c| {
            v.checked_mul(radix).and_then(|v| v.checked_add(c.to_digit(radix)?))
        });
        let c = value
            .and_then(char::from_u32)
            .filter(|&c| c != '\0')
            .unwrap_or('\u{fffd}');
        let end = digits_at + digits;
        let used = if s[end..].starts_with(';') { end + 1 } else { end };
        return Some((c, used));
    }
    let name_len = body.bytes().take_while(u8::is_ascii_alphanumeric).count();
    if !body[name_len..].starts_with(';') {
        return None;
    }
    let name = &body[..name_len];
    NAMED.iter().find(|(n, _)| *n == name).map(|&(_, c)| (c, name_len + 2))
}

/// Decodes `%XX` escapes; bytes that do not make UTF-8 become U+FFFD.
fn percent_decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    Cow::Owned(String::from_utf8_lossy(&out).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hostile URLs: each is refused as a link and as an image.
    const HOSTILE: &[&str] = &[
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "JAVASCRIPT:alert(1)",
        " javascript:alert(1)",
        "\u{0}javascript:alert(1)",
        "\u{1}\u{1f} javascript:alert(1)",
        "java\tscript:alert(1)",
        "java\nscript:alert(1)",
        "java\r\nscript:alert(1)",
        "javascript\t:alert(1)",
        "java\u{0}script:alert(1)",
        "java\u{2028}script:alert(1)",
        "\u{3000}javascript:alert(1)",
        "\u{a0}javascript:alert(1)",
        "java\u{200b}script:alert(1)",
        "\u{feff}javascript:alert(1)",
        "&#106;avascript:alert(1)",
        "&#106avascript:alert(1)",
        "&#0000106;avascript:alert(1)",
        "&#x6A;avascript:alert(1)",
        "&#X6a;avascript:alert(1)",
        "&#x000006a;avascript:alert(1)",
        "javascript&colon;alert(1)",
        "javascript&#58;alert(1)",
        "javascript&#x3a;alert(1)",
        "java&Tab;script:alert(1)",
        "java&NewLine;script:alert(1)",
        "&#x20;javascript:alert(1)",
        "jav&#x09;ascript:alert(1)",
        "&amp;#106;avascript:alert(1)",
        "%6Aavascript:alert(1)",
        "javascript%3Aalert(1)",
        "%256Aavascript:alert(1)",
        "&#37;6Aavascript:alert(1)",
        "vbscript:msgbox(1)",
        "VBScript:msgbox(1)",
        "file:///etc/passwd",
        "FILE://c:/windows/win.ini",
        "data:text/html,<script>alert(1)</script>",
        "DATA:text/html;base64,PHNjcmlwdD4=",
        "data:image/svg+xml,<svg onload=alert(1)>",
        "data:image/SVG+xml;base64,PHN2Zz4=",
        "data:image/ svg+xml,<svg/>",
        "d&#97;ta:text/html,x",
        "%2525252525252525256Aavascript:alert(1)",
    ];

    #[test]
    fn hostile_urls_are_refused_as_links_and_images() {
        for url in HOSTILE {
            assert!(is_unsafe(url, UrlKind::Link), "link {url:?} passed");
            assert!(is_unsafe(url, UrlKind::Image), "image {url:?} passed");
            assert!(is_unsafe_anywhere(url), "argument {url:?} passed");
        }
    }

    #[test]
    fn ordinary_urls_pass() {
        for url in [
            "https://example.com/a?b=c&amp;d=e#f",
            "http://example.com",
            "mailto:jokes@example.com",
            "tel:+123",
            "/jokes/chicken/",
            "../images/a.png",
            "@/jokes/x.md#end",
            "//cdn.example.com/a.png",
            "#top",
            "/search?q=a:b",
            "notes/a:b",
            "a%20b.png",
            "/images/100%25.png",
            "",
            "Warning: hot coffee",
        ] {
            assert!(!is_unsafe(url, UrlKind::Link), "link {url:?} refused");
            assert!(!is_unsafe(url, UrlKind::Image), "image {url:?} refused");
        }
    }

    #[test]
    fn raster_data_images_only_as_images() {
        for url in [
            "data:image/png;base64,iVBOR",
            "DATA:image/jpeg;base64,/9j/",
            "data:image/webp,x",
        ] {
            assert!(!is_unsafe(url, UrlKind::Image), "{url}");
            assert!(is_unsafe(url, UrlKind::Link), "{url}");
            assert!(!is_unsafe_anywhere(url), "{url}");
        }
    }

    #[test]
    fn warning_escapes_control_characters_and_truncates() {
        let d = warning(
            Path::new("c.md"),
            3,
            7,
            "java\u{1b}[2Jscript:alert(1)",
            "replaced by '#'",
        );
        assert_eq!(d.code, "SEC002");
        assert_eq!((d.line, d.col), (3, 7));
        assert!(!d.message.contains('\u{1b}'), "{}", d.message);
        assert!(d.message.contains("\\u{1b}"), "{}", d.message);
        let long = format!("javascript:{}", "a".repeat(100));
        assert!(warning(Path::new("c.md"), 1, 1, &long, "dropped")
            .message
            .contains("...'"));
    }

    #[test]
    fn huge_values_take_linear_time() {
        let huge = format!("javascript:{}", "&#x41;%41".repeat(200_000));
        assert!(is_unsafe(&huge, UrlKind::Link));
        let plain = "x".repeat(5_000_000);
        assert!(!is_unsafe(&plain, UrlKind::Link));
    }
}
