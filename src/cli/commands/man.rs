//! man: the manual page in roff, generated from the clap types that parse the command
//! line: printed, or written to a directory with one page per command.

use anyhow::{Context, Result};
use clap::CommandFactory;

use crate::cli::args::{Cli, ManArgs};
use crate::cli::exit::Exit;
use crate::report::write;

pub fn run(args: &ManArgs) -> Result<Exit> {
    match &args.dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(Cli::command(), dir)
                .with_context(|| format!("cannot write the manual pages to {}", dir.display()))?;
        }
        None => write::to_stdout(&page()?).context("writing the manual page to stdout")?,
    }
    Ok(Exit::Clean)
}

/// The main page, `leftover.1`.
pub fn page() -> Result<String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(Cli::command()).render(&mut out).context("rendering the manual page")?;
    String::from_utf8(out).context("the manual page is not UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_15_man_page_names_the_command_and_its_options() {
        let page = page().expect("page");
        assert!(page.contains(".TH leftover"), "{page}");
        for text in ["\\-\\-region", "\\-\\-profile", "WHAT TO SCAN", "AWS ACCESS", "scan", "check\\-destroy"] {
            assert!(page.contains(text), "{text} missing from the page");
        }
    }
}
