//! How wide a title is in a search result, and how long a description is
//! for each engine.
//!
//! Input: a string. Output: its width in pixels, from a per-character
//! table. The table holds Arial's advance widths at 20 px, the font and
//! size Google shows result titles in (Arial's widths are in 1/1000 em, so
//! 556 units = 11.1 px): narrow letters such as `i` and `l` take 4.4 px,
//! most lowercase letters 11.1 px, `m` 16.7 px, capitals 12.2 to 18.9 px,
//! and a Chinese, Japanese or Korean character, or any full-width sign,
//! takes a whole em, 20 px: about twice a Latin letter. Baidu's length
//! counts half-width units: a CJK character counts 2, anything else 1.

use crate::markdown::is_cjk;

/// Pixel width of `c` in a 20 px Arial title (see the module header).
pub fn char_width(c: char) -> f64 {
    let units: u32 = match c {
        'i' | 'j' | 'l' | '\'' | '|' | '.' | ',' | ':' | ';' | '!' => 222,
        ' ' | 'f' | 't' | 'I' | '/' | '\\' => 278,
        'r' | '-' | '(' | ')' | '[' | ']' | '{' | '}' | '"' | '`' => 333,
        'c' | 'k' | 's' | 'v' | 'x' | 'y' | 'z' | 'J' | '?' | '*' => 500,
        'm' | 'M' => 833,
        'w' | 'C' | 'D' | 'H' | 'N' | 'R' | 'U' | '&' => 722,
        'G' | 'O' | 'Q' => 778,
        'F' | 'T' | 'Z' | 'L' => 611,
        'W' | '%' => 944,
        '@' => 1015,
        'A'..='Z' => 667,
        'a'..='z' | '0'..='9' | '$' | '#' | '_' | '+' | '=' | '<' | '>' | '~' | '^' => 556,
        '\u{2014}' | '\u{2026}' => 1000,
        c if is_wide(c) => 1000,
        c if c.is_uppercase() => 667,
        c if c.is_alphanumeric() => 556,
        _ => 556,
    };
    f64::from(units) * 20.0 / 1000.0
}

/// CJK characters, full-width forms and CJK punctuation take a whole em.
fn is_wide(c: char) -> bool {
    is_cjk(c) || matches!(c as u32, 0x3000..=0x303f | 0xff00..=0xff60 | 0xffe0..=0xffe6 | 0x1f300..=0x1faff)
}

/// Width of `s` in pixels, rounded to a tenth.
pub fn title_width(s: &str) -> f64 {
    let w: f64 = s.chars().map(char_width).sum();
    (w * 10.0).round() / 10.0
}

/// Length in characters (what Google's guidance counts).
pub fn char_length(s: &str) -> usize {
    s.chars().count()
}

/// Length in half-width units (what Baidu's guidance counts): a wide
/// character is 2, anything else 1.
pub fn half_width_length(s: &str) -> usize {
    s.chars().map(|c| if is_wide(c) { 2 } else { 1 }).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrow_and_wide_letters_differ() {
        assert!(title_width("iiiiii") < title_width("mmmmmm") / 3.0);
        assert_eq!(title_width("a"), 11.1);
        assert_eq!(title_width("中"), 20.0);
        assert!(
            (title_width("中") / title_width("a") - 1.8).abs() < 0.05,
            "CJK is about twice a letter"
        );
    }

    #[test]
    fn typical_titles() {
        // 60 ordinary lowercase letters and spaces stay under 600 px...
        let latin = "why did the chicken cross the road a classic joke explained";
        assert!(title_width(latin) < 600.0, "{}", title_width(latin));
        // ...while 31 Chinese characters do not.
        let chinese = "谐音梗笑话：蚕宝宝为什么有钱，以及蜘蛛为什么会做生意的故事合集";
        assert!(title_width(chinese) > 600.0, "{}", title_width(chinese));
    }

    #[test]
    fn baidu_counts_chinese_twice() {
        assert_eq!(half_width_length("ab中文"), 6);
        assert_eq!(char_length("ab中文"), 4);
        assert_eq!(half_width_length("，"), 2);
    }
}
