//! The deploy plan: what to upload, delete and keep, in which order.
//!
//! Input: the build's [`Manifest`], the manifest stored in the target (if
//! any) and a function giving each path's headers. Output: a [`Plan`].
//! Pure: nothing here touches the disk or the network.
//!
//! Invariants:
//! - uploads are ordered by [`Group`]: assets (CSS, JS, images, fonts) before
//!   the pages that reference them, feeds and indexes after the pages they
//!   list, the sitemap index and robots.txt after the files they name;
//! - deletes come after every upload, pages before assets, so no page that is
//!   still up ever references a file that is already gone;
//! - the new stored manifest lists exactly what the target holds after the
//!   plan is applied (files gone from the build but kept, because `--delete`
//!   was not given, stay in it, so a later `--delete` still finds them).

use super::headers::{self, ObjectHeaders};
use crate::diagnostic::Diagnostic;
use crate::output::{Manifest, MANIFEST_FILE};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The manifest a successful deploy stores in the target: the build's
/// manifest plus each file's header fingerprint.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredManifest {
    /// Format version (1).
    pub version: u32,
    /// The build's mode (always `live` in a target).
    pub mode: String,
    /// Path -> content and headers as stored.
    pub files: BTreeMap<String, StoredRecord>,
}

/// One object in the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// xxh3-128 of the uncompressed bytes, hex.
    pub hash: String,
    /// Uncompressed bytes.
    pub size: u64,
    /// [`ObjectHeaders::fingerprint`]; empty when unknown (a plain build manifest).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub headers: String,
    /// Pages: the content file that produced it (see `FileRecord::source`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Redirect pages: the site path they send visitors to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub redirect: Option<String>,
    /// Kept in the target though no build produces it any more: a deploy
    /// let it go (`--allow-gone`) without `--delete`. Not a vanished URL
    /// again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub gone: bool,
}

/// Upload groups, in the order they are applied. Each group finishes
/// before the next one starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Group {
    /// CSS, JS, images, fonts and every other file that pages reference.
    Assets,
    /// HTML pages.
    Pages,
    /// Feeds, sitemap parts and the search index: they list pages.
    Feeds,
    /// `sitemap.xml` and `robots.txt`: they name the sitemap parts.
    Roots,
}

impl Group {
    /// The group of an output path.
    pub fn of(path: &str) -> Group {
        if path.ends_with(".html") || path.ends_with(".htm") {
            Group::Pages
        } else if path == "sitemap.xml" || path == "robots.txt" {
            Group::Roots
        } else if headers::is_feed_or_index(path) {
            Group::Feeds
        } else {
            Group::Assets
        }
    }

    /// A plural noun for progress lines.
    pub fn label(self) -> &'static str {
        match self {
            Group::Assets => "assets",
            Group::Pages => "pages",
            Group::Feeds => "feeds and indexes",
            Group::Roots => "sitemap and robots.txt",
        }
    }
}

/// Why a file is uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Not in the target yet.
    New,
    /// Its bytes changed.
    Changed,
    /// Same bytes, but its headers (content type, cache rule, encoding) changed.
    Headers,
}

/// One file to upload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upload {
    /// Output path (relative, `/`-separated).
    pub path: String,
    /// Hash from the build manifest (checked against the bytes before upload).
    pub hash: String,
    /// Bytes.
    pub size: u64,
    /// Headers to store it with.
    pub headers: ObjectHeaders,
    /// Ordering group.
    pub group: Group,
    /// Why.
    pub reason: Reason,
}

/// What a deploy will do.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Uploads in apply order.
    pub uploads: Vec<Upload>,
    /// Paths to delete, in apply order (empty without `--delete`).
    pub deletes: Vec<String>,
    /// Paths gone from the build but left in the target (no `--delete`).
    pub kept: Vec<String>,
    /// Files already in the target with the same bytes and headers.
    pub unchanged: usize,
    /// The manifest to store last.
    pub manifest: StoredManifest,
}

impl Plan {
    /// Whether applying the plan changes anything.
    pub fn is_empty(&self) -> bool {
        self.uploads.is_empty() && self.deletes.is_empty()
    }

    /// Bytes to upload (uncompressed).
    pub fn upload_bytes(&self) -> u64 {
        self.uploads.iter().map(|u| u.size).sum()
    }
}

