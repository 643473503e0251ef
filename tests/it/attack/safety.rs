//! Attacks: safety.
