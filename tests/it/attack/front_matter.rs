//! Attacks: front_matter.
