//! Languages: which language each item is in, and which items translate
//! each other.
//!
//! Input: the documents and site.yaml's languages. Output, per document:
//! its language ([`Document::lang`], empty for the default language), its
//! translation key ([`Document::translation_key`]) and, when the file name
//! carries a language suffix (`snowman.zh.md`), its slug without it; plus
//! an error for a `lang:` site.yaml does not list and for two items of one
//! language with the same key. Invariant: everything is worked out from the
//! file's path, its front matter and site.yaml alone, so running this again
//! over the same documents gives the same result (the dev server does, after
//! every edit, on documents it kept).

use crate::config::SiteConfig;
use crate::content::{slugify, Document};
use crate::diagnostic::{did_you_mean, Diagnostic};
use std::collections::HashMap;

/// Assigns language, translation key and slug to every document (see the
/// module header) and reports unknown languages and duplicate keys.
pub fn assign<'d>(docs: impl Iterator<Item = &'d mut Document>, config: &SiteConfig) -> Vec<Diagnostic> {
    let codes: Vec<&str> = config.language_codes().collect();
    let mut diags = Vec::new();
    let mut seen: HashMap<(String, String), std::path::PathBuf> = HashMap::new();
    for doc in docs {
        let stem = std::path::Path::new(&doc.rel)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let suffix = stem
            .rsplit_once('.')
            .filter(|(base, code)| !base.is_empty() && codes.contains(code));
        let base = suffix.map_or(stem.as_str(), |(b, _)| b);
        let lang = match &doc.meta.lang {
            Some(l) if codes.contains(&l.as_str()) => l.clone(),
            Some(l) => {
                diags.push(unknown_language(doc, l, &codes));
                config.language.clone()
            }
            None => suffix.map_or_else(|| config.language.clone(), |(_, c)| c.to_string()),
        };
        doc.lang = if lang == config.language { String::new() } else { lang };
        if doc.meta.slug.is_none() && suffix.is_some() {
            let slug = slugify(base);
            if !slug.is_empty() {
                doc.slug = slug;
            }
        }
        doc.translation_key = match &doc.meta.translation_key {
            Some(k) => format!("key:{k}"),
            None => {
                let dir = doc.rel.rsplit_once('/').map_or("", |(d, _)| d);
                format!("path:{dir}/{base}")
            }
        };
        let slot = (doc.translation_key.clone(), doc.lang.clone());
        if let Some(first) = seen.get(&slot) {
            diags.push(duplicate_key(doc, first, config));
        } else {
            seen.insert(slot, doc.path.clone());
        }
    }
    diags
}

/// A language's name in itself, for the language switcher (the tag when
/// it is not one of these).
pub fn display_name(code: &str) -> &'static str {
    match code {
        "en" => "English",
        "zh" | "zh-CN" | "zh-Hans" => "中文",
        "zh-TW" | "zh-Hant" => "繁體中文",
        "ja" => "日本語",
        "ko" => "한국어",
        "fr" => "Français",
        "de" => "Deutsch",
        "es" => "Español",
        "pt" | "pt-BR" => "Português",
        "it" => "Italiano",
        "ru" => "Русский",
        _ => "",
    }
}

fn unknown_language(doc: &Document, lang: &str, codes: &[&str]) -> Diagnostic {
    let (l, c) = doc.meta.pos("lang");
    let help = match did_you_mean(lang, codes.iter().copied()) {
        Some(m) => format!("did you mean '{m}'?"),
        None => format!(
            "use one of: {} (or add '{lang}' to 'languages:' in site.yaml)",
            codes.join(", ")
        ),
    };
    Diagnostic::error(
        "LNG001",
        &doc.path,
        format!("unknown language '{lang}': site.yaml does not list it"),
    )
    .at(l, c)
    .help(help)
}

fn duplicate_key(doc: &Document, first: &std::path::Path, config: &SiteConfig) -> Diagnostic {
    let key = if doc.meta.translation_key.is_some() {
        "translation_key"
    } else {
        "lang"
    };
    let (l, c) = if doc.meta.positions.contains_key(key) {
        doc.meta.pos(key)
    } else {
        (1, 1)
    };
    let lang = if doc.lang.is_empty() {
        &config.language
    } else {
        &doc.lang
    };
    Diagnostic::error(
        "LNG002",
        &doc.path,
        format!(
            "two '{lang}' versions of one item: {} is its '{lang}' translation already",
            first.display()
        ),
    )
    .at(l, c)
    .help("give one of them another language ('lang:' or the file-name suffix) or another 'translation_key:'")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::parse_document;
    use crate::workflow::roles::Roles;
    use std::path::Path;

    fn config() -> SiteConfig {
        let mut d = Vec::new();
        let c = SiteConfig::parse(
            "language: en\nlanguages:\n  zh: {title: 笑点}\n",
            Path::new("site.yaml"),
            &mut d,
        );
        assert!(d.is_empty(), "{d:?}");
        c
    }

    fn doc(path: &str, fm: &str) -> Document {
        let roles = Roles::parse(
            "members:\n  a: {email: a@x, roles: [copywriter]}\n",
            Path::new("roles.yaml"),
            &mut Vec::new(),
        );
        let text = format!("---\ntitle: T\ndate: 2026-01-01\nauthor: a\n{fm}---\nbody\n");
        let (d, diags) = parse_document(Path::new(path), &text, &roles);
        assert!(diags.is_empty(), "{diags:?}");
        d.unwrap()
    }

    #[test]
    fn language_from_suffix_front_matter_or_default() {
        let mut docs = [
            doc("content/jokes/snowman.md", ""),
            doc("content/jokes/snowman.zh.md", ""),
            doc("content/jokes/other.md", "lang: zh\n"),
            doc("content/jokes/node.js.md", ""),
        ];
        let d = assign(docs.iter_mut(), &config());
        assert!(d.is_empty(), "{d:?}");
        let got: Vec<(&str, &str, &str)> = docs
            .iter()
            .map(|d| (d.lang.as_str(), d.slug.as_str(), d.translation_key.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("", "snowman", "path:jokes/snowman"),
                ("zh", "snowman", "path:jokes/snowman"),
                ("zh", "other", "path:jokes/other"),
                ("", "node-js", "path:jokes/node.js"),
            ]
        );
        // Again: the same result (the dev server runs it on kept documents).
        assert!(assign(docs.iter_mut(), &config()).is_empty());
        assert_eq!(docs[1].slug, "snowman");
    }

    #[test]
    fn unknown_language_and_duplicate_key_are_errors_at_their_lines() {
        let mut docs = [
            doc("content/jokes/a.md", "lang: hz\n"),
            doc("content/jokes/b.md", "translation_key: pair\n"),
            doc("content/jokes/c.md", "translation_key: pair\n"),
        ];
        let d: Vec<String> = assign(docs.iter_mut(), &config())
            .iter()
            .map(|d| d.to_string())
            .collect();
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(
            d[0].starts_with("content/jokes/a.md:5:1: error[LNG001]: unknown language 'hz'")
                && d[0].contains("did you mean 'zh'?"),
            "{d:?}"
        );
        assert!(
            d[1].starts_with("content/jokes/c.md:5:1: error[LNG002]") && d[1].contains("content/jokes/b.md"),
            "{d:?}"
        );
    }
}
