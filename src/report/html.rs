//! html: the report as one self-contained page: inline CSS, inline SVG charts and a little
//! vanilla JavaScript, no request to anywhere (a Content-Security-Policy forbids it). A
//! coverage banner comes first; then counts, charts of findings by kind and by environment,
//! and a table that sorts (by age, too) and filters by kind, environment, region, status
//! and text.
//! The page is built with `maud`, which escapes every value spliced into it: tags are free
//! text and may hold markup, and nothing from AWS or a state can reach the page unescaped.
//! The only raw text is the page's own stylesheet and script, both constants. Pure.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use maud::{Markup, PreEscaped, html};

use super::report::{Report, ReportFinding};
use super::{age, plural};
use crate::checks::FindingKind;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Leaves out control characters (other than line breaks and tabs) from the page: a tag
/// may hold them, and HTML has no escape for most of them.
fn without_controls(page: &mut String) {
    page.retain(|c| !c.is_control() || matches!(c, '\n' | '\t'));
}

/// The colour of a kind, in charts and badges.
fn kind_color(kind: FindingKind) -> &'static str {
    match kind {
        FindingKind::Unmanaged => "#d97706",
        FindingKind::Missing => "#dc2626",
        FindingKind::DeletedEnv => "#7c3aed",
        FindingKind::BlockingDependency => "#ea580c",
        FindingKind::CrossState => "#0891b2",
        FindingKind::BrokenReference => "#be123c",
        FindingKind::Drift => "#2563eb",
        FindingKind::Unreachable => "#475569",
        FindingKind::EnvMismatch => "#b91c1c",
    }
}

/// The filter value of a finding without an environment.
const NO_ENV: &str = "(none)";

