//! plan cleanup: scans as `scan` does, then writes a shell script that deletes the
//! leftovers, dependents first. It never runs the script. An incomplete scan writes no
//! plan (exit 3) unless `--allow-incomplete`.

use anyhow::{Context as _, Result};

use crate::analysis::{self, View};
use crate::cli::args::PlanCleanupArgs;
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run};
use crate::cli::settings::{self, Settings};
use crate::cost::{self, PriceTable};
use crate::plan::cleanup::{self, Leftover};
use crate::report;

pub async fn run<C: Connect>(settings: &Settings, args: &PlanCleanupArgs, connect: &C) -> Result<Exit> {
    let input = &args.input;
    let sources = settings::sources(&input.scan.states.states)?;
    let prices = PriceTable::load(input.scan.prices.as_deref())?;
    let run = Run::new(settings);
    let (inventory, states) = run.gather_inputs(connect, &input.scan, &sources).await?;
    if !args.who {
        run.finish();
    }
    if sources.is_empty() && input.scan.state_index.is_none() && !settings.quiet {
        eprintln!("leftover: no --state given: nothing is declared, so every live resource counts as unmanaged");
    }
    let view = input.env.clone().map_or(View::All, View::Env);
    let generated_at = crate::cli::pipeline::now();
    // The graph the report was judged on is the one the plan orders: built once.
    let decommissioning = std::cell::OnceCell::new();
    let analysis::Analysis { graph, mut report } =
        analysis::analyze(&inventory, &states, &settings.policy, generated_at, &view, &decommissioning)?;
    if !report.coverage.complete && !input.allow_incomplete {
        eprintln!(
            "leftover: the scan is incomplete, so no plan was written (a plan from a partial scan may miss \
             leftovers or order them wrongly; --allow-incomplete writes one anyway):"
        );
        for gap in &report.coverage.gaps {
            eprintln!("  gap: {}", gap.describe());
        }
        return Ok(Exit::Incomplete);
    }
    if let Some(min_age) = &input.scan.min_age {
        report::age::apply_min_age(&mut report, min_age);
    }
    let estimates = cost::estimates(report.findings.iter().map(|f| &f.finding), &inventory, &prices);
    report.price(estimates, &prices.currency, prices.source());
    if args.who {
        crate::cli::who::look_up(&run, connect, &mut report).await;
        run.finish();
    }
    let leftovers: Vec<Leftover<'_>> =
        report.findings.iter().map(|f| Leftover { finding: &f.finding, cost: f.cost.as_ref() }).collect();
    let context = cleanup::Context {
        generated_at: &report.generated_at,
        environment: input.env.as_deref(),
        currency: &prices.currency,
        gaps: &report.coverage.gaps,
        final_snapshot: !args.no_final_snapshot,
    };
    let plan = cleanup::plan(&graph, &leftovers, &context);
    if args.output.as_os_str() == "-" {
        report::write::to_stdout(&plan.script).context("writing the plan to stdout")?;
    } else {
        report::write::to_file(&args.output, &plan.script)
            .with_context(|| format!("writing the plan to {}", args.output.display()))?;
        if !settings.quiet {
            eprintln!(
                "leftover: wrote {}: {} resource{} to delete in {} command{}, {} leftover{} left alone; review it, \
                 then run it with APPLY=1",
                args.output.display(),
                plan.deleted,
                if plan.deleted == 1 { "" } else { "s" },
                plan.commands,
                if plan.commands == 1 { "" } else { "s" },
                plan.not_deleted.len(),
                if plan.not_deleted.len() == 1 { "" } else { "s" },
            );
        }
    }
    Ok(if report.coverage.complete { Exit::Clean } else { Exit::Incomplete })
}
