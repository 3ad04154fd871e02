//! html: the report as one self-contained page: inline CSS, inline SVG charts and a little
//! vanilla JavaScript, no request to anywhere (a Content-Security-Policy forbids it). A
//! coverage banner comes first; then counts, charts of findings by kind and by environment,
//! and a table that sorts (by age, too) and filters by kind, environment, region, status
//! and text.
//! Everything from AWS or a state is escaped: tags are free text and may hold markup. Pure.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use super::report::{Report, ReportFinding};
use super::{age, plural};
use crate::checks::FindingKind;

const STYLE: &str = include_str!("html/report.css");
const SCRIPT: &str = include_str!("html/report.js");

/// Escapes text for HTML content and quoted attribute values.
fn esc(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
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

/// A horizontal bar chart as inline SVG.
fn bar_chart(title: &str, id: &str, bars: &[Bar]) -> String {
    const WIDTH: usize = 520;
    const LABEL: usize = 170;
    const ROW: usize = 30;
    const BAR_SPACE: usize = 210;
    let max = bars.iter().map(|b| b.count).max().unwrap_or(0).max(1);
    let height = bars.len().max(1) * ROW + 8;
    let mut svg = format!(
        "<figure class=\"chart\"><figcaption>{}</figcaption>\
         <svg id=\"{id}\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" aria-label=\"{}\">",
        esc(title),
        esc(title)
    );
    if bars.is_empty() {
        svg.push_str("<text x=\"0\" y=\"20\" class=\"muted\">nothing to show</text>");
    }
    for (i, bar) in bars.iter().enumerate() {
        let y = i * ROW + 4;
        let width = (bar.count * BAR_SPACE).div_ceil(max).max(3);
        let mut label = bar.label.clone();
        if label.chars().count() > 22 {
            label = label.chars().take(21).collect::<String>() + "…";
        }
        let value = match &bar.note {
            Some(note) => format!("{} · {note}", bar.count),
            None => bar.count.to_string(),
        };
        svg.push_str(&format!(
            "<g class=\"bar\" data-filter=\"{}\" data-value=\"{}\" data-count=\"{}\" tabindex=\"0\" role=\"button\">\
             <title>{}: {}</title>\
             <rect class=\"hit\" x=\"0\" y=\"{y}\" width=\"{WIDTH}\" height=\"{ROW}\"/>\
             <text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"label\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{}\" width=\"{width}\" height=\"18\" rx=\"4\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\" class=\"value\">{}</text></g>",
            bar.filter.0,
            esc(&bar.filter.1),
            bar.count,
            esc(&bar.label),
            esc(&value),
            LABEL - 10,
            y + 19,
            esc(&label),
            y + 6,
            bar.color,
            LABEL + width + 8,
            y + 19,
            esc(&value),
        ));
    }
    svg.push_str("</svg></figure>");
    svg
}

fn banner(report: &Report) -> String {
    if report.coverage.complete {
        return format!(
            "<header id=\"coverage\" class=\"banner complete\"><strong>Coverage complete.</strong> \
             Every listing and every state could be read: {}.</header>",
            esc(&report.scope_line())
        );
    }
    let gaps = &report.coverage.gaps;
    let withheld = report.summary.get("withheld").map_or_else(String::new, |&n| {
        format!(
            " <span id=\"withheld\">{} withheld until the gaps are closed.</span>",
            plural(n, "finding", "findings")
        )
    });
    let mut out = format!(
        "<header id=\"coverage\" class=\"banner incomplete\" role=\"alert\"><strong>Incomplete scan: {}.</strong> \
         Findings may be missing; nothing is concluded from what could not be read.{withheld}<ul>",
        plural(gaps.len(), "coverage gap", "coverage gaps")
    );
    for gap in gaps {
        out.push_str(&format!("<li>{}</li>", esc(&gap.describe())));
    }
    out.push_str("</ul></header>");
    out
}

fn card(id: &str, value: &str, label: &str, class: &str) -> String {
    format!(
        "<div class=\"card {class}\"><div class=\"n\" id=\"{id}\">{}</div><div class=\"l\">{}</div></div>",
        esc(value),
        esc(label)
    )
}

fn cards(report: &Report) -> String {
    let mut out = String::from("<section class=\"cards\">");
    out.push_str(&card("count-findings", &report.findings.len().to_string(), "findings", ""));
    if let Some((new, _, resolved)) = report.baseline_counts() {
        out.push_str(&card(
            "count-new",
            &new.to_string(),
            "new since the baseline",
            if new > 0 { "alert" } else { "" },
        ));
        out.push_str(&card("count-resolved", &resolved.to_string(), "resolved", "good"));
    }
    if let Some(cost) = report.cost.as_ref().filter(|c| !c.is_empty()) {
        let label = if cost.unpriced > 0 {
            format!("estimated per month · {} without a price", cost.unpriced)
        } else {
            "estimated per month".to_owned()
        };
        out.push_str(&card("cost-total", &cost.amount(cost.monthly), &label, "cost"));
    }
    let gaps = report.coverage.gaps.len();
    if gaps > 0 {
        out.push_str(&card("count-gaps", &gaps.to_string(), "coverage gaps", "alert"));
    }
    out.push_str("</section>");
    out
}

fn charts(report: &Report) -> String {
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
    format!(
        "<section class=\"charts\">{}{}</section>",
        bar_chart("Findings by kind", "chart-kind", &kinds),
        bar_chart("Findings by environment", "chart-env", &envs)
    )
}

fn select(id: &str, label: &str, values: &BTreeSet<String>) -> String {
    let mut out = format!("<label>{label} <select id=\"{id}\"><option value=\"\">all</option>");
    for v in values {
        out.push_str(&format!("<option value=\"{}\">{}</option>", esc(v), esc(v)));
    }
    out.push_str("</select></label>");
    out
}

fn filters(report: &Report) -> String {
    let kinds: BTreeSet<String> = report.kinds_present().iter().map(|k| k.as_str().to_owned()).collect();
    let envs: BTreeSet<String> =
        report.findings.iter().map(|f| f.finding.environment.clone().unwrap_or_else(|| NO_ENV.to_owned())).collect();
    let regions: BTreeSet<String> =
        report.findings.iter().map(|f| f.finding.resource.region.clone().unwrap_or_default()).collect();
    let mut out = String::from("<div class=\"filters\">");
    out.push_str(&select("f-kind", "Kind", &kinds));
    out.push_str(&select("f-env", "Environment", &envs));
    out.push_str(&select("f-region", "Region", &regions));
    if report.resolved.is_some() {
        let statuses: BTreeSet<String> = ["new", "unchanged"].into_iter().map(str::to_owned).collect();
        out.push_str(&select("f-status", "Status", &statuses));
    }
    out.push_str(
        "<label class=\"grow\">Search <input id=\"f-text\" type=\"search\" placeholder=\"id, name, reason, address…\" \
         autocomplete=\"off\"></label><button id=\"f-clear\" type=\"button\">Clear</button>",
    );
    out.push_str(&format!(
        "<span id=\"shown\" aria-live=\"polite\">{} of {}</span></div>",
        report.findings.len(),
        plural(report.findings.len(), "finding", "findings")
    ));
    out
}

fn resource_cell(f: &ReportFinding) -> String {
    let r = &f.finding.resource;
    let mut out = format!(
        "<div class=\"id\">{}</div><div class=\"sub\">{}",
        esc(&r.id),
        esc(crate::model::kinds::label(&r.kind))
    );
    if let Some(name) = r.tags.get("Name").filter(|n| !n.is_empty()) {
        out.push_str(&format!(" · <span class=\"name\">{}</span>", esc(name)));
    }
    out.push_str("</div>");
    out
}

fn row(report: &Report, f: &ReportFinding, index: usize, columns: Columns) -> String {
    let kind = f.finding.kind;
    let env = f.finding.environment.as_deref().unwrap_or(NO_ENV);
    let region = f.finding.resource.region.as_deref().unwrap_or_default();
    let status = f.status.as_deref().unwrap_or_default();
    let (cost_value, cost_text) = match (&f.cost, &report.cost) {
        (Some(c), Some(summary)) => match c.monthly {
            Some(m) => {
                (format!("{m}"), format!("<span title=\"{}\">{}</span>", esc(&c.basis), esc(&summary.amount(m))))
            }
            None => ("-1".to_owned(), format!("<span class=\"muted\" title=\"{}\">no price</span>", esc(&c.basis))),
        },
        _ => ("-2".to_owned(), String::new()),
    };
    let state = f.finding.state.as_ref().map_or_else(String::new, |s| {
        format!("<div class=\"addr\">{}</div><div class=\"sub\">{}</div>", esc(&s.address), esc(&s.source))
    });
    // Unchanged findings are left blank so that the new stand out.
    let status_badge = if status == "new" { "<span class=\"badge new\">new</span>" } else { "" };
    let class = if status == "new" { " class=\"is-new\"" } else { "" };
    let mut out = format!(
        "<tr{class} data-i=\"{index}\" data-kind=\"{}\" data-env=\"{}\" data-region=\"{}\" data-status=\"{}\">\
         <td data-v=\"{:02}\"><span class=\"kind\" style=\"--c:{}\">{}</span><div class=\"sev {}\">{}</div></td>\
         <td data-v=\"{}\">{}</td><td class=\"nowrap\">{}</td><td>{}</td><td class=\"reason\">{}</td>",
        kind.as_str(),
        esc(env),
        esc(region),
        esc(status),
        // Sorts as text: kinds in report order, then severity, highest first.
        FindingKind::ALL.iter().position(|k| *k == kind).unwrap_or_default() * 10 + 2 - f.finding.severity as usize,
        kind_color(kind),
        kind.as_str(),
        f.finding.severity.as_str(),
        f.finding.severity.as_str(),
        esc(&f.finding.resource.id),
        resource_cell(f),
        esc(region),
        esc(env),
        esc(&f.finding.reason),
    );
    if columns.state {
        out.push_str(&format!("<td class=\"state\">{state}</td>"));
    }
    out.push_str(&age_cell(report, f));
    if columns.cost {
        out.push_str(&format!("<td class=\"num\" data-v=\"{cost_value}\">{cost_text}</td>"));
    }
    if columns.status {
        out.push_str(&format!("<td>{status_badge}</td>"));
    }
    out.push_str("</tr>");
    out
}

/// The age: how long the finding has been seen and when AWS made its resource; sorts by
/// `age::age_seconds` (unknown first).
fn age_cell(report: &Report, f: &ReportFinding) -> String {
    let secs = age::age_seconds(f, &report.generated_at).unwrap_or(-1);
    let parts: Vec<String> = [age::seen_text(f, &report.generated_at), age::created_text(f)]
        .into_iter()
        .flatten()
        .map(|part| format!("<div>{}</div>", esc(&part)))
        .collect();
    let text = if parts.is_empty() && f.first_seen.is_some() {
        "<span class=\"muted\">less than an hour</span>".to_owned()
    } else {
        parts.concat()
    };
    format!("<td class=\"age nowrap\" data-v=\"{secs}\">{text}</td>")
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
}

fn table(report: &Report) -> String {
    let mut out = String::from("<section class=\"findings\"><h2>Findings</h2>");
    out.push_str(&filters(report));
    let columns = Columns::of(report);
    let mut headers = vec!["Kind", "Resource", "Region", "Env", "Reason"];
    if columns.state {
        headers.push("State");
    }
    headers.push("Age");
    if columns.cost {
        headers.push("Cost/month");
    }
    if columns.status {
        headers.push("New");
    }
    out.push_str("<div class=\"scroll\"><table id=\"findings\"><thead><tr>");
    for (i, header) in headers.iter().enumerate() {
        let numeric = match *header {
            "Cost/month" => " data-num=\"1\" class=\"num\"",
            "Age" => " data-num=\"1\"",
            _ => "",
        };
        out.push_str(&format!("<th data-col=\"{i}\"{numeric}>{header}</th>"));
    }
    out.push_str("</tr></thead><tbody>");
    for (i, f) in report.findings.iter().enumerate() {
        out.push_str(&row(report, f, i, columns));
    }
    out.push_str("</tbody></table></div>");
    out.push_str(&format!(
        "<p id=\"empty\" class=\"muted\"{}>No finding matches these filters.</p></section>",
        if report.findings.is_empty() { "" } else { " hidden" }
    ));
    out
}

fn blocked(report: &Report) -> String {
    if report.blocked.is_empty() {
        return String::new();
    }
    let mut out = format!(
        "<section class=\"resolved\" id=\"blocked\"><h2>{}</h2><ul>",
        esc(&super::sections::blocked_heading(report))
    );
    for line in super::sections::blocked_lines(report) {
        out.push_str(&format!("<li>{}</li>", esc(&line)));
    }
    out.push_str("</ul></section>");
    out
}

fn resolved(report: &Report) -> String {
    let Some(resolved) = report.resolved.as_ref() else { return String::new() };
    let mut out = format!(
        "<section class=\"resolved\"><h2>Resolved since the baseline <span class=\"muted\">({})</span></h2>",
        resolved.len()
    );
    if resolved.is_empty() {
        out.push_str("<p class=\"muted\">Nothing resolved since the baseline.</p></section>");
        return out;
    }
    out.push_str("<ul id=\"resolved\">");
    for f in resolved {
        out.push_str(&format!(
            "<li><span class=\"kind\" style=\"--c:{}\">{}</span> <strong>{}</strong> <span class=\"muted\">{}</span> — {}</li>",
            kind_color(f.finding.kind),
            f.finding.kind,
            esc(&f.finding.resource.id),
            esc(crate::model::kinds::label(&f.finding.resource.kind)),
            esc(&f.finding.reason)
        ));
    }
    out.push_str("</ul></section>");
    out
}

fn footer(report: &Report) -> String {
    let mut parts = vec![format!("{} · {}", esc(&report.schema), esc(&report.generated_at))];
    if let Some(info) = &report.baseline {
        parts.push(format!("baseline of {}", esc(&info.generated_at)));
    }
    if let Some(n) = report.summary.get("ignored") {
        parts.push(format!("{n} ignored by policy"));
    }
    if let Some(note) = report.links_note() {
        parts.push(esc(&note));
    }
    if let Some(cost) = &report.cost {
        parts.push(format!(
            "costs are estimated from the {} in {}, not a bill",
            esc(&cost.prices_line()),
            esc(&cost.prices.source)
        ));
    }
    format!("<footer>{}</footer>", parts.join(" · "))
}

/// A nonce for the page's one script, derived from the page: markup that made its way into
/// the page cannot know it, so the Content-Security-Policy runs only that script.
fn nonce(body: &str) -> String {
    let mut hasher = std::hash::DefaultHasher::new();
    body.hash(&mut hasher);
    SCRIPT.hash(&mut hasher);
    format!("{:016x}", hasher.finish())
}

/// Renders the HTML report.
pub fn render(report: &Report) -> String {
    let mut body = String::new();
    body.push_str(&banner(report));
    let lines: Vec<String> =
        super::sections::destroy_lines(report).into_iter().chain(super::sections::environment_lines(report)).collect();
    if !lines.is_empty() {
        body.push_str("<section id=\"view\" class=\"banner\">");
        for line in &lines {
            body.push_str(&format!("<div>{}</div>", esc(line.trim())));
        }
        body.push_str("</section>");
    }
    body.push_str("<main>");
    body.push_str(&format!(
        "<h1>leftover <span class=\"muted\">scan</span></h1><p class=\"scope\">{} · {}</p>",
        esc(&report.scope_line()),
        esc(&report.generated_at)
    ));
    if let Some(line) = report.baseline_line() {
        body.push_str(&format!("<p class=\"scope\">{}</p>", esc(&line)));
    }
    if let Some(line) = age::younger_line(report) {
        body.push_str(&format!("<p class=\"scope\" id=\"younger\">{}</p>", esc(&line)));
    }
    body.push_str(&cards(report));
    body.push_str(&charts(report));
    body.push_str(&table(report));
    body.push_str(&blocked(report));
    body.push_str(&resolved(report));
    body.push_str(&footer(report));
    body.push_str("</main>");
    let nonce = nonce(&body);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; \
         img-src data:; script-src 'nonce-{nonce}'\">\
         <link rel=\"icon\" href=\"data:,\">\
         <title>leftover scan · {}</title><style>{STYLE}</style></head>\n<body>{body}\
         <script nonce=\"{nonce}\">{SCRIPT}</script></body></html>\n",
        esc(&report.generated_at)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_quotes_and_controls() {
        assert_eq!(esc("<script>alert('x')</script>"), "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(esc("a\"b&c\u{7}"), "a&quot;b&amp;c");
    }
}
