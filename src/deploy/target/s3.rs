//! The `s3://bucket/prefix` target: any S3-compatible object store.
//!
//! Input: output paths, bytes and headers; settings from the environment
//! and site.yaml. Output: objects under `prefix/` in the bucket.
//! Requests are signed by `rusty-s3` (AWS Signature V4, presigned) and sent
//! by `ureq`, one agent with a pool of keep-alive connections shared by
//! the upload threads.
//!
//! Invariants: credentials live only in [`S3Settings`]; no `Debug`, error or
//! description shows them (nor the presigned URLs, which carry the key id
//! and a session token); an S3 PUT replaces an object whole, so readers
//! never see half of one.

use super::{Target, TargetError};
use crate::deploy::config::TargetSpec;
use crate::deploy::headers::{CompressionStyle, ObjectHeaders};
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};
use std::fmt;
use std::io::Read;
use std::time::Duration;

/// The header S3 website hosting answers a 301 for, to this location.
const REDIRECT_HEADER: &str = "x-amz-website-redirect-location";

/// How long a presigned request stays valid (each request is signed anew).
const SIGNATURE_TTL: Duration = Duration::from_secs(15 * 60);
/// The largest manifest read back (a 50,000-page site's is about 10 MB).
const MAX_MANIFEST: u64 = 256 * 1024 * 1024;

/// Endpoint, region, addressing and credentials of an S3 target.
#[derive(Clone)]
pub struct S3Settings {
    /// `http(s)://host[:port]`.
    pub endpoint: String,
    /// Signing region.
    pub region: String,
    /// `endpoint/bucket/key` instead of `bucket.endpoint/key`.
    pub path_style: bool,
    credentials: Credentials,
}

impl fmt::Debug for S3Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Settings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("path_style", &self.path_style)
            .field("credentials", &"<redacted>")
            .finish()
    }
}

impl S3Settings {
    /// Settings from the environment, then site.yaml, then AWS defaults:
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`;
    /// endpoint from `AWS_ENDPOINT_URL_S3`, `AWS_ENDPOINT_URL`, `endpoint:`,
    /// else AWS's regional endpoint; region from `AWS_REGION`,
    /// `AWS_DEFAULT_REGION`, `region:`, else `us-east-1`.
    pub fn from_env(spec: &TargetSpec, env: &dyn Fn(&str) -> Option<String>) -> Result<S3Settings, String> {
        let var = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        let (Some(key), Some(secret)) = (var("AWS_ACCESS_KEY_ID"), var("AWS_SECRET_ACCESS_KEY")) else {
            return Err("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY must both be set".into());
        };
        let token = var("AWS_SESSION_TOKEN");
        let region = var("AWS_REGION")
            .or_else(|| var("AWS_DEFAULT_REGION"))
            .or_else(|| spec.region.clone())
            .unwrap_or_else(|| "us-east-1".into());
        let custom = var("AWS_ENDPOINT_URL_S3")
            .or_else(|| var("AWS_ENDPOINT_URL"))
            .or_else(|| spec.endpoint.clone());
        if let Some(e) = &custom {
            if !(e.starts_with("http://") || e.starts_with("https://")) {
                return Err(format!("the endpoint '{e}' is not an http(s) URL"));
            }
        }
        let path_style = spec.path_style.unwrap_or(custom.is_some());
        let endpoint = custom
            .map(|e| e.trim_end_matches('/').to_string())
            .unwrap_or_else(|| format!("https://s3.{region}.amazonaws.com"));
        Ok(S3Settings {
            endpoint,
            region,
            path_style,
            credentials: match token {
                Some(t) => Credentials::new_with_token(key, secret, t),
                None => Credentials::new(key, secret),
            },
        })
    }

    /// Every secret value, for redaction.
    fn secrets(&self) -> Vec<String> {
        let c = &self.credentials;
        [Some(c.key()), Some(c.secret()), c.token()]
            .into_iter()
            .flatten()
            .filter(|s| s.len() >= 4)
            .map(str::to_string)
            .collect()
    }
}

/// A bucket (and key prefix) on an S3-compatible server.
pub struct S3Target {
    bucket: Bucket,
    prefix: String,
    settings: S3Settings,
    agent: ureq::Agent,
    secrets: Vec<String>,
}

impl fmt::Debug for S3Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("S3Target")
            .field("bucket", &self.bucket.name())
            .field("prefix", &self.prefix)
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl S3Target {
    /// A target for `s3://bucket/prefix`.
    pub fn new(bucket: &str, prefix: &str, settings: S3Settings) -> Result<S3Target, String> {
        let style = if settings.path_style {
            UrlStyle::Path
        } else {
            UrlStyle::VirtualHost
        };
        let endpoint = settings
            .endpoint
            .parse()
            .map_err(|e| format!("the endpoint '{}' is not a URL: {e}", settings.endpoint))?;
        let bucket = Bucket::new(endpoint, style, bucket.to_string(), settings.region.clone())
            .map_err(|e| format!("cannot address the bucket: {e}"))?;
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(60)))
            .timeout_global(Some(Duration::from_secs(600)))
            .max_idle_connections(64)
            .max_idle_connections_per_host(64)
            .user_agent(concat!("punchline/", env!("CARGO_PKG_VERSION")))
            .build();
        Ok(S3Target {
            bucket,
            prefix: prefix.trim_matches('/').to_string(),
            secrets: settings.secrets(),
            settings,
            agent: ureq::Agent::new_with_config(config),
        })
    }

    fn key(&self, path: &str) -> String {
        if self.prefix.is_empty() {
            path.to_string()
        } else {
            format!("{}/{path}", self.prefix)
        }
    }

    fn creds(&self) -> Option<&Credentials> {
        Some(&self.settings.credentials)
    }

    /// An error for a failed request, with nothing secret in it.
    fn fail(&self, op: &'static str, path: &str, message: String, transient: bool) -> TargetError {
        TargetError {
            op,
            path: path.to_string(),
            message: redact(&message, &self.secrets),
            transient,
        }
    }

    fn transport_error(&self, op: &'static str, path: &str, e: ureq::Error) -> TargetError {
        let (message, transient) = match &e {
            ureq::Error::Io(io) => (io.to_string(), true),
            ureq::Error::Timeout(t) => (format!("timed out ({t})"), true),
            ureq::Error::ConnectionFailed => ("could not connect".to_string(), true),
            ureq::Error::HostNotFound => ("host not found".to_string(), true),
            ureq::Error::Protocol(p) => (format!("the connection broke ({p})"), true),
            other => (other.to_string(), false),
        };
        self.fail(
            op,
            path,
            format!("{message} (endpoint {})", self.settings.endpoint),
            transient,
        )
    }

    /// An error for an HTTP status, with the S3 error code from the body.
    fn status_error(&self, op: &'static str, path: &str, status: u16, body: &str) -> TargetError {
        let code = xml_text(body, "Code").unwrap_or_default();
        let msg = xml_text(body, "Message").unwrap_or_default();
        let transient = status >= 500 || status == 429 || status == 408 || code == "SlowDown";
        let advice = match (status, code.as_str()) {
            (_, "NoSuchBucket") => " (create the bucket first, or check the bucket name)",
            (403, _) => " (check the credentials and that they may read and write this bucket)",
            _ => "",
        };
        let detail = match (code.is_empty(), msg.is_empty()) {
            (true, _) => String::new(),
            (false, true) => format!(" {code}"),
            (false, false) => format!(" {code}: {msg}"),
        };
        self.fail(op, path, format!("HTTP {status}{detail}{advice}"), transient)
    }

    fn read_error_body(resp: &mut ureq::http::Response<ureq::Body>) -> String {
        let mut text = String::new();
        let _ = resp.body_mut().as_reader().take(64 * 1024).read_to_string(&mut text);
        text
    }
}

