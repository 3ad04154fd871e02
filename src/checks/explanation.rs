//! explanation: everything known about one resource, for `leftover explain`: what it is,
//! its class and why, the states that declare it, its relations both ways, the findings
//! about it, and for a blocked or blocking resource the dependency chain. A declared
//! resource that nothing live matches is explained too: gone (or, where the scan did not
//! list its kind completely, not known), where it is declared, and what still points at it.
//! Pure.

use serde::Serialize;

use super::blocking::{blockers_of, outside_terraform};
use crate::graph::order::blocks;
use crate::graph::{Class, DeclRef, Graph, Owner, RefTarget};
use crate::model::finding::{Finding, ResourceRef};
use crate::model::kinds;

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

impl Declaration {
    /// The declaration `d` of the graph, as `explain` shows it.
    fn of(graph: &Graph<'_>, d: DeclRef) -> Self {
        let decl = graph.decl(d);
        Self {
            source: decl.source.to_string(),
            address: decl.address.clone(),
            tf_type: decl.tf_type.clone(),
            environment: graph.env_of_decl(d),
            attributes: decl.attributes.clone(),
        }
    }
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
    /// For a declared resource that is not live: the state resources whose attributes
    /// still name it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub referenced_in_states: Vec<StateMention>,
}

/// A state attribute that names a resource.
#[derive(Clone, Debug, Serialize)]
pub struct StateMention {
    pub source: String,
    pub address: String,
    /// The attribute path, `route.0.gateway_id`.
    pub path: String,
}

fn class_text(graph: &Graph<'_>, i: usize) -> (String, String) {
    let class = &graph.classes()[i];
    let why = match class {
        Class::Managed => {
            let places: Vec<String> = graph.declared_by()[i]
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
    if let Some(reason) = &graph.ignored()[i] {
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
        Some(j) if graph.live()[j].exists() => graph.classes()[j].name().to_owned(),
        // The other end is in an account that was not listed: nothing is known of it.
        None if account.is_some_and(|a| !graph.inventory.accounts.iter().any(|s| s == a)) => {
            format!("in account {}, which was not scanned", account.unwrap_or_default())
        }
        _ => "missing".to_owned(),
    };
    Link { relation, kind: kind.to_owned(), id: id.to_owned(), detail, class }
}

/// Whether a query names a state address: the instance's own, or the resource's without
/// its index (`aws_subnet.private` names every `aws_subnet.private[…]`).
fn names_address(query: &str, address: &str) -> bool {
    address == query || address.strip_prefix(query).is_some_and(|rest| rest.starts_with('['))
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
                if names_address(query, &decl.address) {
                    found.extend(graph.matches()[f][r]);
                }
            }
        }
    }
    found.sort_unstable();
    found.dedup();
    found
}

/// The declared whole resources a query names (native id, ARN or state address) that no
/// live resource matches, one per kind and id (the first declaration).
pub fn lookup_gone(graph: &Graph<'_>, query: &str) -> Vec<DeclRef> {
    let mut found: Vec<DeclRef> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (f, file) in graph.states.files.iter().enumerate() {
        for (r, decl) in file.resources.iter().enumerate() {
            let Some((kind, id)) = decl.live_key() else { continue };
            if !decl.is_managed() || graph.matches()[f][r].is_some() {
                continue;
            }
            let arn = || {
                let (account, region) = graph.placement((f, r));
                ResourceRef::from_declared(kind, id, decl, account, region).arn
            };
            let named = id == query
                || names_address(query, &decl.address)
                || (query.starts_with("arn:") && arn().as_deref() == Some(query));
            if named && seen.insert((kind, id)) {
                found.push((f, r));
            }
        }
    }
    found
}

