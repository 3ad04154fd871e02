//! check-destroy: the pre-destroy guard.

use anyhow::Result;

use crate::cli::args::CheckDestroyArgs;
use crate::cli::exit::Exit;
use crate::cli::pipeline::Connect;
use crate::cli::settings::Settings;

#[allow(clippy::unused_async)]
pub async fn run<C: Connect>(_settings: &Settings, _args: &CheckDestroyArgs, _connect: &C) -> Result<Exit> {
    anyhow::bail!("check-destroy is not available in this build")
}
