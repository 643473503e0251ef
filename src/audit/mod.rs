//! Keyword audits and SEO rules over the built site model (issue: audits).
//!
//! Input: `&Site` (built with whole plain texts). Output: findings, and
//! reports in several formats. Not written yet.
