//! plan: the `plan` commands. Each scans as `scan` does, then writes a plan from the
//! findings instead of a report. leftover writes plans; it never runs them.

mod adopt;
mod cleanup;

use anyhow::Result;

use crate::cli::args::{PlanCommand, PlanInputArgs};
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run};
use crate::cli::settings::Settings;
use crate::state::{StateSet, StateSource};

pub async fn run<C: Connect>(settings: &Settings, command: &PlanCommand, connect: &C) -> Result<Exit> {
    match command {
        PlanCommand::Cleanup(args) => cleanup::run(settings, args, connect).await,
        PlanCommand::Adopt(args) => adopt::run(settings, args, connect).await,
    }
}

/// The states a plan is made from: read from the sources, or taken from a state index.
async fn states<C: Connect>(
    run: &mut Run<'_>,
    connect: &C,
    input: &PlanInputArgs,
    sources: &[StateSource],
) -> Result<StateSet> {
    match &input.state_index {
        Some(index) => run.states_from_index(connect, index, input.allow_stale_index).await,
        None => Ok(run.states(connect, sources).await),
    }
}