/// One bar of a chart.
struct Bar {
    label: String,
    count: usize,
    color: &'static str,
    /// The filter a click sets: `kind` or `env`, and the value.
    filter: (&'static str, String),
    /// Shown after the count (an environment's cost).
    note: Option<String>,
}

/// A horizontal bar chart as inline SVG. SVG elements are written with an explicit end
/// tag (`{}`): in HTML, a foreign element without one would hold the elements after it.
fn bar_chart(title: &str, id: &str, bars: &[Bar]) -> Markup {
    const WIDTH: usize = 520;
    const LABEL: usize = 170;
    const ROW: usize = 30;
    const BAR_SPACE: usize = 210;
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = bars.len().max(1) * ROW + 8;
    html! {
        figure.chart {
            figcaption { (title) }
            svg id=(id) viewBox=(format!("0 0 {WIDTH} {height}")) width="100%" role="img" aria-label=(title) {
                @if bars.is_empty() {
                    text x="0" y="20" class="muted" { "nothing to show" }
                }
                @for (i, bar) in bars.iter().enumerate() {
                    @let y = i * ROW + 4;
                    @let width = (bar.count * BAR_SPACE).div_ceil(max).max(3);
                    @let label = if bar.label.chars().count() > 22 {
                        bar.label.chars().take(21).collect::<String>() + "…"
                    } else {
                        bar.label.clone()
                    };
                    @let value = match &bar.note {
                        Some(note) => format!("{} · {note}", bar.count),
                        None => bar.count.to_string(),
                    };
                    g.bar data-filter=(bar.filter.0) data-value=(bar.filter.1) data-count=(bar.count)
                        tabindex="0" role="button" {
                        title { (bar.label) ": " (value) }
                        rect.hit x="0" y=(y) width=(WIDTH) height=(ROW) {}
                        text x=(LABEL - 10) y=(y + 19) text-anchor="end" class="label" { (label) }
                        rect x=(LABEL) y=(y + 6) width=(width) height="18" rx="4" fill=(bar.color) {}
                        text x=(LABEL + width + 8) y=(y + 19) class="value" { (value) }
                    }
                }
            }
        }
    }
}

fn banner(report: &Report) -> Markup {
    if report.coverage.complete {
        return html! {
            header id="coverage" class="banner complete" {
                strong { "Coverage complete." }
                " Every listing and every state could be read: " (report.scope_line()) "."
                @if let Some(kinds) = report.coverage.kinds_listed { " " (kinds) " kinds listed." }
                @if let Some(line) = report.coverage.not_listed_line() { " " span #not-listed { (line) "." } }
                @if let Some(line) = report.coverage.who_line() { " " span #who { (line) "." } }
            }
        };
    }
    let gaps = &report.coverage.gaps;
    html! {
        header id="coverage" class="banner incomplete" role="alert" {
            strong { "Incomplete scan: " (plural(gaps.len(), "coverage gap", "coverage gaps")) "." }
            " Findings may be missing; nothing is concluded from what could not be read."
            @if let Some(&n) = report.summary.get("withheld") {
                " "
                span #withheld { (plural(n, "finding", "findings")) " withheld until the gaps are closed." }
            }
            ul { @for gap in gaps { li { (gap.describe()) } } }
        }
    }
}

fn card(id: &str, value: &str, label: &str, class: &str) -> Markup {
    html! {
        div class=(format!("card {class}").trim_end()) {
            div.n id=(id) { (value) }
            div.l { (label) }
        }
    }
}

fn cards(report: &Report) -> Markup {
    let cost = report.cost.as_ref().filter(|c| !c.is_empty());
    let gaps = report.coverage.gaps.len();
    html! {
        section.cards {
            (card("count-findings", &report.findings.len().to_string(), "findings", ""))
            @if let Some((new, _, resolved)) = report.baseline_counts() {
                (card("count-new", &new.to_string(), "new since the baseline", if new > 0 { "alert" } else { "" }))
                (card("count-resolved", &resolved.to_string(), "resolved", "good"))
            }
            @if let Some(cost) = cost {
                @let label = if cost.unpriced > 0 {
                    format!("estimated per month · {} without a price", cost.unpriced)
                } else {
                    "estimated per month".to_owned()
                };
                (card("cost-total", &cost.amount(cost.monthly), &label, "cost"))
            }
            @if gaps > 0 {
                (card("count-gaps", &gaps.to_string(), "coverage gaps", "alert"))
            }
        }
    }
}

fn charts(report: &Report) -> Markup {
    let kinds: Vec<Bar> = report
        .kinds_present()
        .into_iter()
        .map(|kind| Bar {
            label: kind.as_str().to_owned(),
            count: report.of_kind(kind).count(),
            color: kind_color(kind),
            filter: ("kind", kind.as_str().to_owned()),
            note: None,
        })
        .collect();
    let cost = report.cost.as_ref().filter(|c| !c.is_empty());
    let envs: Vec<Bar> = report
        .environment_counts()
        .into_iter()
        .map(|(env, count)| Bar {
            label: env.unwrap_or(NO_ENV).to_owned(),
            count,
            color: "#64748b",
            filter: ("env", env.unwrap_or(NO_ENV).to_owned()),
            note: cost.and_then(|c| {
                let e = c.environments.iter().find(|e| e.environment.as_deref() == env)?;
                Some(format!("{}/mo", c.amount(e.monthly)))
            }),
        })
        .collect();
    html! {
        section.charts {
            (bar_chart("Findings by kind", "chart-kind", &kinds))
            (bar_chart("Findings by environment", "chart-env", &envs))
        }
    }
}

fn select(id: &str, label: &str, values: &BTreeSet<String>) -> Markup {
    html! {
        label {
            (label) " "
            select id=(id) {
                option value="" { "all" }
                @for v in values { option value=(v) { (v) } }
            }
        }
    }
}

fn filters(report: &Report) -> Markup {
    let kinds: BTreeSet<String> = report.kinds_present().iter().map(|k| k.as_str().to_owned()).collect();
    let envs: BTreeSet<String> =
        report.findings.iter().map(|f| f.finding.environment.clone().unwrap_or_else(|| NO_ENV.to_owned())).collect();
    let regions: BTreeSet<String> =
        report.findings.iter().map(|f| f.finding.resource.region.clone().unwrap_or_default()).collect();
    let statuses: BTreeSet<String> = ["new", "unchanged"].into_iter().map(str::to_owned).collect();
    html! {
        div.filters {
            (select("f-kind", "Kind", &kinds))
            (select("f-env", "Environment", &envs))
            (select("f-region", "Region", &regions))
            @if report.resolved.is_some() {
                (select("f-status", "Status", &statuses))
            }
            label.grow {
                "Search "
                input #f-text type="search" placeholder="id, name, reason, address…" autocomplete="off";
            }
            button #f-clear type="button" { "Clear" }
            span #shown aria-live="polite" {
                (report.findings.len()) " of " (plural(report.findings.len(), "finding", "findings"))
            }
        }
    }
}

fn resource_cell(f: &ReportFinding) -> Markup {
    let r = &f.finding.resource;
    html! {
        div.id { (r.id) }
        div.sub {
            (crate::model::kinds::label(&r.kind))
            @if let Some(name) = r.tags.get("Name").filter(|n| !n.is_empty()) {
                " · " span.name { (name) }
            }
        }
    }
}

fn cost_cell(report: &Report, f: &ReportFinding) -> Markup {
    let (Some(c), Some(summary)) = (&f.cost, &report.cost) else {
        return html! { td.num data-v="-2" {} };
    };
    if let Some(m) = c.monthly {
        html! { td.num data-v=(m) { span title=(c.basis) { (summary.amount(m)) } } }
    } else {
        html! { td.num data-v="-1" { span.muted title=(c.basis) { "no price" } } }
    }
}

fn row(report: &Report, f: &ReportFinding, index: usize, columns: Columns) -> Markup {
    let kind = f.finding.kind;
    let env = f.finding.environment.as_deref().unwrap_or(NO_ENV);
    let region = f.finding.resource.region.as_deref().unwrap_or_default();
    let status = f.status.as_deref().unwrap_or_default();
    // Sorts as text: kinds in report order, then severity, highest first.
    let kind_order =
        FindingKind::ALL.iter().position(|k| *k == kind).unwrap_or_default() * 10 + 2 - f.finding.severity as usize;
    html! {
        tr class=[(status == "new").then_some("is-new")] data-i=(index) data-kind=(kind.as_str()) data-env=(env) data-region=(region)
            data-status=(status) {
            td data-v=(format!("{kind_order:02}")) {
                span.kind style=(format!("--c:{}", kind_color(kind))) { (kind.as_str()) }
                div class=(format!("sev {}", f.finding.severity.as_str())) { (f.finding.severity.as_str()) }
            }
            td data-v=(f.finding.resource.id) { (resource_cell(f)) }
            td.nowrap { (region) }
            td { (env) }
            td.reason { (f.finding.reason) }
            @if columns.state {
                td.state {
                    @if let Some(s) = &f.finding.state {
                        div.addr { (s.address) }
                        div.sub { (s.source) }
                    }
                }
            }
            (age_cell(report, f))
            @if columns.cost {
                (cost_cell(report, f))
            }
            @if columns.status {
                // Unchanged findings are left blank so that the new stand out.
                td { @if status == "new" { span.badge.new { "new" } } }
            }
        }
    }
}

/// The age: how long the finding has been seen and when AWS made its resource; sorts by
/// `age::age_seconds` (unknown first).
fn age_cell(report: &Report, f: &ReportFinding) -> Markup {
    let secs = age::age_seconds(f, &report.generated_at).unwrap_or(-1);
    let parts: Vec<String> =
        [age::seen_text(f, &report.generated_at), age::created_text(f)].into_iter().flatten().collect();
    html! {
        td.age.nowrap data-v=(secs) {
            @if parts.is_empty() && f.first_seen.is_some() {
                span.muted { "less than an hour" }
            }
            @for part in &parts { div { (part) } }
        }
    }
}

/// The optional columns of the findings table: shown when some finding fills them.
#[derive(Clone, Copy)]
struct Columns {
    state: bool,
    cost: bool,
    status: bool,
}

impl Columns {
    fn of(report: &Report) -> Self {
        Self {
            state: report.findings.iter().any(|f| f.finding.state.is_some()),
            cost: report.findings.iter().any(|f| f.cost.is_some()),
            status: report.findings.iter().any(|f| f.status.is_some()),
        }
    }

    /// The headers, each with whether it sorts as a number.
    fn headers(self) -> Vec<(&'static str, bool)> {
        let mut headers =
            vec![("Kind", false), ("Resource", false), ("Region", false), ("Env", false), ("Reason", false)];
        if self.state {
            headers.push(("State", false));
        }
        headers.push(("Age", true));
        if self.cost {
            headers.push(("Cost/month", true));
        }
        if self.status {
            headers.push(("New", false));
        }
        headers
    }
}

fn table(report: &Report) -> Markup {
    let columns = Columns::of(report);
    html! {
        section.findings {
            h2 { "Findings" }
            (filters(report))
            div.scroll {
                table #findings {
                    thead {
                        tr {
                            @for (i, (header, numeric)) in columns.headers().into_iter().enumerate() {
                                th data-col=(i) data-num=[numeric.then_some("1")] class=[(header == "Cost/month").then_some("num")] {
                                    (header)
                                }
                            }
                        }
                    }
                    tbody {
                        @for (i, f) in report.findings.iter().enumerate() {
                            (row(report, f, i, columns))
                        }
                    }
                }
            }
            p #empty .muted hidden[!report.findings.is_empty()] { "No finding matches these filters." }
        }
    }
}

fn resolved(report: &Report) -> Markup {
    let Some(resolved) = report.resolved.as_ref() else { return html! {} };
    html! {
        section.resolved {
            h2 { "Resolved since the baseline " span.muted { "(" (resolved.len()) ")" } }
            @if resolved.is_empty() {
                p.muted { "Nothing resolved since the baseline." }
            } @else {
                ul #resolved {
                    @for f in resolved {
                        li {
                            span.kind style=(format!("--c:{}", kind_color(f.finding.kind))) { (f.finding.kind.as_str()) }
                            " " strong { (f.finding.resource.id) }
                            " " span.muted { (crate::model::kinds::label(&f.finding.resource.kind)) }
                            " — " (f.finding.reason)
                        }
                    }
                }
            }
        }
    }
}

