//! Integration tests: real sites in temporary folders, built by the real binary.

mod attack;
mod audit;
mod audit_pages;
mod browser;
mod build;
mod daily;
mod deploy;
mod incremental;
mod languages;
mod readers;
mod redirects;
mod seo;
mod serve;
mod snapshots;
mod support;
mod theme;
mod workflow;
