//! The `punchline` binary: parse the command line and hand over to the library.

use std::process::ExitCode;

// A build allocates millions of small strings from two threads; glibc's
// allocator slowed down as the heap grew (a 100,000-joke build took twice
// as long per page as a 10,000-joke one). mimalloc keeps it linear.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    punchline::cli::main()
}