fn blocked(report: &Report) -> Markup {
    if report.blocked.is_empty() {
        return html! {};
    }
    html! {
        section.resolved #blocked {
            h2 { (super::sections::blocked_heading(report)) }
            ul { @for line in super::sections::blocked_lines(report) { li { (line) } } }
        }
    }
}

fn footer(report: &Report) -> Markup {
    let mut parts = vec![format!("{} · {}", report.schema, report.generated_at)];
    if let Some(info) = &report.baseline {
        parts.push(format!("baseline of {}", info.generated_at));
    }
    if let Some(n) = report.summary.get("ignored") {
        parts.push(format!("{n} ignored by policy"));
    }
    if let Some(note) = report.links_note() {
        parts.push(note);
    }
    if let Some(cost) = &report.cost {
        parts.push(format!(
            "costs are estimated from the {} in {}, not a bill",
            cost.prices_line(),
            cost.prices.source
        ));
    }
    html! { footer { (parts.join(" · ")) } }
}

/// A nonce for the page's one script, derived from the page: markup that made its way into
/// the page cannot know it, so the Content-Security-Policy runs only that script.
fn nonce(body: &str) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    body.hash(&mut hasher);
    SCRIPT.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

fn body(report: &Report) -> Markup {
    let lines: Vec<String> =
        super::sections::destroy_lines(report).into_iter().chain(super::sections::environment_lines(report)).collect();
    html! {
        (banner(report))
        @if !lines.is_empty() {
            section #view .banner { @for line in &lines { div { (line.trim()) } } }
        }
        main {
            h1 { "leftover " span.muted { "scan" } }
            p.scope { (report.scope_line()) " · " (report.generated_at) }
            @if let Some(line) = report.baseline_line() {
                p.scope { (line) }
            }
            @if let Some(line) = age::younger_line(report) {
                p #younger .scope { (line) }
            }
            (cards(report))
            (charts(report))
            (table(report))
            (blocked(report))
            (resolved(report))
            (footer(report))
        }
    }
}

