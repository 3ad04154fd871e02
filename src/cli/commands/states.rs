//! states: lists the state files found below the sources, what each declares, and what
//! was passed over and why.

use std::collections::BTreeMap;

use anyhow::{Context, Result};
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::cli::args::{DataFormat, StatesArgs};
use crate::cli::exit::Exit;
use crate::cli::pipeline::{Connect, Run};
use crate::cli::settings::{self, Settings};
use crate::inventory::CoverageGap;
use crate::report::write;
use crate::state::reader::Skipped;
use crate::state::{Identity, Mode};

#[derive(Serialize)]
struct StateRow {
    source: String,
    version: u64,
    serial: u64,
    terraform_version: Option<String>,
    workspace: Option<String>,
    environment: Option<String>,
    managed: usize,
    data: usize,
    mapped: usize,
    unmapped_types: BTreeMap<String, usize>,
    other_provider_types: BTreeMap<String, usize>,
}

#[derive(Serialize)]
struct StatesReport {
    states: Vec<StateRow>,
    skipped: Vec<Skipped>,
    skipped_by_reason: BTreeMap<String, usize>,
    gaps: Vec<CoverageGap>,
}

pub async fn run<C: Connect>(settings: &Settings, args: &StatesArgs, connect: &C) -> Result<Exit> {
    let sources = settings::sources(&args.states.states)?;
    if sources.is_empty() {
        anyhow::bail!("name at least one --state source (s3://BUCKET[/PREFIX], a file or a directory)");
    }
    let mut run = Run::new(settings);
    let set = run.states(connect, &sources).await;
    run.finish();
    let envs = crate::checks::environment::Environments::infer(&settings.policy, &set, None);
    let states: Vec<StateRow> = set
        .files
        .iter()
        .map(|file| StateRow {
            source: file.source.clone(),
            version: file.version,
            serial: file.serial,
            terraform_version: file.terraform_version.clone(),
            workspace: file.workspace.clone(),
            environment: envs.of_state(&file.source).map(str::to_owned),
            managed: file.managed().count(),
            data: file.resources.iter().filter(|r| r.mode == Mode::Data).count(),
            mapped: file
                .managed()
                .filter(|r| !matches!(r.identity, Identity::Unmapped | Identity::Foreign | Identity::NoId))
                .count(),
            unmapped_types: file.unmapped_types(),
            other_provider_types: file.foreign_types(),
        })
        .collect();
    let mut skipped_by_reason = BTreeMap::new();
    for s in &set.skipped {
        *skipped_by_reason.entry(s.reason.clone()).or_default() += 1;
    }
    let report = StatesReport { states, skipped: set.skipped.clone(), skipped_by_reason, gaps: set.gaps.clone() };
    let text = match args.format {
        DataFormat::Json => {
            let mut text = serde_json::to_string_pretty(&report).context("serializing")?;
            text.push('\n');
            text
        }
        DataFormat::Table => render_table(&report, settings.stdout_terminal),
    };
    write::to_stdout(&text).context("writing to stdout")?;
    Ok(if report.gaps.is_empty() { Exit::Clean } else { Exit::Incomplete })
}

fn render_table(report: &StatesReport, fit: bool) -> String {
    let mut out = String::new();
    if !report.gaps.is_empty() {
        out.push_str(&format!("INCOMPLETE: {} state object(s) could not be read\n", report.gaps.len()));
        for gap in &report.gaps {
            out.push_str(&format!("  ! {}\n", gap.describe()));
        }
        out.push('\n');
    }
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners());
    table.force_no_tty();
    table.set_content_arrangement(if fit { ContentArrangement::Dynamic } else { ContentArrangement::Disabled });
    table.set_header(vec!["STATE", "VERSION", "WORKSPACE", "ENV", "MANAGED", "DATA", "NOT MAPPED"]);
    for s in &report.states {
        let mut unmapped: Vec<String> = s.unmapped_types.iter().map(|(t, n)| format!("{t} ×{n}")).collect();
        unmapped.extend(s.other_provider_types.iter().map(|(t, n)| format!("{t} ×{n} (other provider)")));
        table.add_row(vec![
            s.source.clone(),
            format!("v{} serial {}", s.version, s.serial),
            s.workspace.clone().unwrap_or_else(|| "-".to_owned()),
            s.environment.clone().unwrap_or_else(|| "-".to_owned()),
            s.managed.to_string(),
            s.data.to_string(),
            if unmapped.is_empty() { "-".to_owned() } else { unmapped.join("\n") },
        ]);
    }
    out.push_str(&table.to_string());
    out.push('\n');
    let skipped: Vec<String> = report.skipped_by_reason.iter().map(|(r, n)| format!("{n} {r}")).collect();
    out.push_str(&format!(
        "{} state(s) read, {} managed resources; {} object(s) skipped{}\n",
        report.states.len(),
        report.states.iter().map(|s| s.managed).sum::<usize>(),
        report.skipped.len(),
        if skipped.is_empty() { String::new() } else { format!(" ({})", skipped.join(", ")) }
    ));
    out
}
