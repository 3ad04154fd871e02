//! table: the report for a terminal. Incomplete coverage comes first, then one table per
//! finding kind (with each finding's age, where known), then a line with the counts and
//! whether coverage was complete. Text from AWS or a state goes through `printable`: no
//! control character reaches the terminal.

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};

use super::printable::printable;
use super::report::{Report, ReportFinding};
use super::style::Style;
use super::{age, plural};
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
    let mut text = format!("{}\n{}", printable(&r.kind), printable(&r.id));
    if let Some(name) = r.tags.get("Name") {
        text.push_str(&format!("\n({})", printable(name)));
    }
    text
}

fn where_cell(f: &ReportFinding) -> String {
    let r = &f.finding.resource;
    match (&r.account, &r.region) {
        (Some(a), Some(region)) => format!("{}\n{}", printable(region), printable(a)),
        (None, Some(region)) => printable(region).into_owned(),
        _ => String::new(),
    }
}

fn severity_cell(severity: Severity, color: bool) -> Cell {
    let cell = Cell::new(severity.as_str());
    if !color {
        return cell;
    }
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
            out.push_str(&format!("  ! {}\n", printable(&gap.describe())));
        }
        out.push('\n');
    }
    for line in super::sections::destroy_lines(report).into_iter().chain(super::sections::environment_lines(report)) {
        out.push_str(&style.bold(&printable(&line)));
        out.push('\n');
    }
    if report.destroy.is_some() || report.environment.is_some() {
        out.push('\n');
    }
    for kind in report.kinds_present() {
        let findings: Vec<&ReportFinding> = report.of_kind(kind).collect();
        out.push_str(&style.bold(&format!("{} ({})", kind.as_str(), findings.len())));
        out.push_str(&style.dim(&format!(" — {}", kind.meaning())));
        out.push('\n');
        let with_state = findings.iter().any(|f| f.finding.state.is_some());
        let with_status = findings.iter().any(|f| f.status.is_some());
        let with_remains = findings.iter().any(|f| f.finding.remains.is_some());
        let with_cost = findings.iter().any(|f| f.cost.is_some());
        let ages: Vec<String> =
            findings.iter().map(|f| age::age_line(f, &report.generated_at).replace(", ", "\n")).collect();
        let with_age = ages.iter().any(|a| !a.is_empty());
        let mut table = Table::new();
        table.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners());
        if style.color {
            table.enforce_styling();
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
        if with_age {
            header.push("AGE");
        }
        if with_cost {
            header.push("COST/MONTH");
        }
        if with_status {
            header.push("NEW");
        }
        if with_remains {
            header.insert(1, "REMAINS");
        }
        table.set_header(header);
        for (f, age) in findings.into_iter().zip(ages) {
            let mut row = vec![
                Cell::new(resource_cell(f)),
                Cell::new(where_cell(f)),
                Cell::new(printable(f.finding.environment.as_deref().unwrap_or("-"))),
                severity_cell(f.finding.severity, style.color),
                Cell::new(printable(&f.finding.reason)),
            ];
            if with_state {
                row.push(Cell::new(
                    f.finding
                        .state
                        .as_ref()
                        .map_or_else(String::new, |s| format!("{}\n{}", printable(&s.address), printable(&s.source))),
                ));
            }
            if with_age {
                row.push(Cell::new(age));
            }
            if with_cost {
                row.push(cost_cell(report, f));
            }
            if with_status {
                row.push(status_cell(f, style));
            }
            if with_remains {
                row.insert(1, Cell::new(f.finding.remains.as_deref().unwrap_or("")));
            }
            table.add_row(row);
        }
        out.push_str(&table.to_string());
        out.push_str("\n\n");
    }
    if !report.blocked.is_empty() {
        out.push_str(&style.bold(&super::sections::blocked_heading(report)));
        out.push('\n');
        for line in super::sections::blocked_lines(report) {
            out.push_str(&format!("  {}\n", printable(&line)));
        }
        out.push('\n');
    }
    if let Some(resolved) = &report.resolved
        && !resolved.is_empty()
    {
        out.push_str(&style.bold(&format!("resolved since the baseline ({})", resolved.len())));
        out.push('\n');
        for f in resolved {
            out.push_str(&format!(
                "  ✓ {} {} {}\n",
                f.finding.kind,
                printable(&f.finding.resource.kind),
                printable(&f.finding.resource.id)
            ));
        }
        out.push('\n');
    }
    let coverage = if report.coverage.complete {
        style.green("coverage complete")
    } else {
        style.red(&format!("coverage INCOMPLETE ({} gaps)", report.coverage.gaps.len()))
    };
    let ignored = report.summary.get("ignored").map_or_else(String::new, |n| format!(" · {n} ignored by policy"));
    let withheld = report.summary.get("withheld").map_or_else(String::new, |n| format!(" · {n} withheld for the gaps"));
    let links = report.links_note().map_or_else(String::new, |note| format!(" · {note}"));
    out.push_str(&format!(
        "{} · scanned {}{ignored}{withheld}{links} · {coverage}\n",
        report.counts_line(),
        report.scope_line()
    ));
    if let Some(line) = report.baseline_line() {
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(line) = age::younger_line(report) {
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(line) = cost_line(report) {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn cost_cell(report: &Report, f: &ReportFinding) -> Cell {
    let text = match (f.cost.as_ref().map(|c| c.monthly), &report.cost) {
        (Some(Some(amount)), Some(summary)) => summary.amount(amount),
        (Some(Some(amount)), None) => format!("{amount:.2}"),
        (Some(None), _) => "no price".to_owned(),
        (None, _) => String::new(),
    };
    Cell::new(text).set_alignment(comfy_table::CellAlignment::Right)
}

/// `new` against a baseline; unchanged findings are left blank so that the new stand out.
fn status_cell(f: &ReportFinding, style: Style) -> Cell {
    match f.status.as_deref() {
        Some("new") if style.color => Cell::new("new").fg(Color::Red),
        Some("new") => Cell::new("new"),
        _ => Cell::new(""),
    }
}

/// Two lines: the total and per environment, then where the prices come from.
fn cost_line(report: &Report) -> Option<String> {
    let cost = report.cost.as_ref().filter(|c| !c.is_empty())?;
    let mut line = format!("estimated cost of leftovers: {}/month", cost.amount(cost.monthly));
    let envs: Vec<String> = cost
        .environments
        .iter()
        .map(|e| {
            let name = printable(e.environment.as_deref().unwrap_or("(no environment)"));
            if e.unpriced > 0 {
                format!("{name} {} (+{} without a price)", cost.amount(e.monthly), e.unpriced)
            } else {
                format!("{name} {}", cost.amount(e.monthly))
            }
        })
        .collect();
    if !envs.is_empty() {
        line.push_str(" — ");
        line.push_str(&envs.join(", "));
    }
    line.push_str(&format!("\n  an estimate from the {}", cost.prices_line()));
    if cost.unpriced > 0 {
        line.push_str(&format!(
            "; {} without a price {} not counted",
            plural(cost.unpriced, "resource", "resources"),
            if cost.unpriced == 1 { "is" } else { "are" }
        ));
    }
    Some(line)
}
