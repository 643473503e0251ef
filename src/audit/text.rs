//! Text analysis: normalizing, splitting into words (Chinese with jieba),
//! and finding keyword phrases.
//!
//! Input: plain text from the model (bodies, titles, descriptions, slugs).
//! Output: a normalized form and its word spans, and [`Phrase`] matches.
//!
//! The normalized form is lowercase; words are separated by one space and
//! sentences by `\n`, so a phrase never matches across a sentence; spaces
//! next to Chinese characters are dropped, since Chinese is written without
//! them. Matching works on this form: Latin words must match whole (a
//! trailing "s" or "es" on the last word is allowed, so "joke" finds
//! "jokes"), Chinese matches as a substring, since jieba may cut the same
//! characters differently in different contexts. Word counts and terms use
//! jieba's words. Invariant: the jieba dictionary (tens of milliseconds to
//! load) is loaded only when some text holds Chinese characters.

use crate::markdown::is_cjk;
use jieba_rs::Jieba;
use std::sync::OnceLock;

/// The segmenter, loaded on first use.
fn jieba() -> &'static Jieba {
    static JIEBA: OnceLock<Jieba> = OnceLock::new();
    JIEBA.get_or_init(Jieba::new)
}

/// Starts loading the segmenter's dictionary on a thread of its own (it
/// takes about a sixth of a second), so pages without Chinese are analyzed
/// meanwhile. Called when some text holds Chinese; never otherwise.
pub fn warm_up() {
    std::thread::spawn(|| {
        jieba();
    });
}

/// Whether `text` holds a Chinese (or other CJK) character.
pub fn has_cjk(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(is_cjk)
}

/// Whether `c` ends a sentence (in English or Chinese).
fn ends_sentence(c: char) -> bool {
    matches!(c, '.' | '!' | '?' | ';' | '。' | '！' | '？' | '；' | '…' | '\n')
}

/// Apostrophes are dropped, so "don't" and "dont" are one word.
fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '’' | '‘' | 'ʼ')
}

/// Whether `c` is a letter or digit of a script written with spaces.
fn is_latin_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_cjk(c)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    Soft,
    Hard,
}

/// Which bytes are ASCII letters or digits (a table: the hot loop of
/// [`normalize`] tests one byte per step).
const ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// Which bytes continue an ASCII word in normalized text: ASCII, but not the
/// word and sentence separators.
const ASCII_IN_WORD: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = b != b' ' as usize && b != b'\n' as usize;
        b += 1;
    }
    t
};

/// The normalized form of `text` (see the module header).
pub fn normalize(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(text.len());
    let mut pending: Option<Sep> = None;
    let mut last_cjk = false;
    let mut i = 0;
    while i < bytes.len() {
        // A run of ASCII letters and digits, copied in one go, lowercased by
        // setting bit 5 ('0'-'9' and 'a'-'z' have it already).
        let start = i;
        while i < bytes.len() && ASCII_ALNUM[bytes[i] as usize] {
            i += 1;
        }
        if i > start {
            separate(&mut out, &mut pending, false, last_cjk);
            out.extend(bytes[start..i].iter().map(|b| b | 0x20));
            last_cjk = false;
            continue;
        }
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            if matches!(b, b'.' | b'!' | b'?' | b';' | b'\n') {
                pending = Some(Sep::Hard);
            } else if b != b'\'' && pending.is_none() {
                pending = Some(Sep::Soft);
            }
            continue;
        }
        let c = text[i..].chars().next().expect("at a char boundary");
        i += c.len_utf8();
        if c.is_alphanumeric() {
            let cjk = is_cjk(c);
            separate(&mut out, &mut pending, cjk, last_cjk);
            let mut buf = [0u8; 4];
            for l in c.to_lowercase() {
                out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
            }
            last_cjk = cjk;
        } else if ends_sentence(c) {
            pending = Some(Sep::Hard);
        } else if !is_apostrophe(c) && pending.is_none() {
            pending = Some(Sep::Soft);
        }
    }
    String::from_utf8(out).expect("built from whole characters")
}

/// Writes the pending separator before a word character: a sentence break
/// always, a space only between two characters of spaced scripts.
#[inline]
fn separate(out: &mut Vec<u8>, pending: &mut Option<Sep>, cjk: bool, last_cjk: bool) {
    if let Some(sep) = pending.take() {
        if !out.is_empty() {
            if sep == Sep::Hard {
                out.push(b'\n');
            } else if !cjk && !last_cjk {
                out.push(b' ');
            }
        }
    }
}