/// Explains declared resource `at`, which no live resource matches.
pub fn explain_gone(graph: &Graph<'_>, outcome: &super::Outcome, query: &str, at: DeclRef) -> Explanation {
    let decl = graph.decl(at);
    let (kind, id) = decl.live_key().unwrap_or((decl.tf_type.as_str(), decl.address.as_str()));
    let (account, region) = graph.placement(at);
    let label = kinds::label(kind);
    let declared: Vec<DeclRef> = {
        let mut all = graph.declarations_of(kind, id).to_vec();
        if !all.contains(&at) {
            all.insert(0, at);
        }
        all
    };
    let places: Vec<String> =
        declared.iter().map(|&d| format!("{} in {}", graph.decl(d).address, graph.decl(d).source)).collect();
    let place = format!("{} {}", account.as_deref().unwrap_or("?"), region.as_deref().unwrap_or("?"));
    let (class, why) = match (account.as_deref(), region.as_deref()) {
        (Some(a), Some(r)) if graph.inventory.listed_completely(kind, a, r) => (
            "missing",
            format!(
                "declared as {}, but no {label} {id} exists in {place}: deleted outside Terraform?",
                places.join(", ")
            ),
        ),
        (Some(a), Some(r)) if !graph.inventory.listed.contains(a, r) => (
            "unknown",
            format!(
                "declared as {}; region {r} of account {a} was not listed in this run, so whether it exists is not known",
                places.join(", ")
            ),
        ),
        (Some(_), Some(_)) => (
            "unknown",
            format!(
                "declared as {}; the listing of {label}s in {place} is incomplete (a coverage gap or a kind leftover does not list), so whether it exists is not known",
                places.join(", ")
            ),
        ),
        _ => (
            "unknown",
            format!(
                "declared as {}; neither the state nor a live resource says which account and region it is in, so whether it exists is not known",
                places.join(", ")
            ),
        ),
    };
    let declared_by = declared.iter().map(|&d| Declaration::of(graph, d)).collect();
    // What it named in its state, and whether that is there.
    let relations_out = decl
        .references
        .iter()
        .enumerate()
        .map(|(k, reference)| {
            let target = match graph.ref_targets()[at.0][at.1].get(k) {
                Some(RefTarget::Live(j)) => Some(*j),
                _ => None,
            };
            link(
                graph,
                "references".to_owned(),
                &reference.kind,
                &reference.target,
                Some(reference.path.clone()),
                target,
                reference.account.as_deref(),
            )
        })
        .collect();
    // Live resources that still point at it.
    let mut relations_in = Vec::new();
    for (j, from) in graph.live().iter().enumerate() {
        for rel in &from.relations {
            if rel.target == id && rel.target_kind == kind {
                relations_in.push(link(
                    graph,
                    rel.kind.as_str().to_owned(),
                    &from.kind,
                    &from.id,
                    rel.detail.clone(),
                    Some(j),
                    None,
                ));
            }
        }
    }
    // State resources whose attributes still name it.
    let mut referenced_in_states = Vec::new();
    for file in &graph.states.files {
        for other in &file.resources {
            for reference in other.references.iter().filter(|rf| rf.target == id && rf.kind == kind) {
                if declared.iter().any(|&d| std::ptr::eq(graph.decl(d), other)) {
                    continue;
                }
                referenced_in_states.push(StateMention {
                    source: other.source.to_string(),
                    address: other.address.clone(),
                    path: reference.path.clone(),
                });
            }
        }
    }
    let concerns = |f: &&Finding| {
        (f.resource.kind == kind && f.resource.id == id)
            || f.related.iter().any(|rel| rel.id == id && rel.kind.as_deref().is_none_or(|k| k == kind))
    };
    let findings = outcome.findings.iter().filter(concerns).cloned().collect();
    let links = outcome.links.iter().filter(concerns).cloned().collect();
    Explanation {
        query: query.to_owned(),
        resource: ResourceRef::from_declared(kind, id, decl, account, region),
        status: None,
        class: class.to_owned(),
        why,
        environment: graph.env_of_decl(at),
        declared_by,
        relations_out,
        relations_in,
        owns: Vec::new(),
        findings,
        blocked_by: Vec::new(),
        blocks: Vec::new(),
        paths: Vec::new(),
        links,
        referenced_in_states,
    }
}

/// Explains live resource `i`.
pub fn explain(graph: &Graph<'_>, outcome: &super::Outcome, query: &str, i: usize) -> Explanation {
    let findings = &outcome.findings;
    let r = &graph.live()[i];
    let (class, why) = class_text(graph, i);
    let declared_by = graph.accounting(i).into_iter().map(|d| Declaration::of(graph, d)).collect();
    let mut relations_out: Vec<Link> = Vec::new();
    for (index, rel) in r.relations.iter().enumerate() {
        let target = graph.out_edges()[i].iter().find(|e| e.index == index).map(|e| e.to);
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
    let relations_in = graph.in_edges()[i]
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
        graph.out_edges()[i]
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
        referenced_in_states: Vec::new(),
    }
}

