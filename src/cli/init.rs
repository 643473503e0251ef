//! `punchline init DIR`.

use crate::diagnostic::Result;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Create a new site.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// The folder to create (must be empty or not exist; relative to -C DIR when given).
    dir: PathBuf,
}

impl InitArgs {
    /// Writes the new site into DIR (under `base`, the `-C` folder, if given).
    pub fn run(self, base: Option<&Path>) -> Result<ExitCode> {
        let dir = match base {
            Some(b) => b.join(&self.dir),
            None => self.dir,
        };
        let made = crate::scaffold::init(&dir)?;
        let shown = dir.display();
        eprintln!("created {} files in {shown}", made.files);
        if made.git_init {
            eprintln!("created a git repository in {shown} (public/ and .punchline/ are ignored)");
        }
        if let Some(why) = &made.git_problem {
            eprintln!("warning: no git repository was created: {why}");
        }
        match &made.member {
            Some((id, email)) => eprintln!(
                "added you to roles.yaml as '{id}' ({email}, role manager): workflow commands work without --as"
            ),
            None => eprintln!(
                "warning: no git user.email found, so roles.yaml lists only the example team; add yourself under members: (or set git config user.email and pass --as MEMBER until then)"
            ),
        }
        eprintln!("next:");
        eprintln!("  cd {shown}");
        eprintln!("  punchline new joke \"My first joke\"   # prints the new file's path");
        eprintln!("  punchline serve --drafts             # the site with your drafts, at http://127.0.0.1:1111/");
        Ok(ExitCode::SUCCESS)
    }
}
