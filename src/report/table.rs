//! table: the report for a terminal, a pipe, a mail or a log, fitted to a width. The
//! coverage status and the one-line summary come first (a mail's first lines say whether
//! anything needs a person) and again last; then one section per finding kind: a table
//! whose reason column wraps inside it, or, when the width leaves that column too narrow
//! to read, one block per finding (its resource and where on one line, its facts, its reason
//! wrapped below). No line is wider than the width, counted in display columns. Text from
//! AWS or a state goes through `printable`: no control character reaches the terminal.

use comfy_table::{Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets};

use super::printable::printable;
use super::report::{Report, ReportFinding};
use super::style::Style;
use super::wrap;
use super::{age, plural};
use crate::checks::{FindingKind, Severity};

/// The width fitted to when neither a terminal, `--width` nor `COLUMNS` gives one.
pub const DEFAULT_WIDTH: u16 = 100;
/// The narrowest reason column a table may have: narrower, the findings are drawn as blocks.
const MIN_REASON: usize = 40;
/// The resource column is given this much when a name is wider than the ids (it wraps).
const MIN_RESOURCE: usize = 28;
/// The state column is never narrower than this (nor than its content)...
const MIN_STATE: usize = 24;
/// ...and holds its widest address up to this width.
const MAX_STATE_MIN: usize = 40;

/// How to lay the report out.
#[derive(Clone, Copy, Debug, Default)]
pub struct TableOptions {
    /// The width to fit, in display columns; `None`: unbounded (a cell's line on one line).
    pub width: Option<u16>,
    pub style: Style,
}

