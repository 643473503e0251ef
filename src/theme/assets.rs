//! Theme static files: Sass compiled, CSS and JS minified, every file named
//! by its content hash.
//!
//! Input: a theme folder's `sass/` and static bytes. Output: CSS files from
//! Sass (`sass/site.scss` -> `css/site.css`; files starting with `_` are
//! partials), and for builds, minified bytes and names such as
//! `css/site.1a2b3c4d.css`, so a CDN may cache every asset for a year and
//! never serve a stale one. The dev server keeps plain names and sources.

use crate::diagnostic::Diagnostic;
use std::borrow::Cow;
use std::path::Path;

/// `css/site.css` + bytes -> `css/site.<8 hex>.css` (`logo` -> `logo.<hex>`).
pub fn fingerprinted_name(rel: &str, bytes: &[u8]) -> String {
    let hash = (xxhash_rust::xxh3::xxh3_64(bytes) >> 32) as u32;
    let (dir, file) = rel.rsplit_once('/').map_or(("", rel), |(d, f)| (d, f));
    let named = match file.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => format!("{stem}.{hash:08x}.{ext}"),
        _ => format!("{file}.{hash:08x}"),
    };
    if dir.is_empty() {
        named
    } else {
        format!("{dir}/{named}")
    }
}

/// Minified CSS or JS; other files, or files the minifier cannot read, unchanged.
pub fn minify<'a>(rel: &str, bytes: &'a [u8]) -> Cow<'a, [u8]> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Cow::Borrowed(bytes);
    };
    if rel.ends_with(".css") {
        match minifier::css::minify(text) {
            Ok(m) => Cow::Owned(m.to_string().into_bytes()),
            Err(_) => Cow::Borrowed(bytes),
        }
    } else if rel.ends_with(".js") && !rel.ends_with(".min.js") {
        Cow::Owned(minifier::js::minify(text).to_string().into_bytes())
    } else {
        Cow::Borrowed(bytes)
    }
}

/// Compiles every `.scss`/`.sass` file under `dir` (not partials) to CSS;
/// `shown` is `dir` as the user knows it, for diagnostics.
pub fn compile_sass(dir: &Path, shown: &Path, diags: &mut Vec<Diagnostic>) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name().into_iter().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_sass = name.ends_with(".scss") || name.ends_with(".sass");
        if !entry.file_type().is_file() || !is_sass || name.starts_with('_') {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        let css_rel = format!("css/{}.css", rel.rsplit_once('.').map_or(rel.as_str(), |(s, _)| s));
        match compile_one(entry.path(), dir) {
            Ok(css) => out.push((css_rel, css.into_bytes())),
            Err((line, msg)) => diags.push(
                Diagnostic::error("THM003", shown.join(&rel), format!("Sass: {msg}"))
                    .at(line, 0)
                    .help("fix the stylesheet; it is compiled with grass (https://github.com/connorskees/grass)"),
            ),
        }
    }
    out
}

#[cfg(feature = "sass")]
fn compile_one(file: &Path, load_path: &Path) -> Result<String, (usize, String)> {
    let options = grass::Options::default().load_path(load_path);
    grass::from_path(file, &options).map_err(|e| {
        let text = e.to_string();
        // grass reports "Error: message" then a caret line with "line:col".
        let line = text
            .lines()
            .find_map(|l| {
                l.split_whitespace()
                    .find_map(|w| w.split(':').nth(1).and_then(|n| n.parse().ok()))
            })
            .unwrap_or(0);
        let msg = text
            .lines()
            .next()
            .unwrap_or("")
            .trim_start_matches("Error: ")
            .to_string();
        (line, msg)
    })
}

#[cfg(not(feature = "sass"))]
fn compile_one(_: &Path, _: &Path) -> Result<String, (usize, String)> {
    Err((
        0,
        "this punchline was built without Sass support (the `sass` feature)".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_every_file_by_content() {
        let a = fingerprinted_name("css/site.css", b"body{}");
        assert!(
            a.starts_with("css/site.") && a.ends_with(".css") && a.len() == "css/site.12345678.css".len(),
            "{a}"
        );
        assert_ne!(a, fingerprinted_name("css/site.css", b"body{color:red}"));
        let img = fingerprinted_name("images/logo.png", b"png");
        assert!(img.starts_with("images/logo.") && img.ends_with(".png"), "{img}");
        assert_eq!(fingerprinted_name("LICENSE", b"x").len(), "LICENSE.12345678".len());
    }

    #[test]
    fn minifies_css_and_js_only() {
        let css = minify("a.css", b"body {\n  color : red ;\n}\n/* note */\n");
        assert_eq!(std::str::from_utf8(&css).unwrap(), "body{color:red;}");
        let js = minify("a.js", b"// note\nconst x = 1 ;\nfunction f ( a ) { return a + x ; }\n");
        assert!(
            js.len() < 50 && std::str::from_utf8(&js).unwrap().contains("return a+x"),
            "{:?}",
            std::str::from_utf8(&js)
        );
        assert_eq!(&*minify("a.svg", b"<svg> </svg>"), b"<svg> </svg>");
    }

    #[cfg(feature = "sass")]
    #[test]
    fn compiles_sass_and_locates_errors() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("_vars.scss"), "$ink: #123;").unwrap();
        std::fs::write(
            dir.path().join("site.scss"),
            "@use 'vars';\nbody { a { color: vars.$ink; } }\n",
        )
        .unwrap();
        let mut d = Vec::new();
        let out = compile_sass(dir.path(), Path::new("themes/t/sass"), &mut d);
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(out.len(), 1, "partials are not compiled on their own");
        assert_eq!(out[0].0, "css/site.css");
        assert!(
            String::from_utf8_lossy(&out[0].1).contains("body a"),
            "{:?}",
            String::from_utf8_lossy(&out[0].1)
        );
        std::fs::write(dir.path().join("site.scss"), "body {\n  color: $nope;\n}\n").unwrap();
        let mut d = Vec::new();
        compile_sass(dir.path(), Path::new("themes/t/sass"), &mut d);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, Path::new("themes/t/sass/site.scss"));
        assert!(d[0].message.contains("Undefined variable"), "{}", d[0]);
        assert_eq!(d[0].line, 2, "{}", d[0]);
    }
}
