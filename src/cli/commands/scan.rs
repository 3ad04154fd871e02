//! scan: list, read, then join, check and report through `analysis`; writes the report.

use anyhow::{Context, Result};

use crate::analysis::{self, View};
use crate::cli::args::ScanArgs;
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run, elapsed_ms};
use crate::cli::settings::{self, FailOn, Settings, Target};
use crate::cost::{self, PriceTable};
use crate::report::{self, Report};

/// Renders and writes a report where the target says.
pub fn emit(settings: &Settings, report: &Report, target: &Target) -> Result<()> {
    let to_terminal = target.output.is_none() && settings.stdout_terminal;
    let options = report::RenderOptions {
        table: report::table::TableOptions {
            width: Some(settings.width_for(to_terminal)),
            style: if target.output.is_none() { settings.style } else { report::Style::default() },
        },
    };
    let started = std::time::Instant::now();
    // JSON goes out as it is serialized; the other formats are rendered first.
    let text = match target.format {
        report::Format::Json => None,
        format => Some(report::render(report, format, &options)?),
    };
    let mut write = |out: &mut dyn std::io::Write| match &text {
        Some(text) => out.write_all(text.as_bytes()),
        None => report::json::write_to(report, out),
    };
    let written = match &target.output {
        Some(path) => report::write::to_file_with(path, &mut write)
            .with_context(|| format!("writing the report to {}", path.display())),
        None => report::write::to_stdout_with(&mut write).context("writing the report to stdout"),
    };
    tracing::debug!(elapsed_ms = elapsed_ms(started), "report rendered and written");
    written
}

/// Frees `value` on a thread of its own: a large inventory takes milliseconds to free, which
/// writing the report need not wait for (its memory comes back as the report is written).
fn free_beside<T: Send + 'static>(value: T) {
    // A thread that cannot start hands the value back, and it is freed here.
    let _detached = std::thread::Builder::new().name("leftover-free".to_owned()).spawn(move || drop(value));
}

pub async fn run<C: Connect>(settings: &Settings, args: &ScanArgs, connect: &C) -> Result<Exit> {
    let sources = settings::sources(&args.input.states.states)?;
    let fail_on = FailOn::from_values(&args.fail_on);
    let min_severity = args.min_severity;
    // Files that can be wrong are read before anything is listed: a bad one fails at once.
    let prices = PriceTable::load(args.input.prices.as_deref())?;
    let baseline = args.baseline.as_deref().map(report::baseline::load).transpose()?;
    let mut run = Run::new(settings);
    run.shard = args.shard;
    let (mut inventory, states) = run.gather_inputs(connect, &args.input, &sources).await?;
    if let Some(shard) = args.shard {
        inventory.retain_accounts(|account| shard.contains(account));
    }
    // With --who, CloudTrail is asked after the analysis: its calls count in --stats.
    if !args.who {
        run.finish();
    }
    if sources.is_empty() && args.input.state_index.is_none() && !settings.quiet {
        eprintln!("leftover: no --state given: nothing is declared, so every live resource counts as unmanaged");
    }
    let view = args.env.clone().map_or(View::All, View::Env);
    let mut report = analysis::report(&inventory, &states, &settings.policy, crate::cli::pipeline::now(), &view)?;
    // What is no longer needed makes room for writing the report.
    free_beside(states);
    report.scope.shard = args.shard;
    if let Some(min) = min_severity {
        analysis::apply_min_severity(&mut report, min);
    }
    if let Some(baseline) = baseline {
        report::baseline::compare(&mut report, &baseline, min_severity);
    }
    if let Some(min_age) = &args.input.min_age {
        report::age::apply_min_age(&mut report, min_age);
    }
    if args.who {
        crate::cli::who::look_up(&run, connect, &mut report).await;
        run.finish();
    }
    // Priced last, once: what `--min-age` left out is not counted in the cost.
    let started = std::time::Instant::now();
    let estimates = cost::estimates(report.findings.iter().map(|f| &f.finding), &inventory, &prices);
    report.price(estimates, &prices.currency, prices.source());
    tracing::debug!(elapsed_ms = elapsed_ms(started), "report priced");
    free_beside(inventory);
    emit(settings, &report, &Target::from(&args.output))?;
    let failing = report
        .findings
        .iter()
        .any(|f| fail_on.fails(f.finding.kind, f.finding.severity, f.status.as_deref() != Some("unchanged")));
    Ok(Exit::of_scan(report.coverage.complete, failing))
}
