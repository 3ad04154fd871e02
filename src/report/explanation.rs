//! explanation: `leftover explain` as text for a terminal. The explanation itself is drawn
//! by `checks::explanation`; this only renders it.

use crate::checks::explanation::{Explanation, Link};

/// The explanation as text for a terminal.
pub fn render_text(e: &Explanation) -> String {
    let mut out = String::new();
    let r = &e.resource;
    out.push_str(&format!("{} {}", r.kind, r.id));
    if let Some(name) = r.tags.get("Name") {
        out.push_str(&format!(" ({name})"));
    }
    out.push('\n');
    out.push_str(&format!(
        "  {} · {} · {}{}\n",
        r.region.as_deref().unwrap_or("?"),
        r.account.as_deref().unwrap_or("?"),
        r.arn.as_deref().unwrap_or(""),
        e.status.as_deref().map_or_else(String::new, |s| format!(" · {s}"))
    ));
    out.push_str(&format!("\nclass: {}\n  {}\n", e.class, e.why));
    out.push_str(&format!("environment: {}\n", e.environment.as_deref().unwrap_or("(none)")));
    if let Some(who) = &r.who {
        out.push_str(&format!("who: {}\n", who.sentence()));
    }
    if !r.tags.is_empty() {
        let tags: Vec<String> = r.tags.iter().map(|(k, v)| format!("{k}={v}")).collect();
        out.push_str(&format!("tags: {}\n", tags.join(", ")));
    }
    if !e.declared_by.is_empty() {
        out.push_str("\ndeclared by:\n");
        for d in &e.declared_by {
            out.push_str(&format!("  {} in {} ({})\n", d.address, d.source, d.tf_type));
        }
    }
    let links = |title: &str, links: &[Link], out: &mut String| {
        if links.is_empty() {
            return;
        }
        out.push_str(&format!("\n{title}:\n"));
        for l in links {
            let detail = l.detail.as_deref().map_or_else(String::new, |d| format!(" [{d}]"));
            out.push_str(&format!("  {:<20} {} {} ({}){detail}\n", l.relation, l.kind, l.id, l.class));
        }
    };
    links("relations", &e.relations_out, &mut out);
    links("pointed at by", &e.relations_in, &mut out);
    if !e.referenced_in_states.is_empty() {
        out.push_str("\nnamed in states by:\n");
        for m in &e.referenced_in_states {
            out.push_str(&format!("  {} ({}) in {}\n", m.address, m.path, m.source));
        }
    }
    if !e.owns.is_empty() {
        out.push_str(&format!("\ngoes with it: {}\n", e.owns.join(", ")));
    }
    if !e.blocked_by.is_empty() {
        out.push_str("\nblocked by (delete in this order before destroying it):\n");
        for (n, b) in e.blocked_by.iter().enumerate() {
            out.push_str(&format!("  {}. {b}\n", n + 1));
        }
    }
    if !e.blocks.is_empty() {
        out.push_str("\nin the way of destroying:\n");
        for b in &e.blocks {
            out.push_str(&format!("  {b}\n"));
        }
    }
    for trace in &e.paths {
        let verdict = match (&trace.broken, &trace.warning) {
            (Some(problem), _) => format!("BROKEN: {problem}"),
            (None, Some(warning)) => format!("PARTLY: {warning}"),
            (None, None) => "ok".to_owned(),
        };
        out.push_str(&format!(
            "\npath {:?}: {} ({}) → {} ({}): {verdict}\n",
            trace.expectation, trace.from, trace.from_subnet, trace.to, trace.to_subnet
        ));
        for hop in &trace.hops {
            out.push_str(&format!(
                "  {} {:<15} {} {}: {}\n",
                match (hop.ok, hop.partial) {
                    (true, false) => "✓",
                    (true, true) => "!",
                    (false, _) => "✗",
                },
                hop.step,
                hop.kind,
                hop.id,
                hop.detail
            ));
        }
    }
    if !e.links.is_empty() {
        out.push_str("\nlinks to other states (normal layering, not findings; check-destroy reports them):\n");
        for f in &e.links {
            out.push_str(&format!("  {}\n", f.reason));
        }
    }
    if e.findings.is_empty() {
        out.push_str("\nfindings: none\n");
    } else {
        out.push_str("\nfindings:\n");
        for f in &e.findings {
            out.push_str(&format!("  [{}] {}: {}\n", f.kind, f.resource.id, f.reason));
        }
    }
    out
}