/// Compares the build with the target. `headers_of` gives each path's
/// headers; `delete` says whether files gone from the build are removed.
pub fn plan(
    local: &Manifest,
    remote: Option<&StoredManifest>,
    headers_of: impl Fn(&str) -> ObjectHeaders,
    delete: bool,
) -> Plan {
    let empty = BTreeMap::new();
    let remote_files = remote.map_or(&empty, |m| &m.files);
    let mut out = Plan {
        manifest: StoredManifest {
            version: 1,
            mode: local.mode.clone(),
            files: BTreeMap::new(),
        },
        ..Plan::default()
    };
    for (path, rec) in &local.files {
        if path == MANIFEST_FILE || path == super::apply::PENDING_FILE {
            continue;
        }
        let headers = headers_of(path);
        let fingerprint = headers.fingerprint();
        let reason = match remote_files.get(path) {
            None => Some(Reason::New),
            Some(r) if r.hash != rec.hash || r.size != rec.size => Some(Reason::Changed),
            Some(r) if r.headers != fingerprint => Some(Reason::Headers),
            Some(_) => None,
        };
        match reason {
            Some(reason) => out.uploads.push(Upload {
                path: path.clone(),
                hash: rec.hash.clone(),
                size: rec.size,
                group: Group::of(path),
                headers,
                reason,
            }),
            None => out.unchanged += 1,
        }
        out.manifest.files.insert(
            path.clone(),
            StoredRecord {
                hash: rec.hash.clone(),
                size: rec.size,
                headers: fingerprint,
                source: rec.source.clone(),
                redirect: rec.redirect.clone(),
                gone: false,
            },
        );
    }
    for (path, rec) in remote_files {
        if local.files.contains_key(path) || path == MANIFEST_FILE || path == super::apply::PENDING_FILE {
            continue;
        }
        if delete {
            out.deletes.push(path.clone());
        } else {
            out.kept.push(path.clone());
            let kept = StoredRecord {
                gone: true,
                ..rec.clone()
            };
            out.manifest.files.insert(path.clone(), kept);
        }
    }
    // Stable sorts: within a group, paths stay in manifest (sorted) order.
    out.uploads.sort_by_key(|u| u.group);
    out.deletes.sort_by_key(|p| std::cmp::Reverse(Group::of(p)));
    out
}

/// The target's manifest as far as it can be believed: paths a killed
/// deploy was changing (see [`super::apply::PENDING_FILE`]) get a hash no
/// file has, so they are sent again, and are still known, to be deleted
/// when gone from the build.
pub fn believed(remote: Option<&StoredManifest>, pending: &[String]) -> Option<StoredManifest> {
    if pending.is_empty() {
        return remote.cloned();
    }
    let mut m = remote.cloned().unwrap_or_else(|| StoredManifest {
        version: 1,
        mode: "live".into(),
        files: BTreeMap::new(),
    });
    for path in pending {
        let source = m.files.get(path).and_then(|r| r.source.clone());
        m.files.insert(
            path.clone(),
            StoredRecord {
                hash: "pending".into(),
                size: 0,
                headers: String::new(),
                source,
                redirect: None,
                gone: false,
            },
        );
    }
    Some(m)
}

