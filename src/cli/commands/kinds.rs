//! kinds: prints what leftover knows about each kind of resource, from the registry
//! (`model::kinds`): the same table as `docs/kinds.md`.

use anyhow::{Context, Result};

use crate::cli::exit::Exit;
use crate::report::write;

pub fn run() -> Result<Exit> {
    write::to_stdout(&crate::model::kinds::markdown()).context("writing the kinds to stdout")?;
    Ok(Exit::Clean)
}
