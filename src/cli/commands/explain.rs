//! explain: everything known about one resource.

use anyhow::Result;

use crate::cli::args::ExplainArgs;
use crate::cli::exit::Exit;
use crate::cli::pipeline::Connect;
use crate::cli::settings::Settings;

#[allow(clippy::unused_async)]
pub async fn run<C: Connect>(_settings: &Settings, _args: &ExplainArgs, _connect: &C) -> Result<Exit> {
    anyhow::bail!("explain is not available in this build")
}
