//! explanation: everything known about one resource, for `leftover explain`: what it is,
//! its class and why, the states that declare it, its relations both ways, the findings
//! about it, and for a blocked or blocking resource the dependency chain. Pure.

use serde::Serialize;

use super::blocking::{blockers_of, outside_terraform};
use super::finding::{Finding, ResourceRef};
use crate::graph::order::blocks;
use crate::graph::{Class, Graph, Owner};
use crate::inventory::kinds;

/// A declaration of the resource.
#[derive(Clone, Debug, Serialize)]
pub struct Declaration {
    pub source: String,
    pub address: String,
    pub tf_type: String,
    pub environment: Option<String>,
    /// Attributes with every secret replaced.
    pub attributes: Option<serde_json::Value>,
}

/// A relation, with what is known of its other end.
#[derive(Clone, Debug, Serialize)]
pub struct Link {
    pub relation: String,
    pub kind: String,
    pub id: String,
    pub detail: Option<String>,
    /// `managed`, `unmanaged`, …, `missing` when the other end does not exist, or `in
    /// account N, which was not scanned` when it is another account's.
    pub class: String,
}

/// Everything known about one resource.
#[derive(Clone, Debug, Serialize)]
pub struct Explanation {
    pub query: String,
    pub resource: ResourceRef,
    pub status: Option<String>,
    pub class: String,
    pub why: String,
    pub environment: Option<String>,
    pub declared_by: Vec<Declaration>,
    pub relations_out: Vec<Link>,
    pub relations_in: Vec<Link>,
    /// Resources that go with it.
    pub owns: Vec<String>,
    pub findings: Vec<Finding>,
    /// Plain links between states that concern it (normal layering: not findings of a
    /// scan, reported by `check-destroy`).
    pub links: Vec<Finding>,
    /// What must go before it can be destroyed, in order (for a managed resource).
    pub blocked_by: Vec<String>,
    /// What it is in the way of (for a resource outside Terraform).
    pub blocks: Vec<String>,
    /// Connectivity expectations that start or end here, hop by hop.
    pub paths: Vec<super::reachability::Trace>,
}

fn class_text(graph: &Graph<'_>, i: usize) -> (String, String) {
    let class = &graph.classes[i];
    let why = match class {
        Class::Managed => {
            let places: Vec<String> = graph.declared_by[i]
                .iter()
                .map(|&d| format!("{} in {}", graph.decl(d).address, graph.decl(d).source))
                .collect();
            format!("declared as {}", places.join(", "))
        }
        Class::DeclaredInline { file, resource } => {
            let decl = graph.decl((*file, *resource));
            format!("created along with {} in {}, which declares it", decl.address, decl.source)
        }
        Class::Owned { owner, why } => match owner {
            Owner::Live { index } => {
                format!("owned by {} {}: {why}", graph.live()[*index].kind, graph.live()[*index].id)
            }
            Owner::Declared { kind, id } | Owner::Unresolved { kind, id } => format!("owned by {kind} {id}: {why}"),
        },
        Class::ManagedElsewhere { by, why } => format!("managed by {by}: {why}"),
        Class::Default { why } => why.clone(),
        Class::Unmanaged { note: Some(note) } => format!("no state declares it; {note}"),
        Class::Unmanaged { note: None } => "no state declares it, and nothing declared owns it".to_owned(),
        Class::Gone => "it is listed in a final status: it no longer exists".to_owned(),
    };
    let mut name = class.name().to_owned();
    if let Some(reason) = &graph.ignored[i] {
        name.push_str(" (ignored by policy)");
        return (name, format!("{why}; ignored: {reason}"));
    }
    (name, why)
}

fn link(
    graph: &Graph<'_>,
    relation: String,
    kind: &str,
    id: &str,
    detail: Option<String>,
    target: Option<usize>,
    account: Option<&str>,
) -> Link {
    let class = match target {
        Some(j) if graph.live()[j].exists() => graph.classes[j].name().to_owned(),
        // The other end is in an account that was not listed: nothing is known of it.
        None if account.is_some_and(|a| !graph.inventory.accounts.iter().any(|s| s == a)) => {
            format!("in account {}, which was not scanned", account.unwrap_or_default())
        }
        _ => "missing".to_owned(),
    };
    Link { relation, kind: kind.to_owned(), id: id.to_owned(), detail, class }
}