/// The width of the terminal on stdout, as the table crate reads it; `None` when stdout is
/// not a terminal or its size cannot be read.
pub fn terminal_width() -> Option<u16> {
    Table::new().width().filter(|&w| w > 0)
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

fn severity_cell(cell: Cell, severity: Severity, color: bool) -> Cell {
    if !color {
        return cell;
    }
    match severity {
        Severity::Error => cell.fg(Color::Red),
        Severity::Warning => cell.fg(Color::Yellow),
        Severity::Info => cell,
    }
}

fn paint_severity(severity: Severity, style: Style) -> String {
    match severity {
        Severity::Error => style.red(severity.as_str()),
        Severity::Warning => style.yellow(severity.as_str()),
        Severity::Info => severity.as_str().to_owned(),
    }
}

/// Appends `text`, each of its lines fitted to the width and painted.
fn put(out: &mut String, text: &str, width: Option<usize>, paint: impl Fn(&str) -> String) {
    let fitted = match width {
        Some(width) => wrap::fit(text, width),
        None => text.to_owned(),
    };
    for line in fitted.lines() {
        out.push_str(&paint(line));
        out.push('\n');
    }
}

/// The one-line summary: counts, scope, what was left out, coverage (in colour).
fn summary_lines(report: &Report, style: Style, width: Option<usize>) -> Vec<String> {
    let mut parts = vec![report.counts_line(), format!("scanned {}", report.scope_line())];
    if let Some(n) = report.summary.get("ignored") {
        parts.push(format!("{n} ignored by policy"));
    }
    if let Some(n) = report.summary.get("withheld") {
        parts.push(format!("{n} withheld for the gaps"));
    }
    parts.extend(report.links_note());
    parts.extend(report.coverage.not_listed_line());
    parts.extend(report.coverage.who_line());
    let coverage = report.coverage.line();
    parts.push(coverage.clone());
    let mut lines = match width {
        Some(width) => wrap::wrap_items(&parts, width, "", "  "),
        None => vec![parts.join(" · ")],
    };
    let painted = if report.coverage.complete { style.green(&coverage) } else { style.red(&coverage) };
    if let Some(last) = lines.last_mut()
        && let Some(head) = last.strip_suffix(coverage.as_str())
    {
        *last = format!("{head}{painted}");
    }
    lines
}

/// Renders the table report.
pub fn render(report: &Report, options: TableOptions) -> String {
    let style = options.style;
    let width = options.width.map(|w| usize::from(w).max(wrap::MIN_WIDTH));
    let mut out = String::new();
    // First the coverage status and the summary, so that the first lines of a mail say
    // whether anything needs a person.
    if !report.coverage.complete {
        let gaps = report.coverage.gaps.len();
        put(
            &mut out,
            &format!(
                "INCOMPLETE SCAN: {gaps} gap{} — findings below may be missing; nothing is concluded from what could not be read",
                if gaps == 1 { "" } else { "s" }
            ),
            width,
            |l| style.red(l),
        );
        for gap in &report.coverage.gaps {
            put(&mut out, &format!("  ! {}", printable(&gap.describe())), width, str::to_owned);
        }
        if report.destroy.is_some() || report.environment.is_some() {
            out.push('\n');
        }
    }
    // A scan for an environment, or before a destroy, answers that question first.
    for line in super::sections::destroy_lines(report).into_iter().chain(super::sections::environment_lines(report)) {
        put(&mut out, &printable(&line), width, |l| style.bold(l));
    }
    if report.destroy.is_some() || report.environment.is_some() {
        out.push('\n');
    }
    for line in summary_lines(report, style, width) {
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(line) = report.baseline_line() {
        put(&mut out, &line, width, str::to_owned);
    }
    out.push('\n');
    let kinds = report.kinds_present();
    let sections: Vec<(FindingKind, Vec<&ReportFinding>, Vec<String>)> = kinds
        .into_iter()
        .map(|kind| {
            let findings: Vec<&ReportFinding> = report.of_kind(kind).collect();
            let ages = findings.iter().map(|f| age::age_line(f, &report.generated_at)).collect();
            (kind, findings, ages)
        })
        .collect();
    // Tables when every kind's fits the width with a readable reason column, else blocks
    // for every kind: one layout through the report.
    let tables: Option<Vec<String>> =
        sections.iter().map(|(_, findings, ages)| kind_table(report, findings, ages, options)).collect();
    for (i, (kind, findings, ages)) in sections.iter().enumerate() {
        let label = format!("{} ({})", kind.as_str(), findings.len());
        let heading = format!("{label} — {}", kind.meaning());
        let heading = match width {
            Some(width) => wrap::wrap(&heading, width, "", "  "),
            None => vec![heading],
        };
        for (n, line) in heading.iter().enumerate() {
            match line.strip_prefix(label.as_str()).filter(|_| n == 0) {
                Some(rest) => out.push_str(&format!("{}{}", style.bold(&label), style.dim(rest))),
                None => out.push_str(&style.dim(line)),
            }
            out.push('\n');
        }
        match (&tables, width) {
            (Some(tables), _) => {
                out.push_str(&tables[i]);
                out.push_str("\n\n");
            }
            (None, Some(width)) => {
                out.push('\n');
                for (f, age) in findings.iter().zip(ages) {
                    block(&mut out, report, f, age, style, width);
                    out.push('\n');
                }
            }
            (None, None) => {}
        }
    }
    if !report.blocked.is_empty() {
        put(&mut out, &super::sections::blocked_heading(report), width, |l| style.bold(l));
        for line in super::sections::blocked_lines(report) {
            put(&mut out, &format!("  {}", printable(&line)), width, str::to_owned);
        }
        out.push('\n');
    }
    if let Some(resolved) = &report.resolved
        && !resolved.is_empty()
    {
        out.push_str(&style.bold(&format!("resolved since the baseline ({})", resolved.len())));
        out.push('\n');
        for f in resolved {
            let line = format!(
                "  ✓ {} {} {}",
                f.finding.kind,
                printable(&f.finding.resource.kind),
                printable(&f.finding.resource.id)
            );
            put(&mut out, &line, width, str::to_owned);
        }
        out.push('\n');
    }
    for line in summary_lines(report, style, width) {
        out.push_str(&line);
        out.push('\n');
    }
    for line in [report.baseline_line(), age::younger_line(report), cost_line(report)].into_iter().flatten() {
        put(&mut out, &line, width, str::to_owned);
    }
    out
}

/// One kind's findings as a table, fitted to the width; `None` when the width would leave
/// the reason column narrower than [`MIN_REASON`]. Cells are wrapped here (at spaces, else
/// after a `/`, `.` or `-`), so that the table crate has nothing left to cut.
fn kind_table(report: &Report, findings: &[&ReportFinding], ages: &[String], options: TableOptions) -> Option<String> {
    let style = options.style;
    let with_state = findings.iter().any(|f| f.finding.state.is_some());
    let with_status = findings.iter().any(|f| f.status.is_some());
    let with_remains = findings.iter().any(|f| f.finding.remains.is_some());
    let with_cost = findings.iter().any(|f| f.cost.is_some());
    let with_age = ages.iter().any(|a| !a.is_empty());
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
    let column = |name: &str| header.iter().position(|h| *h == name);
    let (resource, reason, severity) = (column("RESOURCE")?, column("REASON")?, column("SEVERITY")?);
    let (state, cost, status) = (column("STATE"), column("COST/MONTH"), column("NEW"));
    // The rows as text, in the header's order.
    let rows: Vec<Vec<String>> = findings
        .iter()
        .zip(ages)
        .map(|(f, age)| {
            let mut row = vec![
                resource_cell(f),
                where_cell(f),
                printable(f.finding.environment.as_deref().unwrap_or("-")).into_owned(),
                f.finding.severity.as_str().to_owned(),
                printable(&f.finding.reason).into_owned(),
            ];
            if with_state {
                row.push(
                    f.finding
                        .state
                        .as_ref()
                        .map_or_else(String::new, |s| format!("{}\n{}", printable(&s.address), printable(&s.source))),
                );
            }
            if with_age {
                row.push(age.replace(", ", "\n"));
            }
            if with_cost {
                row.push(cost_text(report, f));
            }
            if with_status {
                row.push(if f.status.as_deref() == Some("new") { "new".to_owned() } else { String::new() });
            }
            if with_remains {
                row.insert(1, f.finding.remains.as_deref().unwrap_or("").to_owned());
            }
            row
        })
        .collect();
    let widths = match options.width {
        None => None,
        Some(width) => {
            let mut content: Vec<usize> = header.iter().map(|h| wrap::width(h)).collect();
            for row in &rows {
                for (widest, cell) in content.iter_mut().zip(row) {
                    *widest = (*widest).max(wrap::widest(cell));
                }
            }
            // The resource column keeps its kinds and ids whole; a long name wraps under them.
            let ids = findings
                .iter()
                .map(|f| {
                    wrap::width(&printable(&f.finding.resource.kind))
                        .max(wrap::width(&printable(&f.finding.resource.id)))
                })
                .max()
                .unwrap_or(0);
            content[resource] = content[resource].min(ids.max(MIN_RESOURCE));
            // The state column keeps its addresses whole where it can; a source path wraps.
            let addresses = findings
                .iter()
                .filter_map(|f| f.finding.state.as_ref().map(|s| wrap::width(&printable(&s.address))))
                .max()
                .unwrap_or(0);
            let state = state.map(|i| (i, addresses.clamp(MIN_STATE, MAX_STATE_MIN)));
            Some(share_width(&content, usize::from(width), (reason, MIN_REASON), state)?)
        }
    };
    let mut table = Table::new();
    table.load_style(presets::UTF8_FULL_CONDENSED.with_rounded_corners());
    if style.color {
        table.enforce_styling();
    }
    table.set_header(header.clone());
    for (row, f) in rows.into_iter().zip(findings) {
        let cells: Vec<Cell> = row
            .into_iter()
            .enumerate()
            .map(|(i, text)| {
                let text = match &widths {
                    Some(widths) => fit_cell(&text, widths[i]),
                    None => text,
                };
                let cell = Cell::new(text);
                if i == severity {
                    severity_cell(cell, f.finding.severity, style.color)
                } else if Some(i) == status && style.color {
                    cell.fg(Color::Red)
                } else if Some(i) == cost {
                    cell.set_alignment(comfy_table::CellAlignment::Right)
                } else {
                    cell
                }
            })
            .collect();
        table.add_row(cells);
    }
    let Some(widths) = widths else {
        table.set_content_arrangement(ContentArrangement::Disabled);
        return Some(table.to_string());
    };
    table.set_content_arrangement(ContentArrangement::Dynamic);
    for (i, w) in widths.iter().enumerate() {
        if let Some(column) = table.column_mut(i) {
            let w = u16::try_from(w + 2).unwrap_or(u16::MAX);
            column.set_constraint(ColumnConstraint::Absolute(Width::Fixed(w)));
        }
    }
    let text = table.to_string();
    let width = options.width.map_or(usize::MAX, usize::from);
    (wrap::widest(&text) <= width).then_some(text)
}

/// A cell's text within `width` columns, line by line (a line that fits is kept as it is).
fn fit_cell(text: &str, width: usize) -> String {
    text.lines()
        .flat_map(
            |line| if wrap::width(line) <= width { vec![line.to_owned()] } else { wrap::wrap(line, width, "", "") },
        )
        .collect::<Vec<_>>()
        .join("\n")
}

/// Column widths (content, without padding or borders) for a table of these content widths
/// within `width` columns: every column its content but `main` and `side`, which share what
/// is left, `side` a third of it (at least its minimum) and `main` the rest. `None` when
/// `main` would be narrower than its minimum (or its content, if less).
pub(super) fn share_width(
    content: &[usize],
    width: usize,
    (main, main_min): (usize, usize),
    side: Option<(usize, usize)>,
) -> Option<Vec<usize>> {
    // Each column has a space either side and a border after it, and the first one before.
    let available = width.checked_sub(3 * content.len() + 1)?;
    let fixed: usize = content
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != main && side.is_none_or(|(s, _)| s != i))
        .map(|(_, w)| w)
        .sum();
    let flexible = available.checked_sub(fixed)?;
    let main_content = *content.get(main)?;
    let side_width = match side {
        Some((i, side_min)) => {
            let side_content = *content.get(i)?;
            (flexible / 3).clamp(side_min.min(side_content), side_content)
        }
        None => 0,
    };
    let main_width = flexible.checked_sub(side_width)?.min(main_content);
    if main_width < main_min.min(main_content) {
        return None;
    }
    let mut widths = content.to_vec();
    widths[main] = main_width;
    if let Some((i, _)) = side {
        // What the main column did not need goes to the side.
        widths[i] = (flexible - main_width).min(content[i]);
    }
    Some(widths)
}

/// One finding as a block: its resource and where, its facts, its reason, its state.
fn block(out: &mut String, report: &Report, f: &ReportFinding, age: &str, style: Style, width: usize) {
    let r = &f.finding.resource;
    let mut resource = format!("{} {}", printable(&r.kind), printable(&r.id));
    if let Some(name) = r.tags.get("Name") {
        resource.push_str(&format!(" ({})", printable(name)));
    }
    let place: Vec<String> =
        [r.region.as_deref(), r.account.as_deref()].into_iter().flatten().map(|p| printable(p).into_owned()).collect();
    let mut head = vec![resource];
    head.push(place.join(" "));
    for line in wrap::wrap_items(&head, width, "", "    ") {
        out.push_str(&style.bold(&line));
        out.push('\n');
    }
    let severity = f.finding.severity.as_str();
    let is_new = f.status.as_deref() == Some("new");
    let mut facts = vec![severity.to_owned()];
    if is_new {
        facts.push("new".to_owned());
    }
    if let Some(remains) = &f.finding.remains {
        facts.push(format!("remains: {remains}"));
    }
    if let Some(env) = &f.finding.environment {
        facts.push(format!("env {}", printable(env)));
    }
    let cost = cost_text(report, f);
    if cost.starts_with(|c: char| !c.is_alphabetic()) {
        facts.push(format!("{cost}/month"));
    } else {
        facts.push(cost);
    }
    facts.push(age.to_owned());
    let mut facts = wrap::wrap_items(&facts, width, "  ", "    ");
    // The severity (and `new`) lead the first line: coloured there.
    if let Some(first) = facts.first_mut()
        && let Some(rest) = first.strip_prefix("  ").and_then(|l| l.strip_prefix(severity))
    {
        let rest = match rest.strip_prefix(" · new").filter(|_| is_new) {
            Some(after) => format!(" · {}{after}", style.red("new")),
            None => rest.to_owned(),
        };
        *first = format!("  {}{rest}", paint_severity(f.finding.severity, style));
    }
    for line in facts {
        out.push_str(&line);
        out.push('\n');
    }
    for line in wrap::wrap(&printable(&f.finding.reason), width, "  ", "  ") {
        out.push_str(&line);
        out.push('\n');
    }
    if let Some(state) = &f.finding.state {
        let text = format!("state: {} in {}", printable(&state.address), printable(&state.source));
        for line in wrap::wrap(&text, width, "  ", "    ") {
            out.push_str(&line);
            out.push('\n');
        }
    }
}

/// The finding's monthly cost as the report shows it: an amount, `no price`, or nothing.
fn cost_text(report: &Report, f: &ReportFinding) -> String {
    match (f.cost.as_ref().map(|c| c.monthly), &report.cost) {
        (Some(Some(amount)), Some(summary)) => summary.amount(amount),
        (Some(Some(amount)), None) => format!("{amount:.2}"),
        (Some(None), _) => "no price".to_owned(),
        (None, _) => String::new(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checks::{Finding, FindingKind, Outcome};
    use crate::model::finding::ResourceRef;
    use crate::report::Scope;

    fn finding(kind: FindingKind, id: &str, name: &str, reason: &str) -> Finding {
        let mut tags = crate::model::Tags::new();
        tags.insert("Name".into(), name.into());
        Finding {
            kind,
            severity: Severity::Error,
            resource: ResourceRef {
                kind: "ec2:security-group".into(),
                id: id.into(),
                arn: None,
                region: Some("ap-northeast-1".into()),
                account: Some("123456789012".into()),
                tags,
                created: None,
                who: None,
            },
            reason: reason.into(),
            state: None,
            subject: None,
            related: vec![],
            drift: None,
            environment: Some("開発".into()),
            order: vec![],
            remains: None,
        }
    }

    fn report(findings: Vec<Finding>) -> Report {
        let scope =
            Scope { accounts: vec!["123456789012".into()], regions: vec!["ap-northeast-1".into()], ..Scope::default() };
        Report::new("2026-11-26T02:00:00Z".into(), scope, vec![], Outcome { findings, ..Outcome::default() })
    }

    /// A name in Japanese, a 2,000-character reason of words, and one of 2,000 characters
    /// without a space (some wide).
    fn hard_report() -> (Report, String, String) {
        let words = "名前 ネットワーク環境の-セキュリティグループ a-rather-long-word ".repeat(60);
        let words: String = words.chars().take(2000).collect();
        let unbroken: String = "ネットワークsg-0123456789".chars().cycle().take(2000).collect();
        let report = report(vec![
            finding(FindingKind::Unmanaged, "sg-0a1b2c3d4e5f60718", "チーム/ネットワーク環境 共有", &words),
            finding(FindingKind::Unmanaged, "sg-ネットワーク", "ü̈ñíçødé", &unbroken),
        ]);
        (report, words, unbroken)
    }

    fn render_at(report: &Report, width: u16) -> String {
        render(report, TableOptions { width: Some(width), style: Style::default() })
    }

    fn assert_within(text: &str, width: u16) {
        for line in text.lines() {
            assert!(wrap::width(line) <= usize::from(width), "{} > {width}: {line}", wrap::width(line));
        }
    }

    #[test]
    fn issue_32_non_ascii_names_and_a_long_reason_fit_every_width() {
        let (report, words, unbroken) = hard_report();
        for width in [20, 37, 70, 80, 100, 120, 160, 200, 400] {
            let text = render_at(&report, width);
            assert_within(&text, width);
            assert!(text.starts_with("2 unmanaged · scanned") || width < 60, "{width}: summary first:\n{text}");
        }
        // Blocks at 80: every character of the reasons and the name is there, in order.
        let text = render_at(&report, 80);
        assert!(!text.contains('╭'), "blocks, not a table:\n{text}");
        let squeezed: String = text.split_whitespace().collect();
        for whole in [&words, &unbroken, &"チーム/ネットワーク環境 共有".to_owned()] {
            let whole: String = whole.split_whitespace().collect();
            assert!(squeezed.contains(&whole), "{whole} cut:\n{text}");
        }
        assert!(
            text.contains(
                "\nec2:security-group sg-0a1b2c3d4e5f60718 (チーム/ネットワーク環境 共有)\n    ap-northeast-1 123456789012\n"
            ),
            "{text}"
        );
    }

    #[test]
    fn issue_32_a_table_when_the_reason_column_is_readable_else_blocks() {
        let short =
            "no state declares it; tagged Environment=qa, Name=qa-load-test; its environment qa appears deleted";
        let report = report(vec![finding(FindingKind::Unmanaged, "sg-0a1b2c3d4e5f60718", "web", short)]);
        let wide = render_at(&report, 160);
        assert!(wide.contains("╭") && wide.contains("│ RESOURCE"), "a table at 160:\n{wide}");
        assert_within(&wide, 160);
        let narrow = render_at(&report, 80);
        assert!(!narrow.contains('╭'), "blocks at 80:\n{narrow}");
        assert_within(&narrow, 80);
        assert!(narrow.contains("\n  error · env 開発\n"), "{narrow}");
        // Unbounded: one line per cell line, as before.
        let unbounded = render(&report, TableOptions::default());
        assert!(unbounded.lines().any(|l| l.contains(short)), "{unbounded}");
    }

    #[test]
    fn issue_32_the_reason_gets_what_the_other_columns_leave() {
        // Six columns: 6 × 3 + 1 = 19 columns of borders and padding.
        let content = [26, 12, 8, 300, 51, 1];
        let widths = share_width(&content, 200, (3, 40), Some((4, 24))).expect("fits");
        assert_eq!(widths, [26, 12, 8, 90, 44, 1]);
        assert_eq!(widths.iter().sum::<usize>() + 3 * 6 + 1, 200);
        let widths = share_width(&content, 160, (3, 40), Some((4, 24))).expect("fits");
        assert_eq!(widths, [26, 12, 8, 63, 31, 1]);
        assert_eq!(share_width(&content, 120, (3, 40), Some((4, 24))), None, "a reason of 16 columns");
        // A short reason takes only what it needs; the state gets the rest.
        assert_eq!(share_width(&[26, 12, 30, 51], 160, (2, 40), Some((3, 24))), Some(vec![26, 12, 30, 51]));
        assert_eq!(share_width(&[26, 12, 30], 20, (2, 40), None), None);
    }

    #[test]
    fn issue_32_the_summary_comes_first_and_last() {
        let report = report(vec![finding(FindingKind::Unmanaged, "sg-1", "web", "no state declares it")]);
        let text = render_at(&report, 80);
        let summary = "1 unmanaged · scanned 1 account, 1 region, 0 states · coverage complete";
        assert!(text.starts_with(&format!("{summary}\n\n")), "{text}");
        assert!(text.ends_with(&format!("{summary}\n")), "{text}");
    }

    #[test]
    fn issue_32_colour_survives_wrapping() {
        let (report, ..) = hard_report();
        let text = render(&report, TableOptions { width: Some(60), style: Style { color: true } });
        assert_within(&text, 60);
        assert!(text.contains("\u{1b}[1;31merror\u{1b}[0m"), "{text}");
        assert!(text.contains("\u{1b}[32mcoverage complete\u{1b}[0m"), "{text}");
    }
}
