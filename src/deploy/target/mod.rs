//! Deploy targets: where a site is shipped, behind one [`Target`] trait.
//!
//! Input: a [`TargetSpec`] from site.yaml and the process environment
//! (credentials, endpoint, region). Output: a boxed [`Target`] that reads,
//! writes and deletes objects by output path. Invariants: a target never
//! prints or returns credentials (its `Debug`, `describe` and errors are
//! redacted); every error says whether retrying may help.

mod file;
mod s3;

pub use file::FileTarget;
pub use s3::{S3Settings, S3Target};

use super::config::{TargetSpec, TargetUrl};
use super::headers::{CompressionStyle, ObjectHeaders};
use crate::diagnostic::Diagnostic;
use std::path::Path;

/// A place a site is deployed to.
pub trait Target: Send + Sync {
    /// Where it is, for people (never with credentials).
    fn describe(&self) -> String;
    /// How compressed variants are stored.
    fn compression(&self) -> CompressionStyle;
    /// The object at `path`, or `None` when there is none.
    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, TargetError>;
    /// Stores `body` at `path` with `headers`. `body` is already encoded
    /// when `headers.content_encoding` is set. A reader sees either the old
    /// or the new object, never a part of one.
    fn put(&self, path: &str, body: &[u8], headers: &ObjectHeaders) -> Result<(), TargetError>;
    /// Removes the object at `path`; removing what is not there succeeds.
    fn delete(&self, path: &str) -> Result<(), TargetError>;
    /// Called once before a deploy changes anything: a folder takes a lock
    /// (one deploy at a time) and removes the temporary files of deploys
    /// that were killed. Nothing to do for a bucket (an object appears
    /// whole or not at all).
    fn begin(&self) -> Result<(), TargetError> {
        Ok(())
    }
}

/// A failed target operation.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{op} {path}: {message}")]
pub struct TargetError {
    /// `GET`, `PUT`, `DELETE`, `write`, ...
    pub op: &'static str,
    /// The output path involved.
    pub path: String,
    /// What went wrong (redacted of credentials).
    pub message: String,
    /// Whether a retry may succeed (network errors, 5xx, throttling).
    pub transient: bool,
}

/// Opens the target `spec` names. `env` reads environment variables (the
/// process environment in the command, a map in tests).
pub fn open(
    spec: &TargetSpec,
    env: &dyn Fn(&str) -> Option<String>,
    site_yaml: &Path,
) -> Result<Box<dyn Target>, Diagnostic> {
    match &spec.url {
        TargetUrl::Folder(dir) => Ok(Box::new(FileTarget::new(dir))),
        TargetUrl::S3 { bucket, prefix } => {
            let settings = S3Settings::from_env(spec, env).map_err(|msg| {
                Diagnostic::error("DEP008", site_yaml, format!("cannot use target '{}': {msg}", spec.name))
                    .help("set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, and the endpoint with AWS_ENDPOINT_URL or 'endpoint:' in site.yaml")
            })?;
            let target = S3Target::new(bucket, prefix, settings).map_err(|msg| {
                Diagnostic::error("DEP008", site_yaml, format!("cannot use target '{}': {msg}", spec.name))
                    .help("check the target's endpoint and bucket")
            })?;
            Ok(Box::new(target))
        }
    }
}