/// Calls `f` with the byte range of every word of normalized text, in
/// order. Latin words are split at spaces; runs of Chinese characters are
/// cut into words by jieba.
pub fn for_each_word(norm: &str, mut f: impl FnMut(usize, usize)) {
    let b = norm.as_bytes();
    // Whether the (non-ASCII) character at `i` is CJK, and its length.
    let class = |i: usize| -> (bool, usize) {
        let c = norm[i..].chars().next().expect("at a char boundary");
        (is_cjk(c), c.len_utf8())
    };
    let mut i = 0;
    while i < b.len() {
        if b[i] == b' ' || b[i] == b'\n' {
            i += 1;
            continue;
        }
        let start = i;
        let cjk = b[i] >= 0x80 && class(i).0;
        loop {
            // ASCII runs are never CJK: skip them without decoding.
            if !cjk {
                while i < b.len() && ASCII_IN_WORD[b[i] as usize] {
                    i += 1;
                }
            }
            if i >= b.len() || b[i] < 0x80 {
                break;
            }
            let (k, l) = class(i);
            if k != cjk {
                break;
            }
            i += l;
        }
        if cjk {
            for t in jieba().cut(&norm[start..i], true) {
                f(start + t.byte_start, start + t.byte_end);
            }
        } else {
            f(start, i);
        }
    }
}

/// The words of normalized text, as strings.
pub fn word_list(norm: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for_each_word(norm, |s, e| out.push(&norm[s..e]));
    out
}

/// A keyword or phrase to look for in normalized text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// Its normalized form (one line: sentence marks inside become spaces).
    pub norm: String,
    latin_start: bool,
    latin_end: bool,
    plural_ok: bool,
}

impl Phrase {
    /// The phrase for `text`; `None` if it has no letters or digits.
    pub fn new(text: &str) -> Option<Phrase> {
        let norm = normalize(text).replace('\n', " ");
        let first = norm.chars().next()?;
        let last = norm.chars().next_back()?;
        Some(Phrase {
            latin_start: is_latin_word_char(first),
            latin_end: is_latin_word_char(last),
            plural_ok: last.is_alphabetic() && !is_cjk(last),
            norm,
        })
    }

    /// Where each match in `hay` (normalized text) ends; `None` if the
    /// match at `start` is not a whole-word match.
    fn match_end(&self, hay: &str, start: usize) -> Option<usize> {
        if self.latin_start && hay[..start].chars().next_back().is_some_and(is_latin_word_char) {
            return None;
        }
        let end = start + self.norm.len();
        if !self.latin_end {
            return Some(end);
        }
        let after = |at: usize| !hay[at..].chars().next().is_some_and(is_latin_word_char);
        if after(end) {
            return Some(end);
        }
        if self.plural_ok {
            for suffix in ["s", "es"] {
                if hay[end..].starts_with(suffix) && after(end + suffix.len()) {
                    return Some(end + suffix.len());
                }
            }
        }
        None
    }

    /// Non-overlapping whole-word matches in `hay`: (start, end) byte ranges.
    pub fn matches<'h>(&'h self, hay: &'h str) -> impl Iterator<Item = (usize, usize)> + 'h {
        let mut from = 0;
        std::iter::from_fn(move || {
            while from <= hay.len() {
                let i = from + hay[from..].find(&self.norm)?;
                match self.match_end(hay, i) {
                    Some(end) => {
                        from = end;
                        return Some((i, end));
                    }
                    None => from = i + hay[i..].chars().next().map_or(1, char::len_utf8),
                }
            }
            None
        })
    }

    /// How many times the phrase occurs in `hay`.
    pub fn count(&self, hay: &str) -> usize {
        self.matches(hay).count()
    }

    /// Whether the phrase occurs in `hay`.
    pub fn is_in(&self, hay: &str) -> bool {
        self.matches(hay).next().is_some()
    }

    /// Whether `hay` starts with the phrase.
    pub fn starts(&self, hay: &str) -> bool {
        hay.starts_with(&self.norm) && self.match_end(hay, 0).is_some()
    }

    /// The phrase's words (Chinese cut by jieba), each as a phrase of its own.
    pub fn words(&self) -> Vec<Phrase> {
        word_list(&self.norm).into_iter().filter_map(Phrase::new).collect()
    }
}

