//! plan cleanup: a shell script that deletes the leftovers, dependents first.

use anyhow::Result;

use crate::cli::args::PlanCleanupArgs;
use crate::cli::exit::Exit;
use crate::cli::pipeline::Connect;
use crate::cli::settings::Settings;

#[allow(clippy::unused_async)]
pub async fn run<C: Connect>(_settings: &Settings, _args: &PlanCleanupArgs, _connect: &C) -> Result<Exit> {
    anyhow::bail!("plan cleanup is not available yet")
}
