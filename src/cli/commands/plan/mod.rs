//! plan: the `plan` commands. Each scans as `scan` does, then writes a plan from the
//! findings instead of a report. leftover writes plans; it never runs them.

mod adopt;
mod cleanup;

use anyhow::Result;

use crate::cli::args::PlanCommand;
use crate::cli::exit::Exit;
use crate::cli::pipeline::Connect;
use crate::cli::settings::Settings;

pub async fn run<C: Connect>(settings: &Settings, command: &PlanCommand, connect: &C) -> Result<Exit> {
    match command {
        PlanCommand::Cleanup(args) => cleanup::run(settings, args, connect).await,
        PlanCommand::Adopt(args) => adopt::run(settings, args, connect).await,
    }
}
