//! Last-change dates from git, for honest sitemap `lastmod`s.
//!
//! Input: the site root. Output: path -> time of the last commit that
//! touched it. One `git log` over the whole history (not a process per
//! file), so it costs milliseconds even with thousands of files. Outside a
//! git work tree, or without git, the map is empty and callers fall back to
//! the `date:` field.

use jiff::Timestamp;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Path (relative to `root`) -> last commit time, for files under content/.
pub fn last_commit_dates(root: &Path) -> HashMap<PathBuf, Timestamp> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args([
            "log",
            "--format=%x01%ct",
            "--name-only",
            "-z",
            "--relative",
            "--no-renames",
            "--",
            "content",
        ])
        .output();
    match out {
        Ok(o) if o.status.success() => parse_log(&o.stdout),
        _ => HashMap::new(),
    }
}

/// Parses `git log --format=%x01%ct --name-only -z`: a `\x01<seconds>`
/// token starts a commit, the tokens after it are the paths it touched.
/// The log is newest first, so the first time a path appears is its last change.
fn parse_log(bytes: &[u8]) -> HashMap<PathBuf, Timestamp> {
    let mut map = HashMap::new();
    let mut current: Option<Timestamp> = None;
    for token in bytes.split(|&b| b == 0) {
        let token = String::from_utf8_lossy(token);
        let token = token.trim_start_matches('\n');
        if let Some(secs) = token.strip_prefix('\u{1}') {
            current = secs
                .trim()
                .parse::<i64>()
                .ok()
                .and_then(|s| Timestamp::from_second(s).ok());
        } else if !token.is_empty() {
            if let Some(ts) = current {
                map.entry(PathBuf::from(token)).or_insert(ts);
            }
        }
    }
    map
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn newest_commit_wins() {
        let log = b"\x011700000200\x00\ncontent/jokes/a.md\x00\x00\x011700000100\x00\ncontent/jokes/a.md\x00content/jokes/b.md\x00";
        let m = parse_log(log);
        assert_eq!(m[Path::new("content/jokes/a.md")].as_second(), 1700000200);
        assert_eq!(m[Path::new("content/jokes/b.md")].as_second(), 1700000100);
    }
}
