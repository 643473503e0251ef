//! Time: the injected clock and the date formats users write.
//!
//! Input: `--now` (or the system clock) and date strings from front matter.
//! Output: [`Clock`] and [`When`] values. Invariant: no other module asks the
//! operating system for the time, so builds with the same `--now` are
//! byte-identical and tests can pin "today".

use jiff::{civil::Date, tz::TimeZone, Timestamp};
use serde::Serialize;
use std::fmt;

/// The time a command runs at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    now: Timestamp,
}

impl Clock {
    /// The real time.
    pub fn system() -> Self {
        Self { now: Timestamp::now() }
    }

    /// A fixed time (from `--now` or a test).
    pub fn fixed(now: Timestamp) -> Self {
        Self { now }
    }

    /// From an optional `--now` argument: `YYYY-MM-DD` or RFC 3339.
    pub fn from_arg(arg: Option<&str>) -> Result<Self, String> {
        match arg {
            None => Ok(Self::system()),
            Some(s) => When::parse(s).map(|w| Self::fixed(w.ts)).ok_or_else(|| {
                format!("--now '{s}' is not a date (use YYYY-MM-DD or RFC 3339, e.g. 2026-11-25T12:00:00Z)")
            }),
        }
    }

    /// The current instant.
    pub fn now(&self) -> Timestamp {
        self.now
    }
}

/// A point in time as written by a user: a calendar date (midnight UTC) or a
/// full RFC 3339 timestamp.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct When {
    /// The instant.
    pub ts: Timestamp,
    /// Whether the user wrote only a date.
    pub date_only: bool,
}

impl When {
    /// Parses `YYYY-MM-DD` or an RFC 3339 timestamp (`2026-11-20T10:00:00Z`,
    /// with any offset). A timestamp without an offset is read as UTC.
    pub fn parse(s: &str) -> Option<When> {
        let s = s.trim();
        if let Ok(d) = s.parse::<Date>() {
            if s.len() == 10 {
                let ts = d.to_zoned(TimeZone::UTC).map_or(Timestamp::MAX, |z| z.timestamp());
                return Some(When { ts, date_only: true });
            }
        }
        if let Ok(ts) = s.parse::<Timestamp>() {
            return Some(When { ts, date_only: false });
        }
        if let Ok(dt) = s.parse::<jiff::civil::DateTime>() {
            let ts = dt.to_zoned(TimeZone::UTC).ok()?.timestamp();
            return Some(When { ts, date_only: false });
        }
        // A real date past the last instant time can hold (9999-12-30T22Z),
        // such as 9999-12-31, the usual "never": that last instant.
        let date = s.get(..10)?.parse::<Date>().ok()?;
        (date.year() == 9999).then_some(When {
            ts: Timestamp::MAX,
            date_only: s.len() == 10,
        })
    }

    /// From an instant.
    pub fn at(ts: Timestamp) -> When {
        When { ts, date_only: false }
    }

    /// `YYYY-MM-DD` in UTC.
    pub fn ymd(&self) -> String {
        self.ts.to_zoned(TimeZone::UTC).date().to_string()
    }

    /// RFC 3339 in UTC with seconds, e.g. `2026-11-20T10:00:00Z`.
    pub fn rfc3339(&self) -> String {
        self.ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// For people, in UTC: `14 Nov 2026`.
    pub fn human(&self) -> String {
        self.ts.strftime("%-d %b %Y").to_string()
    }

    /// As written back into front matter: a date stays a date.
    pub fn to_front_matter(&self) -> String {
        if self.date_only {
            self.ymd()
        } else {
            self.rfc3339()
        }
    }
}

impl fmt::Display for When {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_front_matter())
    }
}

impl Serialize for When {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.rfc3339())
    }
}

/// The process's resident memory in MiB (0 where /proc is missing).
fn resident_mib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096 / (1024 * 1024)
}

/// Stage timings on stderr when PUNCHLINE_TIMINGS is set (for profiling),
/// with the resident memory after each stage.
pub struct StageTimer {
    last: std::cell::Cell<std::time::Instant>,
    on: bool,
}

impl StageTimer {
    /// Starts timing.
    pub fn start() -> Self {
        Self {
            last: std::cell::Cell::new(std::time::Instant::now()),
            on: std::env::var_os("PUNCHLINE_TIMINGS").is_some(),
        }
    }

    /// Prints the time since the last lap, labelled `stage`.
    pub fn lap(&self, stage: &str) {
        if self.on {
            let now = std::time::Instant::now();
            eprintln!(
                "[timings] {stage}: {} ms, resident {} MiB",
                (now - self.last.get()).as_millis(),
                resident_mib()
            );
            self.last.set(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dates_and_timestamps() {
        let d = When::parse("2026-11-20").unwrap();
        assert!(d.date_only);
        assert_eq!(d.rfc3339(), "2026-11-20T00:00:00Z");
        let t = When::parse("2026-12-01T09:00:00+02:00").unwrap();
        assert_eq!(t.rfc3339(), "2026-12-01T07:00:00Z");
        assert_eq!(t.ymd(), "2026-12-01");
        assert_eq!(t.human(), "1 Dec 2026");
        assert!(When::parse("2026-13-01").is_none());
        assert!(When::parse("soon").is_none());
        assert_eq!(
            When::parse("2026-12-01T09:00:00").unwrap().rfc3339(),
            "2026-12-01T09:00:00Z"
        );
    }

    #[test]
    fn clock_from_arg() {
        let c = Clock::from_arg(Some("2026-11-25T12:00:00Z")).unwrap();
        assert_eq!(When::at(c.now()).rfc3339(), "2026-11-25T12:00:00Z");
        assert!(Clock::from_arg(Some("tomorrow")).is_err());
    }
}
