//! table: the report for a terminal. Incomplete coverage comes first, then one table per
//! finding kind, then a line with the counts and whether coverage was complete.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::report::{Report, ReportFinding};
use super::style::Style;
use crate::checks::Severity;

/// How to lay the table out.
#[derive(Clone, Copy, Debug, Default)]
pub struct TableOptions {
    /// Fit the table to the terminal's width (when writing to a terminal).
    pub fit_terminal: bool,
    /// A fixed width to fit, instead.
    pub width: Option<u16>,
    pub style: Style,
}

fn resource_cell(f: &ReportFinding) -> String {
    let r = &f.finding.resource;
    let mut text = format!("{}\n{}", r.kind, r.id);
    if let Some(name) = r.tags.get("Name") {
        text.push_str(&format!("\n({name})"));
    }
    text
}

fn where_cell(f: &ReportFinding) -> String {
    let r = &f.finding.resource;
    match (&r.account, &r.region) {
        (Some(a), Some(region)) => format!("{region}\n{a}"),
        (None, Some(region)) => region.clone(),
        _ => String::new(),
    }
}

fn severity_cell(severity: Severity) -> Cell {
    let cell = Cell::new(severity.as_str());
    match severity {
        Severity::Error => cell.fg(Color::Red),
        Severity::Warning => cell.fg(Color::Yellow),
        Severity::Info => cell,
    }
}

/// Renders the table report.
pub fn render(report: &Report, options: TableOptions) -> String {
    let style = options.style;
    let mut out = String::new();
    if !report.coverage.complete {
        out.push_str(&style.red(&format!(
            "INCOMPLETE SCAN: {} gap{} — findings below may be missing; nothing is concluded from what could not be read",
            report.coverage.gaps.len(),
            if report.coverage.gaps.len() == 1 { "" } else { "s" }
        )));
        out.push('\n');
        for gap in &report.coverage.gaps {
            out.push_str(&format!("  ! {}\n", gap.describe()));
        }
        out.push('\n');
    }
    for kind in report.kinds_present() {
        let findings: Vec<&ReportFinding> = report.of_kind(kind).collect();
        out.push_str(&style.bold(&format!("{} ({})", kind.as_str(), findings.len())));
        out.push_str(&style.dim(&format!(" — {}", kind.meaning())));
        out.push('\n');
        let with_state = findings.iter().any(|f| f.finding.state.is_some());
        let with_status = findings.iter().any(|f| f.status.is_some());
        let mut table = Table::new();
        table.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners());
        if style.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        match (options.width, options.fit_terminal) {
            (Some(width), _) => {
                table.set_content_arrangement(ContentArrangement::Dynamic);
                table.set_width(width);
            }
            (None, true) => {
                table.set_content_arrangement(ContentArrangement::Dynamic);
            }
            (None, false) => {
                table.set_content_arrangement(ContentArrangement::Disabled);
            }
        }
        let mut header = vec!["RESOURCE", "WHERE", "ENV", "SEVERITY", "REASON"];
        if with_state {
            header.push("STATE");
        }
        if with_status {
            header.push("STATUS");
        }
        table.set_header(header);
        for f in findings {
            let mut row = vec![
                Cell::new(resource_cell(f)),
                Cell::new(where_cell(f)),
                Cell::new(f.finding.environment.as_deref().unwrap_or("-")),
                severity_cell(f.finding.severity),
                Cell::new(&f.finding.reason),
            ];
            if with_state {
                row.push(Cell::new(
                    f.finding.state.as_ref().map_or_else(String::new, |s| format!("{}\n{}", s.address, s.source)),
                ));
            }
            if with_status {
                row.push(Cell::new(f.status.as_deref().unwrap_or("")));
            }
            table.add_row(row);
        }
        out.push_str(&table.to_string());
        out.push_str("\n\n");
    }
    if let Some(resolved) = &report.resolved
        && !resolved.is_empty()
    {
        out.push_str(&style.bold(&format!("resolved since the baseline ({})", resolved.len())));
        out.push('\n');
        for f in resolved {
            out.push_str(&format!("  ✓ {} {} {}\n", f.finding.kind, f.finding.resource.kind, f.finding.resource.id));
        }
        out.push('\n');
    }
    let coverage = if report.coverage.complete {
        style.green("coverage complete")
    } else {
        style.red(&format!("coverage INCOMPLETE ({} gaps)", report.coverage.gaps.len()))
    };
    let ignored = report.summary.get("ignored").map_or_else(String::new, |n| format!(" · {n} ignored by policy"));
    out.push_str(&format!("{} · scanned {}{ignored} · {coverage}\n", report.counts_line(), report.scope_line()));
    out
}
