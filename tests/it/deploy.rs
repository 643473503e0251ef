//! `punchline deploy` tests (not written yet).
