//! `punchline completions SHELL` and `punchline man`: generated from the
//! same clap definitions as the parser, so they cannot drift from it.
//!
//! Input: the shell, or a folder. Output: a completion script or man pages
//! (roff) on stdout or in the folder. Nothing else is read or written.

use super::Cli;
use crate::diagnostic::{Error, Result};
use clap::{Args, CommandFactory};
use clap_complete::Shell;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Options of completions.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    shell: Shell,
}

/// Options of man.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write punchline.1 and one page per command (punchline-build.1, ...)
    /// into DIR instead of printing punchline.1.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
}

impl CompletionsArgs {
    /// Prints the script.
    pub fn run(self) -> Result<ExitCode> {
        let mut cmd = Cli::command();
        let mut out = std::io::stdout().lock();
        clap_complete::generate(self.shell, &mut cmd, "punchline", &mut out);
        out.flush()
            .map_err(|e| Error::Usage(format!("cannot write the script: {e}")))?;
        Ok(ExitCode::SUCCESS)
    }
}

impl ManArgs {
    /// Prints or writes the pages.
    pub fn run(self) -> Result<ExitCode> {
        let cmd = Cli::command();
        match self.dir {
            Some(dir) => {
                std::fs::create_dir_all(&dir).map_err(|e| Error::io(&dir, e))?;
                clap_mangen::generate_to(cmd, &dir).map_err(|e| Error::io(&dir, e))?;
                eprintln!("wrote the man pages into {}", dir.display());
            }
            None => {
                let mut out = std::io::stdout().lock();
                clap_mangen::Man::new(cmd)
                    .render(&mut out)
                    .and_then(|()| out.flush())
                    .map_err(|e| Error::Usage(format!("cannot write the man page: {e}")))?;
            }
        }
        Ok(ExitCode::SUCCESS)
    }
}