/// Whether one sentence of normalized `text` holds every one of `words`.
pub fn one_sentence_has_all(norm: &str, words: &[Phrase]) -> bool {
    !words.is_empty() && norm.split('\n').any(|s| words.iter().all(|w| w.is_in(s)))
}

/// Words too common to be keywords (English and Chinese function words).
const STOP_WORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "dont",
    "down",
    "each",
    "even",
    "every",
    "few",
    "for",
    "from",
    "get",
    "got",
    "had",
    "has",
    "have",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "if",
    "im",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "let",
    "like",
    "me",
    "more",
    "most",
    "my",
    "no",
    "nor",
    "not",
    "now",
    "of",
    "off",
    "on",
    "once",
    "one",
    "only",
    "or",
    "other",
    "our",
    "out",
    "over",
    "own",
    "said",
    "same",
    "says",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "two",
    "under",
    "until",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "youre",
    "的",
    "了",
    "是",
    "我",
    "你",
    "他",
    "她",
    "它",
    "们",
    "我们",
    "你们",
    "他们",
    "这",
    "那",
    "这个",
    "那个",
    "就",
    "也",
    "都",
    "在",
    "和",
    "与",
    "及",
    "而",
    "但",
    "但是",
    "因为",
    "所以",
    "如果",
    "就是",
    "还",
    "又",
    "很",
    "吗",
    "呢",
    "吧",
    "啊",
    "呀",
    "着",
    "过",
    "给",
    "把",
    "被",
    "让",
    "对",
    "说",
    "要",
    "会",
    "能",
    "有",
    "没有",
    "不",
    "一个",
    "什么",
    "怎么",
    "为什么",
    "自己",
    "已经",
    "这样",
    "那样",
    "还是",
    "可以",
    "一",
    "个",
    "上",
    "下",
    "里",
    "到",
    "看到",
    "时候",
    "一下",
    "一点",
    "还有",
    "现在",
    "然后",
    "结果",
    "知道",
    "觉得",
    "这么",
    "那么",
    "其实",
    "只是",
    "一样",
];

/// A fast hasher for short strings (the FxHash multiply-rotate): the term
/// maps hash millions of words, and SipHash's flood protection buys nothing
/// on the site's own text.
#[derive(Default, Clone, Copy)]
pub struct FastHasher(u64);

impl std::hash::Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let v = u64::from_le_bytes(c.try_into().expect("8 bytes"));
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            // Most words are shorter than 8 bytes: one step for the tail.
            let mut v = (rest.len() as u64) << 56;
            for (i, &b) in rest.iter().enumerate() {
                v |= u64::from(b) << (8 * i);
            }
            self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(K);
        }
    }

    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u8(&mut self, b: u8) {
        self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A fast 64-bit hash of a word's bytes (the multiply-rotate of
/// [`FastHasher`], without the `Hasher` plumbing: it runs once per word of
/// the site).
#[inline]
pub fn fast_hash(b: &[u8]) -> u64 {
    const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut h = 0u64;
    let mut i = 0;
    while i + 8 <= b.len() {
        let v = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ v).wrapping_mul(K);
        i += 8;
    }
    let mut v = ((b.len() - i) as u64) << 56;
    let mut shift = 0;
    while i < b.len() {
        v |= u64::from(b[i]) << shift;
        shift += 8;
        i += 1;
    }
    (h.rotate_left(5) ^ v).wrapping_mul(K)
}

/// Builds [`FastHasher`]s.
pub type FastState = std::hash::BuildHasherDefault<FastHasher>;

/// The stop words in an open-addressing table keyed by their
/// [`fast_hash`] (slot = the hash's top bits, else the next free one): a
/// word is looked up with the hash the word counter already has, in a probe
/// or two, and compared as text only when a hash matches.
struct StopTable {
    slots: Vec<Option<(u64, &'static str)>>,
    shift: u32,
}

impl StopTable {
    fn get() -> &'static StopTable {
        static TABLE: OnceLock<StopTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            let size = (STOP_WORDS.len() * 4).next_power_of_two();
            let mut t = StopTable {
                slots: vec![None; size],
                shift: 64 - size.trailing_zeros(),
            };
            for w in STOP_WORDS {
                let h = fast_hash(w.as_bytes());
                let mut i = t.slot(h);
                while t.slots[i].is_some() {
                    i = (i + 1) & (size - 1);
                }
                t.slots[i] = Some((h, w));
            }
            t
        })
    }

    fn slot(&self, hash: u64) -> usize {
        (hash >> self.shift) as usize
    }

    fn contains(&self, word: &str, hash: u64) -> bool {
        let mask = self.slots.len() - 1;
        let mut i = self.slot(hash);
        while let Some((h, w)) = self.slots[i] {
            if h == hash && w == word {
                return true;
            }
            i = (i + 1) & mask;
        }
        false
    }
}

