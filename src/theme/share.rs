//! What a page's share button offers: its address and title ready for the
//! networks' share links, and a QR code of the address for WeChat (which
//! has no share link: readers scan the code with the phone).
//!
//! Input: `&Site` and a page id. Output: a [`ShareView`]. Invariants: the
//! QR code is drawn here, at build time, as one SVG path, so the page
//! loads no third-party script or image; every visible word (network
//! names, labels) stays in the templates.

use crate::site::{PageId, Site};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use qrcode::{Color, EcLevel};
use serde::Serialize;

/// What may stay as is in a query value: RFC 3986's unreserved characters.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// Modules of white border around the code, as scanners expect.
const QUIET_ZONE: usize = 2;

/// The share button's data for one page.
#[derive(Debug, Clone, Serialize)]
pub struct ShareView {
    /// The page's absolute address.
    pub url: String,
    /// The address, percent-encoded for a query string.
    pub url_enc: String,
    /// The title, percent-encoded for a query string.
    pub title_enc: String,
    /// Width and height of the QR code's `viewBox`, border included.
    pub qr_size: usize,
    /// The dark modules as an SVG path, drawn with a 1-unit stroke.
    pub qr_path: String,
}

/// The share data of page `id`.
pub fn share(site: &Site, id: PageId) -> ShareView {
    let p = &site.pages[id];
    let url = site.config.permalink(&p.url);
    let (qr_size, qr_path) = qr_path(&url);
    ShareView {
        url_enc: utf8_percent_encode(&url, QUERY_VALUE).to_string(),
        title_enc: utf8_percent_encode(&p.doc.meta.title, QUERY_VALUE).to_string(),
        url,
        qr_size,
        qr_path,
    }
}

/// A QR code of `text` as (viewBox size, path). Each run of dark modules
/// in a row is one horizontal stroke, which keeps the path near 2 KB for a
/// typical joke address. An address too long for any QR code gives an
/// empty path (the template then leaves the code out).
pub fn qr_path(text: &str) -> (usize, String) {
    let Some((n, colors)) = qr_modules(text) else {
        return (0, String::new());
    };
    let mut d = String::with_capacity(n * n / 2);
    for y in 0..n {
        let row = &colors[y * n..(y + 1) * n];
        let mut x = 0;
        // Where the pen is in this row, once it has drawn something.
        let mut pen: Option<usize> = None;
        while x < n {
            if row[x] != Color::Dark {
                x += 1;
                continue;
            }
            let start = x;
            while x < n && row[x] == Color::Dark {
                x += 1;
            }
            // Written digit by digit: a `format!` per run was most of
            // the cost of the code (hundreds of runs on every joke page).
            match pen {
                None => {
                    d.push('M');
                    push_number(&mut d, start + QUIET_ZONE);
                    d.push(' ');
                    push_number(&mut d, y + QUIET_ZONE);
                    d.push_str(".5");
                }
                Some(at) => {
                    d.push('m');
                    push_number(&mut d, start - at);
                    d.push_str(" 0");
                }
            }
            d.push('h');
            push_number(&mut d, x - start);
            pen = Some(x);
        }
    }
    (n + 2 * QUIET_ZONE, d)
}

/// Appends `n` in decimal.
fn push_number(out: &mut String, n: usize) {
    if n < 10 {
        // Most runs and gaps are a few modules long.
        out.push(char::from(b'0' + n as u8));
        return;
    }
    let mut digits = [0u8; 20];
    let mut i = digits.len();
    let mut rest = n;
    loop {
        i -= 1;
        digits[i] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    out.extend(digits[i..].iter().map(|&b| char::from(b)));
}

/// The QR code of `text` (L error correction, the smallest version), as
/// its width and modules, drawn with one fixed mask. `QrCode::new` scores
/// all eight masks and keeps the best, which took two fifths of a whole
/// build with a code on every joke page; every mask is valid and phones
/// read a short address under any of them.
fn qr_modules(text: &str) -> Option<(usize, Vec<Color>)> {
    use qrcode::canvas::{Canvas, MaskPattern};
    let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::L).ok()?;
    let version = bits.version();
    let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::L).ok()?;
    let mut canvas = Canvas::new(version, EcLevel::L);
    canvas.draw_all_functional_patterns();
    canvas.draw_data(&data, &ec);
    canvas.apply_mask(MaskPattern::Checkerboard);
    Some((version.width().try_into().ok()?, canvas.into_colors()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixed_mask_code_is_the_crates_code_but_for_the_mask() {
        use qrcode::canvas::{Canvas, MaskPattern};
        use qrcode::QrCode;
        let masks = [
            MaskPattern::Checkerboard,
            MaskPattern::HorizontalLines,
            MaskPattern::VerticalLines,
            MaskPattern::DiagonalLines,
            MaskPattern::LargeCheckerboard,
            MaskPattern::Fields,
            MaskPattern::Diamonds,
            MaskPattern::Meadow,
        ];
        for text in [
            "https://a.example/jokes/x/",
            "https://jokes.example.com/zh/jokes/冷笑话-老板/",
        ] {
            let (n, ours) = qr_modules(text).unwrap();
            let best = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::L).unwrap();
            assert_eq!(n, best.width());
            // Our modules under our mask; the crate's under its best one:
            // the same code once both are drawn with the crate's choice.
            let bits = qrcode::bits::encode_auto(text.as_bytes(), EcLevel::L).unwrap();
            let version = bits.version();
            let (data, ec) = qrcode::ec::construct_codewords(&bits.into_bytes(), version, EcLevel::L).unwrap();
            let mut bare = Canvas::new(version, EcLevel::L);
            bare.draw_all_functional_patterns();
            bare.draw_data(&data, &ec);
            let drawn = |m: MaskPattern| {
                let mut c = bare.clone();
                c.apply_mask(m);
                c.into_colors()
            };
            assert_eq!(drawn(MaskPattern::Checkerboard), ours);
            assert!(masks.into_iter().any(|m| drawn(m) == best.to_colors()), "{text}");
        }
    }

    #[test]
    fn the_qr_path_draws_every_dark_module_once() {
        let text = "https://punchline.example.com/jokes/the-day-the-coffee-machine-broke/";
        let (size, d) = qr_path(text);
        let (n, modules) = qr_modules(text).unwrap();
        assert_eq!(size, n + 2 * QUIET_ZONE);
        let dark = modules.iter().filter(|c| **c == Color::Dark).count();
        // Every run is "h<len>": their lengths add up to the dark modules.
        let drawn: usize = d
            .split('h')
            .skip(1)
            .map(|s| s.split(['m', 'M']).next().unwrap().parse::<usize>().unwrap())
            .sum();
        assert_eq!(drawn, dark);
        assert!(d.len() < 3000, "{} bytes", d.len());
    }

    #[test]
    fn numbers_are_written_in_decimal() {
        for n in [0, 7, 10, 99, 100, 12345, usize::MAX] {
            let mut s = String::from("x");
            push_number(&mut s, n);
            assert_eq!(s, format!("x{n}"));
        }
    }

    #[test]
    fn share_values_are_encoded_for_a_query_string() {
        assert_eq!(
            utf8_percent_encode("老板 & co?", QUERY_VALUE).to_string(),
            "%E8%80%81%E6%9D%BF%20%26%20co%3F"
        );
    }
}