/// The live resources a query names: a native id, an ARN, or a state address.
pub fn lookup(graph: &Graph<'_>, query: &str) -> Vec<usize> {
    if let Some(i) = graph.find_arn(query) {
        return vec![i];
    }
    let mut found: Vec<usize> =
        graph.live().iter().enumerate().filter(|(_, r)| r.id == query).map(|(i, _)| i).collect();
    if found.is_empty() {
        for (f, file) in graph.states.files.iter().enumerate() {
            for (r, decl) in file.resources.iter().enumerate() {
                if decl.address == query {
                    found.extend(graph.matches[f][r]);
                }
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// Explains live resource `i`.
pub fn explain(graph: &Graph<'_>, outcome: &super::Outcome, query: &str, i: usize) -> Explanation {
    let findings = &outcome.findings;
    let r = &graph.live()[i];
    let (class, why) = class_text(graph, i);
    let declared_by = graph
        .accounting(i)
        .into_iter()
        .map(|d| {
            let decl = graph.decl(d);
            Declaration {
                source: decl.source.clone(),
                address: decl.address.clone(),
                tf_type: decl.tf_type.clone(),
                environment: graph.env_of_decl(d),
                attributes: decl.attributes.clone(),
            }
        })
        .collect();
    let mut relations_out: Vec<Link> = Vec::new();
    for (index, rel) in r.relations.iter().enumerate() {
        let target = graph.out_edges[i].iter().find(|e| e.index == index).map(|e| e.to);
        relations_out.push(link(
            graph,
            rel.kind.as_str().to_owned(),
            &rel.target_kind,
            &rel.target,
            rel.detail.clone(),
            target,
            Some(rel.target_account(&r.account)),
        ));
    }
    let relations_in = graph.in_edges[i]
        .iter()
        .map(|e| {
            let from = &graph.live()[e.from];
            let detail = from.relations.get(e.index).and_then(|rel| rel.detail.clone());
            link(graph, e.relation.as_str().to_owned(), &from.kind, &from.id, detail, Some(e.from), None)
        })
        .collect();
    let owns = graph.owned_by(i).into_iter().map(|j| graph.live()[j].id.clone()).collect();
    let concerns = |f: &&Finding| {
        f.resource.arn.as_deref() == Some(r.arn.as_str())
            || f.related.iter().any(|rel| rel.id == r.id && rel.kind.as_deref().is_none_or(|k| k == r.kind))
    };
    let about: Vec<Finding> = findings.iter().filter(concerns).cloned().collect();
    let links: Vec<Finding> = outcome.links.iter().filter(concerns).cloned().collect();
    let blocked_by = if graph.is_managed(i) {
        blockers_of(graph, i).into_iter().map(|j| format!("{} {}", graph.live()[j].kind, graph.live()[j].id)).collect()
    } else {
        Vec::new()
    };
    let blocks_list = if outside_terraform(graph, i) {
        graph.out_edges[i]
            .iter()
            .filter(|e| blocks(graph, e) && graph.is_managed(e.to))
            .map(|e| format!("{} {} ({})", kinds::label(&graph.live()[e.to].kind), graph.live()[e.to].id, e.relation))
            .collect()
    } else {
        Vec::new()
    };
    Explanation {
        query: query.to_owned(),
        resource: ResourceRef::from_live(r),
        status: r.status.clone(),
        class,
        why,
        environment: graph.env_of_live(i),
        declared_by,
        relations_out,
        relations_in,
        owns,
        findings: about,
        links,
        blocked_by,
        blocks: blocks_list,
        paths: outcome.traces.iter().filter(|t| t.from_index == i || t.to_index == i).cloned().collect(),
    }
}

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
