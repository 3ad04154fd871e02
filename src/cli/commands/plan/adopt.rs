//! plan adopt: Terraform import blocks for the unmanaged resources.

use anyhow::Result;

use crate::cli::args::PlanAdoptArgs;
use crate::cli::exit::Exit;
use crate::cli::pipeline::Connect;
use crate::cli::settings::Settings;

#[allow(clippy::unused_async)]
pub async fn run<C: Connect>(_settings: &Settings, _args: &PlanAdoptArgs, _connect: &C) -> Result<Exit> {
    anyhow::bail!("plan adopt is not available yet")
}