impl Target for S3Target {
    fn describe(&self) -> String {
        let url = if self.prefix.is_empty() {
            format!("s3://{}", self.bucket.name())
        } else {
            format!("s3://{}/{}", self.bucket.name(), self.prefix)
        };
        format!("{url} at {} ({})", self.settings.endpoint, self.settings.region)
    }

    fn compression(&self) -> CompressionStyle {
        CompressionStyle::InPlace
    }

    fn get(&self, path: &str) -> Result<Option<Vec<u8>>, TargetError> {
        let key = self.key(path);
        let url = self.bucket.get_object(self.creds(), &key).sign(SIGNATURE_TTL);
        let mut resp = self
            .agent
            .get(url.as_str())
            .call()
            .map_err(|e| self.transport_error("GET", path, e))?;
        let status = resp.status().as_u16();
        if status == 200 {
            return resp
                .body_mut()
                .with_config()
                .limit(MAX_MANIFEST)
                .read_to_vec()
                .map(Some)
                .map_err(|e| self.transport_error("GET", path, e));
        }
        let body = Self::read_error_body(&mut resp);
        if status == 404 && xml_text(&body, "Code").is_none_or(|c| c == "NoSuchKey") {
            return Ok(None);
        }
        Err(self.status_error("GET", path, status, &body))
    }

    fn put(&self, path: &str, body: &[u8], headers: &ObjectHeaders) -> Result<(), TargetError> {
        let key = self.key(path);
        let mut action = self.bucket.put_object(self.creds(), &key);
        // Signed headers: the server stores exactly these, or refuses.
        let h = action.headers_mut();
        h.insert("content-type", headers.content_type.clone());
        h.insert("cache-control", headers.cache_control.clone());
        if let Some(enc) = headers.content_encoding {
            h.insert("content-encoding", enc.token());
        }
        if let Some(to) = &headers.redirect {
            h.insert(REDIRECT_HEADER, to.clone());
        }
        let url = action.sign(SIGNATURE_TTL);
        let mut req = self
            .agent
            .put(url.as_str())
            .header("content-type", &headers.content_type)
            .header("cache-control", &headers.cache_control);
        if let Some(enc) = headers.content_encoding {
            req = req.header("content-encoding", enc.token());
        }
        if let Some(to) = &headers.redirect {
            req = req.header(REDIRECT_HEADER, to);
        }
        let mut resp = req.send(body).map_err(|e| self.transport_error("PUT", path, e))?;
        let status = resp.status().as_u16();
        if (200..300).contains(&status) {
            // Drain the (empty) body so the connection goes back to the pool.
            let _ = resp.body_mut().read_to_vec();
            return Ok(());
        }
        let text = Self::read_error_body(&mut resp);
        Err(self.status_error("PUT", path, status, &text))
    }

