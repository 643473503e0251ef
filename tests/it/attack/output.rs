//! Attacks: output.
