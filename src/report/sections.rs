//! sections: the summaries that head a report from `scan --env` and `check-destroy`, as
//! plain text lines every text format can use.

use super::report::Report;

/// Lines saying what remains of an environment, and what to do about it.
pub fn environment_lines(report: &Report) -> Vec<String> {
    let Some(check) = &report.environment else { return Vec::new() };
    let mut lines = Vec::new();
    if check.remaining == 0 {
        lines.push(format!("environment {}: nothing remains ({})", check.environment, check.status));
        return lines;
    }
    let reasons: Vec<String> = check.by_reason.iter().map(|(reason, n)| format!("{n} {reason}")).collect();
    lines.push(format!(
        "environment {}: {} resource{} remain ({}) — {}",
        check.environment,
        check.remaining,
        if check.remaining == 1 { "" } else { "s" },
        reasons.join(", "),
        check.status
    ));
    if check.by_reason.contains_key("still declared") {
        lines.push(format!("  still declared: run terraform destroy on {}", check.states.join(", ")));
    }
    if !check.deletion_order.is_empty() {
        lines.push(format!("  outside Terraform: delete in this order: {}", check.deletion_order.join(" → ")));
    }
    lines
}

/// Lines saying what a destroy would take.
pub fn destroy_lines(report: &Report) -> Vec<String> {
    let Some(check) = &report.destroy else { return Vec::new() };
    let mut lines = Vec::new();
    let live = check.resources.iter().filter(|r| r.live).count();
    let per_env: Vec<String> = check.by_environment.iter().map(|(env, n)| format!("{env}: {n}")).collect();
    lines.push(format!(
        "destroying {} ({}) would remove {} resource{} ({} live) — by environment: {}",
        check.targets.join(", "),
        check.environment.as_deref().map_or_else(|| "environment unknown".to_owned(), |e| format!("environment {e}")),
        check.resources.len(),
        if check.resources.len() == 1 { "" } else { "s" },
        live,
        per_env.join(", ")
    ));
    let others = check
        .by_environment
        .keys()
        .filter(|env| check.environment.as_ref().is_some_and(|t| t != *env) && env.as_str() != "(untagged)")
        .count();
    if others > 0 {
        lines.push("  !! resources of ANOTHER environment would be destroyed: see env-mismatch below".to_owned());
    }
    lines
}

/// One line per resource that resources outside Terraform block: what to delete first,
/// and in which order. Each blocked resource is stated once, however many findings name it.
pub fn blocked_lines(report: &Report) -> Vec<String> {
    report
        .blocked
        .iter()
        .map(|b| {
            let label = crate::model::kinds::label(&b.kind);
            let place = b.state.as_ref().map_or_else(String::new, |s| format!(" ({})", s.address));
            format!("{label} {}{place}: delete first, in this order: {}", b.id, b.order.join(" → "))
        })
        .collect()
}

/// The heading of the blocked section: `blocked (2) — …`.
pub fn blocked_heading(report: &Report) -> String {
    format!(
        "blocked ({}) — managed resources that resources outside Terraform are in the way of destroying",
        report.blocked.len()
    )
}
