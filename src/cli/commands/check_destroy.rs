//! check-destroy: the pre-destroy guard, run before `terraform destroy`. It reads the
//! target state(s) and the others, lists what is live, and reports what the destroy would
//! take (flagging resources of another environment), what will block or break it, and
//! which other states depend on it. Exit 0 when safe, 1 with findings, 3 when incomplete.

use std::collections::BTreeSet;

use anyhow::Result;

use super::scan::emit;
use crate::analysis::{self, View};
use crate::cli::args::CheckDestroyArgs;
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run, now};
use crate::cli::settings::{self, Settings, Target};

pub async fn run<C: Connect>(settings: &Settings, args: &CheckDestroyArgs, connect: &C) -> Result<Exit> {
    let targets = settings::sources(&args.targets)?;
    let others = settings::sources(&args.states.states)?;
    let run = Run::new(settings);
    let states = async { tokio::join!(run.states(connect, &targets), run.states(connect, &others)) };
    let (inventory, (target_set, mut states)) = run.gather(connect, args.inventory.as_slice(), states).await?;
    run.finish();
    if target_set.files.is_empty() && target_set.gaps.is_empty() {
        anyhow::bail!("no Terraform state found at {}", args.targets.join(", "));
    }
    let target_sources: BTreeSet<String> = target_set.files.iter().map(|f| f.source.clone()).collect();
    // The other sources may include the targets (a bucket and a key in it): read once.
    states.files.retain(|f| !target_sources.contains(&f.source));
    states.absorb(target_set);
    let report = analysis::report(&inventory, &states, &settings.policy, now(), &View::Destroy(target_sources))?;
    emit(settings, &report, &Target::from(&args.output))?;
    Ok(Exit::of_scan(report.coverage.complete, !report.findings.is_empty()))
}
