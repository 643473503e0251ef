//! The `punchline` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

// A build allocates millions of small strings from two threads; glibc's
// allocator slowed down as the heap grew (a 100,000-joke build took twice
// as long per page as a 10,000-joke one). mimalloc keeps it linear. Its
// `no_thp` feature (Cargo.toml) keeps it from backing the heap with 2 MiB
// huge pages, which a build frees too sparsely to give back: a 10,000-joke
// build peaks at about 140 MiB instead of 170, and runs a little faster.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    punchline::cli::main()
}
