//! The development server with incremental rebuilds and live reload
//! (issue: serve). Not written yet.