#[cfg(test)]
// Reaches up to report: an explanation is checked as a person reads it, rendered.
mod tests {
    use serde_json::json;

    use super::*;
    use crate::inventory::{Inventory, LiveResource, RelationKind};
    use crate::policy::Policy;
    use crate::state::{StateFile, StateSet};

    const ACCOUNT: &str = "123456789012";

    use crate::state::extract::testing::declared as decl;

    #[test]
    fn issue_12_a_declared_resource_that_is_gone_is_explained() {
        let mut table = LiveResource::new("ec2:route-table", "rtb-0b1b2c3d", ACCOUNT, "us-east-1");
        table.relate_detail(RelationKind::RoutesTo, "ec2:internet-gateway", Some("igw-0a1b2c3d"), "0.0.0.0/0");
        let mut inventory = Inventory::new("now".into(), vec![ACCOUNT.into()], vec!["us-east-1".into()]);
        inventory.resources.push(table);
        let arn = format!("arn:aws:ec2:us-east-1:{ACCOUNT}:internet-gateway/igw-0a1b2c3d");
        let net = "s3://b/net.tfstate";
        let app = "s3://b/app.tfstate";
        let address = "module.edge.aws_internet_gateway.this[\"a\"]";
        let states = StateSet {
            files: vec![
                StateFile {
                    source: net.into(),
                    version: 4,
                    resources: vec![decl(
                        net,
                        address,
                        "aws_internet_gateway",
                        json!({"id": "igw-0a1b2c3d", "arn": arn}),
                    )],
                    ..StateFile::default()
                },
                StateFile {
                    source: app.into(),
                    version: 4,
                    resources: vec![decl(
                        app,
                        "aws_route_table.public",
                        "aws_route_table",
                        json!({"id": "rtb-0b1b2c3d", "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": "igw-0a1b2c3d"}]}),
                    )],
                    ..StateFile::default()
                },
            ],
            ..StateSet::default()
        };
        let policy = Policy::builtin();
        let graph = Graph::build(&inventory, &states, &policy);
        let outcome = crate::checks::run(&graph);
        for query in ["igw-0a1b2c3d", address, "module.edge.aws_internet_gateway.this", arn.as_str()] {
            assert!(lookup(&graph, query).is_empty(), "{query}: nothing live");
            assert_eq!(lookup_gone(&graph, query), [(0, 0)], "{query}");
        }
        assert!(lookup_gone(&graph, "igw-0f0f0f0f").is_empty());
        let e = explain_gone(&graph, &outcome, address, (0, 0));
        assert_eq!(e.class, "missing");
        assert!(e.why.contains(address) && e.why.contains(net), "{}", e.why);
        assert_eq!((e.resource.kind.as_str(), e.resource.id.as_str()), ("ec2:internet-gateway", "igw-0a1b2c3d"));
        assert_eq!(e.declared_by.len(), 1);
        assert_eq!(e.declared_by[0].address, address);
        let pointing: Vec<(&str, &str)> = e.relations_in.iter().map(|l| (l.relation.as_str(), l.id.as_str())).collect();
        assert_eq!(pointing, [("routes-to", "rtb-0b1b2c3d")]);
        assert_eq!(e.referenced_in_states.len(), 1);
        assert_eq!(e.referenced_in_states[0].address, "aws_route_table.public");
        assert_eq!(e.referenced_in_states[0].source, app);
        assert!(e.findings.iter().any(|f| f.kind == crate::checks::FindingKind::Missing), "{:?}", e.findings);
        let text = crate::report::explanation::render_text(&e);
        assert!(
            text.contains("class: missing") && text.contains("aws_route_table.public (route.0.gateway_id)"),
            "{text}"
        );

        // Where the region was not listed, whether it exists is not known.
        let elsewhere = Inventory::new("now".into(), vec![ACCOUNT.into()], vec!["eu-west-1".into()]);
        let graph = Graph::build(&elsewhere, &states, &policy);
        let outcome = crate::checks::run(&graph);
        let e = explain_gone(&graph, &outcome, "igw-0a1b2c3d", (0, 0));
        assert_eq!(e.class, "unknown");
        assert!(e.why.contains("was not listed"), "{}", e.why);
    }
}