/// The max-deletes guard: refuses a plan that deletes more than `max` files.
pub fn check_deletes(plan: &Plan, max: usize, output: &Path) -> Result<(), Diagnostic> {
    if plan.deletes.len() <= max {
        return Ok(());
    }
    Err(Diagnostic::error(
        "DEP005",
        output.join(MANIFEST_FILE),
        format!(
            "refusing to delete {} file{} from the target (the limit is {max}); nothing was changed",
            plan.deletes.len(),
            if plan.deletes.len() == 1 { "" } else { "s" }
        ),
    )
    .help("check that --output is the right, complete build; if these deletes are intended, raise --max-deletes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::FileRecord;

    fn manifest(files: &[(&str, &str)]) -> Manifest {
        Manifest {
            version: 1,
            mode: "live".into(),
            files: files
                .iter()
                .map(|(p, h)| {
                    (
                        p.to_string(),
                        FileRecord {
                            hash: h.to_string(),
                            size: h.len() as u64,
                            source: None,
                            redirect: None,
                        },
                    )
                })
                .collect(),
        }
    }

    fn headers(path: &str) -> ObjectHeaders {
        headers::for_path(path, &Default::default(), headers::CompressionStyle::InPlace)
    }

    fn stored(m: &Manifest) -> StoredManifest {
        plan(m, None, headers, false).manifest
    }

    fn paths(p: &Plan) -> Vec<&str> {
        p.uploads.iter().map(|u| u.path.as_str()).collect()
    }

    #[test]
    fn first_deploy_uploads_everything_in_group_order() {
        let local = manifest(&[
            ("a/index.html", "1"),
            ("css/site.1a2b3c4d.css", "2"),
            ("index.html", "3"),
            ("jokes/atom.xml", "4"),
            ("robots.txt", "5"),
            ("search-index.json", "6"),
            ("sitemap-1.xml", "7"),
            ("sitemap.xml", "8"),
            ("images/cat.png", "9"),
        ]);
        let p = plan(&local, None, headers, true);
        assert_eq!(
            paths(&p),
            [
                "css/site.1a2b3c4d.css",
                "images/cat.png",
                "a/index.html",
                "index.html",
                "jokes/atom.xml",
                "search-index.json",
                "sitemap-1.xml",
                "robots.txt",
                "sitemap.xml",
            ]
        );
        assert!(p.uploads.iter().all(|u| u.reason == Reason::New));
        assert_eq!(p.manifest.files.len(), 9);
    }

    #[test]
    fn second_deploy_uploads_only_changes() {
        let old = manifest(&[("a.html", "1"), ("b.html", "2"), ("c.css", "3")]);
        let new = manifest(&[("a.html", "1"), ("b.html", "22"), ("d.css", "4")]);
        let p = plan(&new, Some(&stored(&old)), headers, false);
        assert_eq!(paths(&p), ["d.css", "b.html"]);
        assert_eq!(p.uploads[0].reason, Reason::New);
        assert_eq!(p.uploads[1].reason, Reason::Changed);
        assert_eq!(p.unchanged, 1);
        assert!(p.deletes.is_empty());
        assert_eq!(p.kept, ["c.css"]);
        assert!(p.manifest.files.contains_key("c.css"), "kept files stay listed");
    }

    #[test]
    fn deletes_pages_before_assets_and_forgets_them() {
        let old = manifest(&[("a.html", "1"), ("old.css", "3"), ("old.html", "5"), ("feed.xml", "6")]);
        let new = manifest(&[("a.html", "1")]);
        let p = plan(&new, Some(&stored(&old)), headers, true);
        assert_eq!(p.deletes, ["feed.xml", "old.html", "old.css"]);
        assert!(p.kept.is_empty());
        assert_eq!(p.manifest.files.keys().collect::<Vec<_>>(), ["a.html"]);
        assert!(check_deletes(&p, 3, Path::new("public")).is_ok());
        let e = check_deletes(&p, 2, Path::new("public")).unwrap_err();
        assert!(e.to_string().contains("refusing to delete 3 files"), "{e}");
    }

    #[test]
    fn changed_headers_reupload_same_bytes() {
        let m = manifest(&[("a.png", "1")]);
        let before = stored(&m);
        let p = plan(
            &m,
            Some(&before),
            |path| ObjectHeaders {
                cache_control: "max-age=1".into(),
                ..headers(path)
            },
            false,
        );
        assert_eq!(p.uploads.len(), 1);
        assert_eq!(p.uploads[0].reason, Reason::Headers);
    }

    #[test]
    fn a_plain_build_manifest_in_the_target_reuploads_nothing_but_headers() {
        // A stored manifest without header fingerprints (written by hand or an
        // older version) re-sends everything once, to set the headers.
        let m = manifest(&[("a.html", "1")]);
        let mut old = stored(&m);
        old.files.values_mut().for_each(|r| r.headers.clear());
        let p = plan(&m, Some(&old), headers, false);
        assert_eq!(p.uploads[0].reason, Reason::Headers);
        let p = plan(&m, Some(&p.manifest), headers, false);
        assert!(p.is_empty());
        assert_eq!(p.unchanged, 1);
    }
}
