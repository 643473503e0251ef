//! Integration tests: real sites in temporary folders, built by the real binary.

mod build;
mod support;
