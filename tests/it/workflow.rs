//! `punchline workflow` tests (not written yet).
