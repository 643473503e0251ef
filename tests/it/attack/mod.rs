//! Tests that attack punchline the way a hostile or careless user would:
//! files built to exhaust memory or time, URLs and markup meant to reach
//! readers, concurrent and killed commands, requests from other origins.
//! Each one asserts what a user would notice: the exit code, the
//! `file:line:col: error[CODE]` line, and that nothing was lost or written.

mod front_matter;
mod more;
mod output;
mod safety;
mod workflow;
