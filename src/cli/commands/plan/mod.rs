//! plan: the `plan` commands. Each scans as `scan` does, then writes a plan from the
//! findings instead of a report. leftover writes plans; it never runs them.

mod adopt;
mod cleanup;

use anyhow::Result;

use crate::cli::args::{PlanCommand, PlanInputArgs};
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run};
use crate::cli::settings::Settings;
use crate::inventory::Inventory;
use crate::state::{StateSet, StateSource};

pub async fn run<C: Connect>(settings: &Settings, command: &PlanCommand, connect: &C) -> Result<Exit> {
    match command {
        PlanCommand::Cleanup(args) => cleanup::run(settings, args, connect).await,
        PlanCommand::Adopt(args) => adopt::run(settings, args, connect).await,
    }
}

/// What a plan is made from: the inventory and the states (read from the sources or taken
/// from a state index), gathered at once as `scan` gathers them.
async fn gather<C: Connect>(
    run: &Run<'_>,
    connect: &C,
    input: &PlanInputArgs,
    sources: &[StateSource],
) -> Result<(Inventory, StateSet)> {
    let index = input.state_index.as_deref().map(|path| (path, input.allow_stale_index));
    let (inventory, states) = run.gather(connect, &input.inventory, run.read_states(connect, sources, index)).await?;
    Ok((inventory, states?))
}
