//! punchline: runs a joke-and-bulletin website from git.
//!
//! The library is a pipeline of stages, each returning a new value:
//! [`content`] (files -> documents), [`markdown`] (bodies -> HTML),
//! [`site`] (documents -> one immutable [`site::Site`]), [`theme`] (tera
//! templates and typed views), [`output`] (site -> files), orchestrated by
//! [`build`]. [`workflow`] owns roles and the editorial states; [`cli`] maps
//! the command line onto all of them.

pub mod audit;
pub mod build;
pub mod check;
pub mod cli;
pub mod clock;
pub mod config;
pub mod content;
pub mod deploy;
pub mod diagnostic;
pub mod links;
pub mod markdown;
pub mod output;
pub mod scaffold;
pub mod serve;
pub mod site;
pub mod theme;
pub mod url_policy;
pub mod workflow;
pub mod yaml;
