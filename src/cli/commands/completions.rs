//! completions: prints the shell completion script for `leftover`, generated from the
//! same clap types that parse the command line, so it never lists a flag that is gone.

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::args::{Cli, CompletionsArgs};
use crate::cli::exit::Exit;
use crate::report::write;

pub fn run(args: &CompletionsArgs) -> Result<Exit> {
    let text = script(args.shell)?;
    write::to_stdout(&text).context("writing the completion script to stdout")?;
    Ok(Exit::Clean)
}

/// The completion script for `shell`.
pub fn script(shell: clap_complete::Shell) -> Result<String> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "leftover", &mut out);
    String::from_utf8(out).context("the completion script is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_15_completions_name_every_command() {
        for shell in [clap_complete::Shell::Bash, clap_complete::Shell::Zsh, clap_complete::Shell::Fish] {
            let text = script(shell).expect("script");
            for command in ["scan", "inventory", "states", "check-destroy", "explain", "merge", "completions", "man"] {
                assert!(text.contains(command), "{shell}: {command} missing");
            }
            assert!(text.contains("--fail-on") || text.contains("fail-on"), "{shell}: --fail-on missing");
        }
    }
}
