//! Changed URLs and the invalidation hook.
//!
//! Input: the plan and the site's base URL. Output: the absolute URLs of
//! every uploaded or deleted file (one a line, for a CDN purge and for
//! search engines' URL push APIs), and the run of the `invalidate:` command.
//! Invariants: `dir/index.html` is listed as `dir/` (the URL visitors and
//! crawlers use); URLs are percent-encoded as the sitemap writes them,
//! sorted and unique; the manifest is never listed.

use super::plan::Plan;
use crate::output::sitemap::encode_path;
use crate::output::MANIFEST_FILE;
use std::path::Path;
use std::process::Command;

/// The absolute URLs of everything the plan uploads or deletes.
pub fn changed(base_url: &str, plan: &Plan) -> Vec<String> {
    let base = base_url.trim_end_matches('/');
    let mut urls: Vec<String> = plan
        .uploads
        .iter()
        .map(|u| u.path.as_str())
        .chain(plan.deletes.iter().map(String::as_str))
        .filter(|p| *p != MANIFEST_FILE)
        .map(|p| format!("{base}/{}", encode_path(page_path(p))))
        .collect();
    urls.sort();
    urls.dedup();
    urls
}

/// `index.html` -> ``, `jokes/x/index.html` -> `jokes/x/`, others as they are.
fn page_path(path: &str) -> &str {
    if path == "index.html" {
        ""
    } else if let Some(dir) = path.strip_suffix("/index.html") {
        &path[..dir.len() + 1]
    } else {
        path
    }
}

/// The file's text: one URL a line.
pub fn file_text(urls: &[String]) -> String {
    let mut text = urls.join("\n");
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

/// Runs the invalidation hook through the shell, in the site root, with the
/// changed-URLs file as `$1` and in `PUNCHLINE_CHANGED_URLS`.
pub fn run_hook(command: &str, urls_file: &Path, target: &str, root: &Path) -> Result<(), String> {
    let mut cmd = if cfg!(windows) {
        let mut c = Command::new("cmd");
        c.arg("/C").arg(command).arg(urls_file);
        c
    } else {
        let mut c = Command::new("sh");
        c.arg("-c").arg(command).arg("punchline-invalidate").arg(urls_file);
        c
    };
    let status = cmd
        .current_dir(root)
        .env("PUNCHLINE_CHANGED_URLS", urls_file)
        .env("PUNCHLINE_DEPLOY_TARGET", target)
        .status()
        .map_err(|e| format!("cannot start the invalidation hook: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the invalidation hook failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::config::DeployConfig;
    use crate::deploy::headers::{self, CompressionStyle};
    use crate::deploy::plan::{Group, Reason, Upload};

    fn upload(path: &str) -> Upload {
        Upload {
            path: path.into(),
            hash: String::new(),
            size: 0,
            headers: headers::for_path(path, &DeployConfig::default(), CompressionStyle::InPlace),
            group: Group::of(path),
            reason: Reason::New,
        }
    }

    #[test]
    fn pages_are_listed_by_their_folder_url() {
        let plan = Plan {
            uploads: vec![
                upload("jokes/cat/index.html"),
                upload("index.html"),
                upload("sitemap.xml"),
                upload("tags/日本/index.html"),
                upload("a b.png"),
            ],
            deletes: vec!["old/index.html".into()],
            ..Plan::default()
        };
        assert_eq!(
            changed("https://jokes.test/", &plan),
            [
                "https://jokes.test/",
                "https://jokes.test/a%20b.png",
                "https://jokes.test/jokes/cat/",
                "https://jokes.test/old/",
                "https://jokes.test/sitemap.xml",
                "https://jokes.test/tags/%E6%97%A5%E6%9C%AC/",
            ]
        );
        // The same spelling as the sitemap's <loc>, so a URL push matches it.
        let odd = Plan {
            uploads: vec![upload("images/it's (1) 100%.png")],
            ..Plan::default()
        };
        let url = format!(
            "https://jokes.test{}",
            crate::output::sitemap::encode_path("/images/it's (1) 100%.png")
        );
        assert_eq!(changed("https://jokes.test/", &odd), [url.as_str()]);
        assert_eq!(url, "https://jokes.test/images/it's%20(1)%20100%25.png");
        assert_eq!(file_text(&[]), "");
        assert_eq!(file_text(&["a".into(), "b".into()]), "a\nb\n");
    }

    #[cfg(unix)]
    #[test]
    fn hook_gets_the_file_and_reports_failure() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("urls.txt");
        std::fs::write(&file, "https://x/\n").unwrap();
        run_hook(
            "cp \"$1\" copy.txt && test \"$PUNCHLINE_DEPLOY_TARGET\" = prod",
            &file,
            "prod",
            dir.path(),
        )
        .unwrap();
        assert_eq!(
            std::fs::read_to_string(dir.path().join("copy.txt")).unwrap(),
            "https://x/\n"
        );
        let e = run_hook("exit 3", &file, "prod", dir.path()).unwrap_err();
        assert!(e.contains("failed"), "{e}");
    }
}