/// Renders the HTML report.
pub fn render(report: &Report) -> String {
    let body = body(report);
    let nonce = nonce(&body.0);
    let csp = format!("default-src 'none'; style-src 'unsafe-inline'; img-src data:; script-src 'nonce-{nonce}'");
    // The stylesheet and the script are this crate's own constants, the only raw text.
    let page = html! {
        (PreEscaped("<!doctype html>\n"))
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta http-equiv="Content-Security-Policy" content=(csp);
                link rel="icon" href="data:,";
                title { "leftover scan · " (report.generated_at) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                (body)
                script nonce=(nonce) { (PreEscaped(SCRIPT)) }
            }
        }
    };
    let mut page = page.into_string();
    without_controls(&mut page);
    page.push('\n');
    page
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spliced_text_is_escaped_and_controls_are_left_out() {
        let cell = html! { td title=("a\"b&c") { ("<script>alert('x')</script>") } };
        assert_eq!(cell.0, "<td title=\"a&quot;b&amp;c\">&lt;script&gt;alert('x')&lt;/script&gt;</td>");
        let mut page = "a\u{7}b\u{0}c\nd\te".to_owned();
        without_controls(&mut page);
        assert_eq!(page, "ab c\nd\te".replace(' ', ""));
    }

    #[test]
    fn svg_elements_are_closed_so_they_hold_nothing_after_them() {
        let bars =
            [Bar { label: "<b>".to_owned(), count: 2, color: "#000", filter: ("kind", "x\"y".to_owned()), note: None }];
        let svg = bar_chart("T", "c", &bars).0;
        assert_eq!(svg.matches("<rect").count(), svg.matches("</rect>").count());
        assert!(svg.contains("data-value=\"x&quot;y\"") && svg.contains("&lt;b&gt;"), "{svg}");
    }
}
