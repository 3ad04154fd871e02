//! markdown: the report for a chat message, a pull request comment or an email. An
//! incomplete scan says so before anything else; then scope, counts per kind and per
//! environment, the cost of leftovers, and one section per kind (with each finding's age,
//! where known). Long sections show their first rows and fold the rest into `<details>`.
//! Every value from AWS or a state is escaped: tags are free text. Pure.

use super::report::{Report, ReportFinding};
use super::{age, plural};
use crate::checks::FindingKind;

/// Rows shown before a section folds the rest away.
const VISIBLE_ROWS: usize = 10;

/// Escapes text for a table cell: markdown punctuation, HTML, pipes and line breaks.
fn text(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("<br>"),
            '\r' => {}
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// An id or address as code, when it can be one; escaped text otherwise.
fn code(value: &str) -> String {
    if value.is_empty() || value.contains('`') || value.chars().any(char::is_control) {
        text(value)
    } else {
        format!("`{}`", value.replace('|', "\\|"))
    }
}

/// `1 account (123456789012)`, listing up to three names.
fn named(names: &[String], one: &str, many: &str) -> String {
    let mut out = plural(names.len(), one, many);
    if !names.is_empty() && names.len() <= 3 {
        let names: Vec<String> = names.iter().map(|n| code(n)).collect();
        out.push_str(&format!(" ({})", names.join(", ")));
    }
    out
}

fn resource_cell(f: &ReportFinding) -> String {
    let r = &f.finding.resource;
    let mut cell = format!("{} {}", code(&r.id), text(crate::model::kinds::label(&r.kind)));
    if let Some(name) = r.tags.get("Name").filter(|n| !n.is_empty()) {
        cell.push_str(&format!(" “{}”", text(name)));
    }
    cell
}

fn state_cell(f: &ReportFinding) -> String {
    f.finding.state.as_ref().map_or_else(String::new, |s| format!("{}<br>{}", code(&s.address), code(&s.source)))
}

fn cost_cell(report: &Report, f: &ReportFinding) -> String {
    let Some(cost) = &f.cost else { return String::new() };
    match (cost.monthly, &report.cost) {
        (Some(amount), Some(summary)) => summary.amount(amount),
        (Some(amount), None) => format!("{amount:.2}"),
        (None, _) => "no price".to_owned(),
    }
}

/// `new` against a baseline; unchanged findings are left blank so that the new stand out.
fn status_cell(f: &ReportFinding) -> String {
    if f.status.as_deref() == Some("new") { "**new**".to_owned() } else { String::new() }
}

/// One table of findings, with only the columns something fills.
fn findings_table(report: &Report, findings: &[&ReportFinding], out: &mut String) {
    let with_state = findings.iter().any(|f| f.finding.state.is_some());
    let with_cost = findings.iter().any(|f| f.cost.is_some());
    let with_status = findings.iter().any(|f| f.status.is_some());
    let ages: Vec<String> = findings.iter().map(|f| age::age_line(f, &report.generated_at)).collect();
    let with_age = ages.iter().any(|a| !a.is_empty());
    let mut header = vec!["resource", "region", "env", "reason"];
    let mut rule = vec!["---", "---", "---", "---"];
    if with_state {
        header.push("state");
        rule.push("---");
    }
    if with_age {
        header.push("age");
        rule.push("---");
    }
    if with_cost {
        header.push("est. cost/month");
        rule.push("--:");
    }
    if with_status {
        header.push("new");
        rule.push("---");
    }
    out.push_str(&format!("| {} |\n|{}|\n", header.join(" | "), rule.join("|")));
    for (f, age) in findings.iter().zip(ages) {
        let mut row = vec![
            resource_cell(f),
            f.finding.resource.region.as_deref().map(text).unwrap_or_default(),
            f.finding.environment.as_deref().map_or_else(|| "–".to_owned(), text),
            text(&f.finding.reason),
        ];
        if with_state {
            row.push(state_cell(f));
        }
        if with_age {
            row.push(text(&age));
        }
        if with_cost {
            row.push(cost_cell(report, f));
        }
        if with_status {
            row.push(status_cell(f));
        }
        out.push_str(&format!("| {} |\n", row.join(" | ")));
    }
}

/// A table that shows its first rows and folds the rest.
fn folded_table(report: &Report, findings: &[&ReportFinding], out: &mut String) {
    if findings.len() <= VISIBLE_ROWS + 2 {
        findings_table(report, findings, out);
        return;
    }
    let (first, rest) = findings.split_at(VISIBLE_ROWS);
    findings_table(report, first, out);
    out.push_str(&format!("\n<details><summary>{} more</summary>\n\n", rest.len()));
    findings_table(report, rest, out);
    out.push_str("\n</details>\n");
}

fn coverage(report: &Report, out: &mut String) {
    if report.coverage.complete {
        return;
    }
    let gaps = &report.coverage.gaps;
    out.push_str(&format!(
        "> **⚠ INCOMPLETE SCAN: {}.** Findings may be missing below; nothing is concluded from what could not be read.\n>\n",
        plural(gaps.len(), "coverage gap", "coverage gaps")
    ));
    for gap in gaps {
        out.push_str(&format!("> - {}\n", text(&gap.describe())));
    }
    out.push('\n');
}

fn summary(report: &Report, out: &mut String) {
    let total = report.findings.len();
    out.push_str(&format!("**{}**", plural(total, "finding", "findings")));
    if total > 0 {
        out.push_str(&format!(": {}", report.counts_line()));
    }
    if let Some(line) = report.baseline_line() {
        out.push_str(&format!(" · {}", text(&line)));
    }
    if let Some(line) = age::younger_line(report) {
        out.push_str(&format!(" · {}", text(&line)));
    }
    out.push_str("  \n");
    let coverage = if report.coverage.complete { "coverage complete" } else { "coverage **incomplete**" };
    out.push_str(&format!(
        "Scanned {}, {}, {} · {coverage}",
        named(&report.scope.accounts, "account", "accounts"),
        named(&report.scope.regions, "region", "regions"),
        plural(report.scope.states.len(), "state", "states"),
    ));
    if let Some(n) = report.summary.get("ignored") {
        out.push_str(&format!(" · {n} ignored by policy"));
    }
    if let Some(line) = report.coverage.not_listed_line() {
        out.push_str(&format!(" · {}", text(&line)));
    }
    if let Some(line) = report.coverage.who_line() {
        out.push_str(&format!(" · {}", text(&line)));
    }
    if let Some(n) = report.summary.get("withheld") {
        out.push_str(&format!(" · **{n} withheld for the gaps**"));
    }
    if let Some(note) = report.links_note() {
        out.push_str(&format!(" · {}", text(&note)));
    }
    out.push_str(&format!(" · {}\n\n", text(&report.generated_at)));
    if let Some(cost) = report.cost.as_ref().filter(|c| !c.is_empty()) {
        out.push_str(&format!("**Estimated cost of leftovers: {}/month**", cost.amount(cost.monthly)));
        if cost.unpriced > 0 {
            out.push_str(&format!(" + {} without a price", plural(cost.unpriced, "resource", "resources")));
        }
        let mut priced: Vec<&ReportFinding> = report
            .findings
            .iter()
            .filter(|f| f.cost.as_ref().is_some_and(|c| c.monthly.unwrap_or(0.0) > 0.0))
            .collect();
        priced.sort_by(|a, b| monthly(b).total_cmp(&monthly(a)));
        if !priced.is_empty() {
            let top: Vec<String> = priced
                .iter()
                .take(3)
                .map(|f| {
                    let r = &f.finding.resource;
                    let name = r.tags.get("Name").filter(|n| !n.is_empty()).map_or_else(|| code(&r.id), |n| text(n));
                    let label = text(crate::model::kinds::label(&r.kind));
                    format!("{name} ({label}) {}", cost.amount(monthly(f)))
                })
                .collect();
            out.push_str(&format!(" · largest: {}", top.join(", ")));
        }
        out.push_str(&format!("  \n<sub>Estimated from the {}. Not a bill.</sub>\n\n", text(&cost.prices_line())));
    }
}

fn monthly(f: &ReportFinding) -> f64 {
    f.cost.as_ref().and_then(|c| c.monthly).unwrap_or(0.0)
}

fn count_tables(report: &Report, out: &mut String) {
    let kinds = report.kinds_present();
    if kinds.is_empty() {
        return;
    }
    let with_new = report.resolved.is_some();
    out.push_str(if with_new {
        "| kind | findings | new |\n|---|--:|--:|\n"
    } else {
        "| kind | findings |\n|---|--:|\n"
    });
    for kind in kinds {
        let n = report.of_kind(kind).count();
        if with_new {
            let new = report.of_kind(kind).filter(|f| f.status.as_deref() == Some("new")).count();
            out.push_str(&format!("| [{kind}](#{kind}) | {n} | {new} |\n"));
        } else {
            out.push_str(&format!("| [{kind}](#{kind}) | {n} |\n"));
        }
    }
    out.push('\n');
    let cost = report.cost.as_ref().filter(|c| !c.is_empty());
    out.push_str(if cost.is_some() {
        "| environment | findings | est. cost/month |\n|---|--:|--:|\n"
    } else {
        "| environment | findings |\n|---|--:|\n"
    });
    for (env, n) in report.environment_counts() {
        let name = env.map_or_else(|| "(none)".to_owned(), text);
        match cost {
            Some(cost) => {
                let amount = cost.environments.iter().find(|e| e.environment.as_deref() == env).map_or_else(
                    || "–".to_owned(),
                    |e| {
                        let mut a = cost.amount(e.monthly);
                        if e.unpriced > 0 {
                            a.push_str(&format!(" + {} unpriced", e.unpriced));
                        }
                        a
                    },
                );
                out.push_str(&format!("| {name} | {n} | {amount} |\n"));
            }
            None => out.push_str(&format!("| {name} | {n} |\n")),
        }
    }
    out.push('\n');
}

/// Renders the markdown report.
pub fn render(report: &Report) -> String {
    let mut out = String::new();
    coverage(report, &mut out);
    out.push_str("## leftover scan\n\n");
    let lines: Vec<String> =
        super::sections::destroy_lines(report).into_iter().chain(super::sections::environment_lines(report)).collect();
    for line in &lines {
        out.push_str(&format!("**{}**  \n", text(line.trim())));
    }
    if !lines.is_empty() {
        out.push('\n');
    }
    summary(report, &mut out);
    count_tables(report, &mut out);
    for kind in FindingKind::ALL {
        let findings: Vec<&ReportFinding> = report.of_kind(kind).collect();
        if findings.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "### {kind}\n\n_{} · {}_\n\n",
            plural(findings.len(), "finding", "findings"),
            kind.meaning()
        ));
        folded_table(report, &findings, &mut out);
        out.push('\n');
    }
    if !report.blocked.is_empty() {
        out.push_str(&format!(
            "### blocked\n\n_{} · managed, and resources outside Terraform are in the way of destroying {}_\n\n",
            plural(report.blocked.len(), "resource", "resources"),
            if report.blocked.len() == 1 { "it" } else { "them" }
        ));
        for line in super::sections::blocked_lines(report) {
            out.push_str(&format!("- {}\n", text(&line)));
        }
        out.push('\n');
    }
    if let Some(resolved) = report.resolved.as_ref().filter(|r| !r.is_empty()) {
        out.push_str(&format!(
            "### resolved\n\n_{} since the baseline_\n\n",
            plural(resolved.len(), "finding", "findings")
        ));
        out.push_str("| kind | resource | region | reason |\n|---|---|---|---|\n");
        let rows: Vec<String> = resolved
            .iter()
            .map(|f| {
                format!(
                    "| {} | {} | {} | {} |\n",
                    f.finding.kind,
                    resource_cell(f),
                    f.finding.resource.region.as_deref().map(text).unwrap_or_default(),
                    text(&f.finding.reason)
                )
            })
            .collect();
        if rows.len() > VISIBLE_ROWS + 2 {
            out.push_str(&rows[..VISIBLE_ROWS].concat());
            out.push_str(&format!("\n<details><summary>{} more</summary>\n\n", rows.len() - VISIBLE_ROWS));
            out.push_str("| kind | resource | region | reason |\n|---|---|---|---|\n");
            out.push_str(&rows[VISIBLE_ROWS..].concat());
            out.push_str("\n</details>\n");
        } else {
            out.push_str(&rows.concat());
        }
        out.push('\n');
    }
    if report.findings.is_empty() && report.coverage.complete {
        out.push_str("Nothing left over. ✓\n\n");
    }
    if let Some(cost) = report.cost.as_ref().filter(|c| !c.is_empty()) {
        out.push_str(&format!("<sub>Prices: {}.</sub>\n", text(&cost.prices.source)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_markdown_html_and_pipes() {
        assert_eq!(text("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
        assert_eq!(text("a|b\nc"), "a\\|b<br>c");
        assert_eq!(text("[x](javascript:alert(1))"), "\\[x\\](javascript:alert(1))");
        assert_eq!(text("**bold** _it_"), "\\*\\*bold\\*\\* \\_it\\_");
        assert_eq!(code("module.a[\"x\"]"), "`module.a[\"x\"]`");
        assert_eq!(code("a`b"), "a\\`b");
        assert_eq!(code("a|b"), "`a\\|b`");
    }
}
