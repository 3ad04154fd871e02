//! states: what `leftover states` found, and its table. The command gathers it; this
//! holds and renders it, fitted to a width like the scan's table: a table when it fits,
//! else one block per state.

use std::collections::BTreeMap;

use comfy_table::{ColumnConstraint, ContentArrangement, Table, Width, presets};

use super::printable::printable;
use super::wrap;
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
    /// Declared AWS types leftover does not list itself (known through the tagging API or
    /// not mapped): neither missing nor unmanaged is judged of them.
    pub not_listed_types: BTreeMap<String, usize>,
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

/// The state column is never squeezed below this (nor below its content).
const MIN_SOURCE: usize = 40;
/// Nor the column of types not mapped.
const MIN_UNMAPPED: usize = 16;

/// What one state does not map: `aws_foo ×2`, `google_bar ×1 (other provider)`.
fn unmapped(s: &StateRow) -> Vec<String> {
    let mut unmapped: Vec<String> = s.unmapped_types.iter().map(|(t, n)| format!("{} ×{n}", printable(t))).collect();
    unmapped.extend(s.other_provider_types.iter().map(|(t, n)| format!("{} ×{n} (other provider)", printable(t))));
    unmapped
}

/// The states as a table within `width` display columns (unbounded with `None`); one
/// block per state when the table cannot fit.
pub fn render_table(report: &StatesReport, width: Option<u16>) -> String {
    let max = width.map(|w| usize::from(w).max(wrap::MIN_WIDTH));
    let fit = |text: &str| max.map_or_else(|| text.to_owned(), |max| wrap::fit(text, max));
    let mut out = String::new();
    if !report.gaps.is_empty() {
        out.push_str(&fit(&format!("INCOMPLETE: {} state object(s) could not be read\n", report.gaps.len())));
        for gap in &report.gaps {
            out.push_str(&fit(&format!("  ! {}\n", printable(&gap.describe()))));
        }
        out.push('\n');
    }
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners());
    table.force_no_tty();
    match width {
        Some(width) => {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            table.set_width(width);
        }
        None => {
            table.set_content_arrangement(ContentArrangement::Disabled);
        }
    }
    table.set_header(vec!["STATE", "VERSION", "WORKSPACE", "ENV", "MANAGED", "DATA", "NOT MAPPED"]);
    let mut fits = true;
    for s in &report.states {
        let unmapped = unmapped(s);
        table.add_row(vec![
            printable(&s.source).into_owned(),
            format!("v{} serial {}", s.version, s.serial),
            s.workspace.as_deref().map_or_else(|| "-".to_owned(), |w| printable(w).into_owned()),
            s.environment.as_deref().map_or_else(|| "-".to_owned(), |e| printable(e).into_owned()),
            s.managed.to_string(),
            s.data.to_string(),
            if unmapped.is_empty() { "-".to_owned() } else { unmapped.join("\n") },
        ]);
    }
    if let Some(max) = max {
        // A state's key is what a person looks for: cut into pieces a few columns wide, it
        // reads worse than a block per state.
        let content: Vec<usize> = table.column_max_content_widths().into_iter().map(usize::from).collect();
        match super::table::share_width(&content, max, (0, MIN_SOURCE), Some((6, MIN_UNMAPPED))) {
            Some(widths) => {
                for (i, w) in widths.into_iter().enumerate() {
                    if let Some(column) = table.column_mut(i) {
                        let w = u16::try_from(w + 2).unwrap_or(u16::MAX);
                        column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(w)));
                    }
                }
            }
            None => fits = false,
        }
    }
    let drawn = table.to_string();
    let readable = fits && max.is_none_or(|max| wrap::widest(&drawn) <= max);
    if readable {
        out.push_str(&drawn);
        out.push('\n');
    } else if let Some(max) = max {
        for s in &report.states {
            out.push_str(&wrap::wrap(&printable(&s.source), max, "", "    ").join("\n"));
            out.push('\n');
            let mut facts = vec![format!("v{} serial {}", s.version, s.serial)];
            facts.push(format!("workspace {}", s.workspace.as_deref().map_or_else(|| "-".into(), printable)));
            facts.push(format!("env {}", s.environment.as_deref().map_or_else(|| "-".into(), printable)));
            facts.push(format!("{} managed", s.managed));
            facts.push(format!("{} data", s.data));
            let unmapped = unmapped(s);
            if !unmapped.is_empty() {
                facts.push(format!("not mapped: {}", unmapped.join(", ")));
            }
            out.push_str(&wrap::wrap_items(&facts, max, "  ", "    ").join("\n"));
            out.push_str("\n\n");
        }
    }
    let skipped: Vec<String> = report.skipped_by_reason.iter().map(|(r, n)| format!("{n} {r}")).collect();
    out.push_str(&fit(&format!(
        "{} state(s) read, {} managed resources; {} object(s) skipped{}\n",
        report.states.len(),
        report.states.iter().map(|s| s.managed).sum::<usize>(),
        report.skipped.len(),
        if skipped.is_empty() { String::new() } else { format!(" ({})", skipped.join(", ")) }
    )));
    out
}