/// Whether `word` (normalized) is worth listing as a term: not a stop word,
/// not a number, at least two characters.
pub fn is_term(word: &str) -> bool {
    is_term_hashed(word, fast_hash(word.as_bytes()))
}

/// [`is_term`] for a word whose [`fast_hash`] is known (the word counter
/// has it): it runs for every distinct word of every page.
pub fn is_term_hashed(word: &str, hash: u64) -> bool {
    let mut chars = word.chars();
    let (Some(first), Some(_)) = (chars.next(), chars.next()) else {
        return false;
    };
    if first.is_ascii_digit() && word.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    !StopTable::get().contains(word, hash)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_case_punctuation_and_chinese_spacing() {
        assert_eq!(normalize("Hello,  World! It's me."), "hello world\nits me");
        assert_eq!(normalize("SQL 笑话：程序员"), "sql笑话程序员");
        assert_eq!(
            normalize("因为它会结茧（节俭）。那为什么"),
            "因为它会结茧节俭\n那为什么"
        );
    }

    #[test]
    fn phrases_match_whole_words_with_plurals() {
        let p = Phrase::new("Chicken joke").unwrap();
        assert_eq!(
            p.count(&normalize("A chicken joke, two chicken jokes. Chicken jokester.")),
            2
        );
        assert!(!p.is_in(&normalize("chicken. Joke")), "not across sentences");
        let atom = Phrase::new("atom").unwrap();
        assert!(!atom.is_in("anatomy"));
        assert!(atom.starts("atoms make up everything"));
        assert!(!atom.starts("atomic"));
    }

    #[test]
    fn chinese_phrases_match_inside_unspaced_text() {
        let text = normalize("这就是传说中的谐音梗。据说每讲一个谐音梗要扣一块钱。");
        let p = Phrase::new("谐音梗").unwrap();
        assert_eq!(p.count(&text), 2);
        let mixed = Phrase::new("SQL 笑话").unwrap();
        assert!(mixed.is_in(&normalize("这个英文的SQL笑话")));
    }

    #[test]
    fn jieba_cuts_real_chinese_sentences_into_words() {
        // The example docs/audit.md gives.
        assert_eq!(
            word_list(&normalize("老婆给当程序员的老公打电话")),
            vec!["老婆", "给", "当", "程序员", "的", "老公", "打电话"]
        );
        let norm = normalize("老婆给当程序员的老公打电话：下班顺路买一斤包子带回来。");
        let w = word_list(&norm);
        for expected in ["老婆", "程序员", "老公", "打电话", "下班", "包子"] {
            assert!(w.contains(&expected), "{expected} not in {w:?}");
        }
        let norm = normalize("北方朋友问南方人，冬天没有暖气到底怎么熬过来？");
        let w = word_list(&norm);
        for expected in ["北方", "朋友", "南方人", "冬天", "暖气"] {
            assert!(w.contains(&expected), "{expected} not in {w:?}");
        }
    }

    #[test]
    fn mixed_text_splits_at_script_changes() {
        let norm = normalize("Punchline 的笑话 and more");
        assert_eq!(word_list(&norm), vec!["punchline", "的", "笑话", "and", "more"]);
    }

    #[test]
    fn all_words_in_one_sentence() {
        let kw = Phrase::new("chicken road").unwrap();
        let words = kw.words();
        assert!(one_sentence_has_all(
            &normalize("Why did the chicken cross the road?"),
            &words
        ));
        assert!(!one_sentence_has_all(&normalize("A chicken. A road."), &words));
        let cn = Phrase::new("过年回家").unwrap().words();
        assert!(cn.len() >= 2, "{cn:?}");
        assert!(one_sentence_has_all(&normalize("每次回家过年都要被问。"), &cn));
    }

    #[test]
    fn terms_skip_stop_words_numbers_and_single_letters() {
        assert!(is_term("chicken"));
        assert!(is_term("程序员"));
        assert!(!is_term("the"));
        assert!(!is_term("的"));
        assert!(!is_term("我们"));
        assert!(!is_term("2026"));
        assert!(!is_term("x"));
    }
}
