//! `punchline audit` tests (not written yet).
