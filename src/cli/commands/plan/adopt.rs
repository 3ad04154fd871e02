//! plan adopt: Terraform import blocks for the unmanaged resources, one `.tf` file per
//! suggested state in `--output DIR`. Scans as `scan` does; a scan with coverage gaps
//! writes nothing and exits 3 unless `--allow-incomplete`. Writes files; runs nothing.

use anyhow::{Context, Result};

use crate::analysis::{self, View};
use crate::cli::args::PlanAdoptArgs;
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run};
use crate::cli::settings::{self, Settings};
use crate::plan::adopt::{self, Options};
use crate::report;

pub async fn run<C: Connect>(settings: &Settings, args: &PlanAdoptArgs, connect: &C) -> Result<Exit> {
    let input = &args.input;
    let sources = settings::sources(&input.scan.states.states)?;
    let run = Run::new(settings);
    let (inventory, states) = run.gather_inputs(connect, &input.scan, &sources).await?;
    run.finish();
    if sources.is_empty() && input.scan.state_index.is_none() && !settings.quiet {
        eprintln!(
            "leftover: no --state given: nothing is declared, so every import block goes to {}",
            adopt::UNASSIGNED
        );
    }
    // `--env` picks the environment's resources; unlike `scan --env`, it does not treat the
    // environment as decommissioned (what is adopted is meant to stay).
    let decommissioning = std::cell::OnceCell::new();
    let analysis::Analysis { graph, mut report } = analysis::analyze(
        &inventory,
        &states,
        &settings.policy,
        crate::cli::pipeline::now(),
        &View::All,
        &decommissioning,
    )?;
    if let Some(min_age) = &input.scan.min_age {
        report::age::apply_min_age(&mut report, min_age);
    }
    let gaps = report.coverage.gaps.len();
    if !report.coverage.complete {
        for gap in &report.coverage.gaps {
            eprintln!("leftover: coverage gap: {}", gap.describe());
        }
        if !input.allow_incomplete {
            eprintln!(
                "leftover: the scan is incomplete ({gaps} coverage gap(s)): no plan written (--allow-incomplete writes one anyway)"
            );
            return Ok(Exit::Incomplete);
        }
    }
    let options = Options { env: input.env.clone(), gaps: if report.coverage.complete { 0 } else { gaps.max(1) } };
    let plan = adopt::build(&graph, report.findings.iter().map(|f| &f.finding), &options);
    let dir = &args.output;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    for file in &plan.files {
        let path = dir.join(&file.name);
        report::write::to_file(&path, &file.text()).with_context(|| format!("writing {}", path.display()))?;
    }
    if !settings.quiet {
        for file in &plan.files {
            eprintln!(
                "leftover: {}: {} import block(s) for {}",
                file.name,
                file.blocks,
                file.state.as_deref().unwrap_or("no state (nothing they sit in is declared)")
            );
        }
        eprintln!(
            "leftover: {} import block(s) in {} file(s) in {}{}",
            plan.blocks(),
            plan.files.len(),
            dir.display(),
            match plan.listed() {
                0 => String::new(),
                n => format!("; {n} resource(s) listed as comments (no import possible)"),
            }
        );
    }
    Ok(if report.coverage.complete { Exit::Clean } else { Exit::Incomplete })
}
