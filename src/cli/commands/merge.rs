//! merge: combines the JSON reports of `scan --shard` runs into one report, in any
//! format, compared with a baseline when one is given. Exit codes as for a scan: 3 when any shard was incomplete or is missing, 1 with
//! findings, 0 otherwise.

use anyhow::{Context, Result};

use super::scan::emit;
use crate::cli::args::MergeArgs;
use crate::cli::exit::Exit;
use crate::cli::settings::{FailOn, Settings, Target};
use crate::report::Report;
use crate::report::merge::merge;

pub fn run(settings: &Settings, args: &MergeArgs) -> Result<Exit> {
    let fail_on = FailOn::from_values(&args.fail_on);
    let mut reports = Vec::with_capacity(args.reports.len());
    for path in &args.reports {
        let file = std::fs::File::open(path).with_context(|| format!("cannot read report {}", path.display()))?;
        let report: Report = serde_json::from_reader(std::io::BufReader::new(file))
            .with_context(|| format!("{} is not a leftover JSON report", path.display()))?;
        reports.push(report);
    }
    let baseline = args.baseline.as_deref().map(crate::report::baseline::load).transpose()?;
    let mut report = merge(reports)?;
    if let Some(baseline) = &baseline {
        crate::report::baseline::compare(&mut report, baseline, None);
    }
    emit(settings, &report, &Target::from(&args.output))?;
    let failing = report
        .findings
        .iter()
        .any(|f| fail_on.fails(f.finding.kind, f.finding.severity, f.status.as_deref() != Some("unchanged")));
    Ok(Exit::of_scan(report.coverage.complete, failing))
}
