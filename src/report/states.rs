//! states: what `leftover states` found, and its table. The command gathers it; this
//! holds and renders it.

use std::collections::BTreeMap;

use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use crate::model::CoverageGap;
use crate::state::reader::Skipped;

/// One state file and what it declares.
#[derive(Serialize)]
pub struct StateRow {
    pub source: String,
    pub version: u64,
    pub serial: u64,
    pub terraform_version: Option<String>,
    pub workspace: Option<String>,
    pub environment: Option<String>,
    pub managed: usize,
    pub data: usize,
    pub mapped: usize,
    pub unmapped_types: BTreeMap<String, usize>,
    pub other_provider_types: BTreeMap<String, usize>,
}

/// Every state found, what was passed over, and what could not be read.
#[derive(Serialize)]
pub struct StatesReport {
    pub states: Vec<StateRow>,
    pub skipped: Vec<Skipped>,
    pub skipped_by_reason: BTreeMap<String, usize>,
    pub gaps: Vec<CoverageGap>,
}

/// The states as a table for a terminal (fitted to its width when `fit`).
pub fn render_table(report: &StatesReport, fit: bool) -> String {
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