    fn delete(&self, path: &str) -> Result<(), TargetError> {
        let key = self.key(path);
        let url = self.bucket.delete_object(self.creds(), &key).sign(SIGNATURE_TTL);
        let mut resp = self
            .agent
            .delete(url.as_str())
            .call()
            .map_err(|e| self.transport_error("DELETE", path, e))?;
        let status = resp.status().as_u16();
        let text = Self::read_error_body(&mut resp);
        if (200..300).contains(&status) || status == 404 {
            return Ok(());
        }
        Err(self.status_error("DELETE", path, status, &text))
    }
}

/// The text of the first `<tag>` in a small XML error body.
fn xml_text(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(body[start..end].trim().to_string())
}

/// Removes secrets and presigned query strings from a message.
pub(crate) fn redact(message: &str, secrets: &[String]) -> String {
    let mut out: String = message
        .split(' ')
        .map(|word| match word.find('?') {
            Some(i) if word.contains("X-Amz-") => format!("{}?<signature redacted>", &word[..i]),
            _ => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ");
    for s in secrets {
        out = out.replace(s.as_str(), "<redacted>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::config::TargetUrl;
    use std::collections::HashMap;

    fn spec() -> TargetSpec {
        TargetSpec {
            name: "prod".into(),
            url: TargetUrl::S3 {
                bucket: "jokes".into(),
                prefix: "www".into(),
            },
            endpoint: None,
            region: Some("eu-west-3".into()),
            path_style: None,
            kind: Default::default(),
        }
    }

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| m.get(k).cloned()
    }

    const KEY: &str = "AKIDSECRETKEYID12345";
    const SECRET: &str = "wJalrXUtnFEMI-very-secret";
    const TOKEN: &str = "session-token-abcdef";

    #[test]
    fn settings_come_from_env_then_config_then_defaults() {
        let s = S3Settings::from_env(
            &spec(),
            &env(&[("AWS_ACCESS_KEY_ID", KEY), ("AWS_SECRET_ACCESS_KEY", SECRET)]),
        )
        .unwrap();
        assert_eq!(s.region, "eu-west-3");
        assert_eq!(s.endpoint, "https://s3.eu-west-3.amazonaws.com");
        assert!(!s.path_style);
        let s = S3Settings::from_env(
            &spec(),
            &env(&[
                ("AWS_ACCESS_KEY_ID", KEY),
                ("AWS_SECRET_ACCESS_KEY", SECRET),
                ("AWS_ENDPOINT_URL", "http://127.0.0.1:9000/"),
                ("AWS_DEFAULT_REGION", "local"),
            ]),
        )
        .unwrap();
        assert_eq!(s.endpoint, "http://127.0.0.1:9000");
        assert_eq!(s.region, "local");
        assert!(s.path_style, "a custom endpoint uses path-style addressing");
        let e = S3Settings::from_env(&spec(), &env(&[("AWS_ACCESS_KEY_ID", KEY)])).unwrap_err();
        assert!(e.contains("AWS_SECRET_ACCESS_KEY"));
    }

    #[test]
    fn debug_and_describe_never_show_credentials() {
        let s = S3Settings::from_env(
            &spec(),
            &env(&[
                ("AWS_ACCESS_KEY_ID", KEY),
                ("AWS_SECRET_ACCESS_KEY", SECRET),
                ("AWS_SESSION_TOKEN", TOKEN),
            ]),
        )
        .unwrap();
        let t = S3Target::new("jokes", "www", s).unwrap();
        for text in [format!("{t:?}"), format!("{t:#?}"), t.describe()] {
            for secret in [KEY, SECRET, TOKEN] {
                assert!(!text.contains(secret), "{text}");
            }
        }
        assert_eq!(
            t.describe(),
            "s3://jokes/www at https://s3.eu-west-3.amazonaws.com (eu-west-3)"
        );
        let e = t.fail("PUT", "a.html", format!("bad {KEY} and {TOKEN}"), false);
        assert!(!e.to_string().contains(KEY) && !e.to_string().contains(TOKEN), "{e}");
    }

    #[test]
    fn redacts_presigned_urls() {
        let text = "cannot reach http://h/b/k?X-Amz-Credential=AKID%2F2026&X-Amz-Signature=ab now";
        assert_eq!(redact(text, &[]), "cannot reach http://h/b/k?<signature redacted> now");
    }

    #[test]
    fn reads_s3_error_codes() {
        let body = "<?xml version=\"1.0\"?><Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>";
        assert_eq!(xml_text(body, "Code").as_deref(), Some("NoSuchBucket"));
        assert_eq!(xml_text(body, "Message").as_deref(), Some("gone"));
        assert_eq!(xml_text("", "Code"), None);
    }
}
