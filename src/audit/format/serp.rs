//! How a page shows in a search result: its title and description cut where
//! Google and Baidu cut them, and Yoast's traffic light for its score.
//!
//! Input: the SEO title, the meta description and the audit's thresholds.
//! Output: the shown texts, ending in "…" when cut. Google cuts a title at
//! `title_width` pixels (measured by `width::title_width`) and a description
//! at the longest `description_length` in characters; Baidu cuts a title at
//! 60 half-width units (30 Chinese characters) and a description at the
//! longest `baidu.description_length` in half-width units.

use crate::audit::config::AuditConfig;
use crate::audit::width;

/// Baidu's title in half-width units (30 Chinese characters).
pub const BAIDU_TITLE_UNITS: usize = 60;

/// A page's result snippet for one engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    /// The title as shown.
    pub title: String,
    /// The description as shown.
    pub description: String,
}

/// The Google result of `title` and `description`.
pub fn google(cfg: &AuditConfig, title: &str, description: &str) -> Snippet {
    let max_chars = cfg.description_length.max.unwrap_or(160.0) as usize;
    Snippet {
        title: cut(title, |s| width::title_width(s) <= cfg.title_width),
        description: cut(description, |s| width::char_length(s) <= max_chars),
    }
}

/// The Baidu result of `title` and `description`.
pub fn baidu(cfg: &AuditConfig, title: &str, description: &str) -> Snippet {
    let max_units = cfg.baidu_description_length.max.unwrap_or(156.0) as usize;
    Snippet {
        title: cut(title, |s| width::half_width_length(s) <= BAIDU_TITLE_UNITS),
        description: cut(description, |s| width::half_width_length(s) <= max_units),
    }
}

/// `text` whole if it `fits`, else its longest start that still fits with
/// "…" after it.
fn cut(text: &str, fits: impl Fn(&str) -> bool) -> String {
    let text = text.trim();
    if fits(text) {
        return text.to_string();
    }
    let mut shown = String::new();
    for c in text.chars() {
        shown.push(c);
        shown.push('…');
        let ok = fits(&shown);
        shown.pop();
        if !ok {
            shown.pop();
            break;
        }
    }
    format!("{}…", shown.trim_end())
}

/// Yoast's traffic light for a 0-100 score: `good` (green) above 70,
/// `ok` (orange) from 41 to 70, `bad` (red) at 40 and below.
pub fn light(score: u32) -> &'static str {
    match score {
        71.. => "good",
        41..=70 => "ok",
        _ => "bad",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_cut_at_the_engine_width() {
        let cfg = AuditConfig::default();
        let long = "word ".repeat(40);
        let g = google(&cfg, &long, "short");
        assert!(g.title.ends_with('…') && width::title_width(&g.title) <= 600.0);
        assert_eq!(g.description, "short");
        let zh = "程序员".repeat(20);
        let b = baidu(&cfg, &zh, &zh);
        assert_eq!(b.title.chars().count(), 30, "29 characters and the ellipsis");
        assert_eq!(b.description, zh, "60 characters fit Baidu's 156 units");
        assert_eq!(google(&cfg, "Short title", "").title, "Short title");
    }

    #[test]
    fn lights_follow_yoast() {
        assert_eq!(
            (light(100), light(71), light(70), light(41), light(40)),
            ("good", "good", "ok", "ok", "bad")
        );
    }
}
