//! drift: declared and live, but different. Tags (`tags_all` and the tags `aws_ec2_tag`
//! resources set, against live tags, `aws:` keys aside), the attributes the identity table
//! lists as checked, and the routes and security group rules of managed tables and groups
//! (what AWS made by itself aside, and the routes AWS writes for a declared gateway
//! endpoint or route propagation: those are declared through the endpoint or propagation).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde_json::Value;

use super::Outcome;
use crate::graph::{DeclRef, Graph};
use crate::inventory::LiveResource;
use crate::model::finding::{DriftDetail, Finding, FindingKind, ResourceRef, StateRef};
use crate::model::subresource::{Route, SecurityGroupRule};
use crate::state::Identity;

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

pub fn check(graph: &Graph<'_>, outcome: &mut Outcome) {
    // Parts declared as resources of their own, by the live parent they sit in.
    let mut part_decls: HashMap<usize, Vec<DeclRef>> = HashMap::new();
    for (f, file) in graph.states.files.iter().enumerate() {
        for (r, decl) in file.resources.iter().enumerate() {
            if decl.is_managed()
                && matches!(decl.identity, Identity::Part { .. })
                && let Some(parent) = graph.matches()[f][r]
            {
                part_decls.entry(parent).or_default().push((f, r));
            }
        }
    }
    let gateways = DeclaredGateways::of(graph);
    for (i, live) in graph.live().iter().enumerate() {
        if !live.exists() || graph.ignored()[i].is_some() || graph.declared_by()[i].is_empty() {
            continue;
        }
        let mut decls = graph.declared_by()[i].to_vec();
        decls.extend(part_decls.get(&i).into_iter().flatten().copied());
        // Tags set by `aws_ec2_tag` resources are declared too, wherever they are declared.
        let tag_decls: BTreeMap<String, String> = decls
            .iter()
            .map(|&d| graph.decl(d))
            .filter(|decl| decl.tf_type == "aws_ec2_tag")
            .flat_map(|decl| decl.tags.iter().map(|(k, v)| (k.clone(), v.clone())))
            .collect();
        for &d in &graph.declared_by()[i] {
            tags(graph, outcome, i, d, &tag_decls);
            attributes(graph, outcome, i, d);
        }
        match live.kind.as_str() {
            "ec2:route-table" => routes(graph, outcome, i, &decls, &gateways),
            "ec2:security-group" => rules(graph, outcome, i, &decls),
            _ => {}
        }
    }
}

// Each value a drift finding carries is distinct; a struct would only rename them.
#[allow(clippy::too_many_arguments)]
fn push(
    graph: &Graph<'_>,
    outcome: &mut Outcome,
    i: usize,
    d: DeclRef,
    attribute: String,
    declared: Value,
    live: Value,
    reason: String,
) {
    outcome.findings.push(
        Finding::new(
            FindingKind::Drift,
            graph.policy.severity(FindingKind::Drift),
            ResourceRef::from_live(&graph.live()[i]),
            reason,
        )
        .with_state(Some(StateRef::of(graph.decl(d))))
        .with_drift(Some(DriftDetail { attribute, declared, live }))
        .in_environment(graph.env_of_live(i)),
    );
}

fn tags(graph: &Graph<'_>, outcome: &mut Outcome, i: usize, d: DeclRef, tag_decls: &BTreeMap<String, String>) {
    let decl = graph.decl(d);
    let live = &graph.live()[i];
    if !decl.tagged || graph.inventory.gaps.iter().any(|g| g.covers(&live.kind, &live.account, &live.region)) {
        return;
    }
    let visible = |tags: &crate::model::Tags| -> BTreeMap<String, String> {
        tags.iter().filter(|(k, _)| !k.starts_with("aws:")).map(|(k, v)| (k.clone(), v.clone())).collect()
    };
    let mut declared = visible(&decl.tags);
    declared.extend(tag_decls.iter().filter(|(k, _)| !k.starts_with("aws:")).map(|(k, v)| (k.clone(), v.clone())));
    let actual = visible(&live.tags);
    if declared == actual {
        return;
    }
    let mut declared_diff = serde_json::Map::new();
    let mut live_diff = serde_json::Map::new();
    let mut words = Vec::new();
    let keys: std::collections::BTreeSet<&String> = declared.keys().chain(actual.keys()).collect();
    for key in keys {
        let (a, b) = (declared.get(key), actual.get(key));
        if a == b {
            continue;
        }
        declared_diff.insert(key.clone(), a.map_or(Value::Null, |v| Value::String(v.clone())));
        live_diff.insert(key.clone(), b.map_or(Value::Null, |v| Value::String(v.clone())));
        words.push(match (a, b) {
            (Some(a), Some(b)) => format!("{key} is {b:?} live but {a:?} in the state"),
            (Some(a), None) => format!("{key}={a:?} is declared but missing live"),
            (None, Some(b)) => format!("{key}={b:?} was added outside Terraform"),
            (None, None) => continue,
        });
    }
    let reason = format!("tags differ from {}: {}", decl.address, words.join("; "));
    push(graph, outcome, i, d, "tags".to_owned(), Value::Object(declared_diff), Value::Object(live_diff), reason);
}

fn attributes(graph: &Graph<'_>, outcome: &mut Outcome, i: usize, d: DeclRef) {
    let decl = graph.decl(d);
    let live = &graph.live()[i];
    for checked in &decl.checked {
        let Some(actual) = live.attributes.get(&checked.live) else { continue };
        if text(actual).is_empty() || text(&checked.value).is_empty() || text(actual) == text(&checked.value) {
            continue;
        }
        let reason =
            format!("{} is {} live but {} in {}", checked.path, text(actual), text(&checked.value), decl.address);
        push(graph, outcome, i, d, checked.path.to_string(), checked.value.clone(), actual.clone(), reason);
    }
}

fn parts_complete(graph: &Graph<'_>, live: &LiveResource, sub_kind: &str) -> bool {
    !graph.inventory.gaps.iter().any(|g| g.covers(sub_kind, &live.account, &live.region))
}

/// What every managed state declares about the routes AWS writes by itself: which gateway
/// routes into which table (a gateway endpoint's tables, a route table's propagating
/// virtual private gateways), and which endpoints are declared at all. Made once per scan.
struct DeclaredGateways<'a> {
    /// (route table, gateway) pairs.
    routes: HashSet<(&'a str, &'a str)>,
    /// Endpoints a state declares.
    endpoints: HashSet<&'a str>,
}

impl<'a> DeclaredGateways<'a> {
    fn of(graph: &Graph<'a>) -> Self {
        let mut routes = HashSet::new();
        let mut endpoints = HashSet::new();
        for decl in graph.states.files.iter().flat_map(|file| &file.resources).filter(|d| d.is_managed()) {
            routes.extend(decl.gateway_routes.iter().map(|g| (g.route_table.as_str(), g.gateway.as_str())));
            if let Some(("ec2:vpc-endpoint", id)) = decl.live_key() {
                endpoints.insert(id);
            }
        }
        Self { routes, endpoints }
    }
}

fn routes(graph: &Graph<'_>, outcome: &mut Outcome, i: usize, decls: &[DeclRef], gateways: &DeclaredGateways<'_>) {
    let table = &graph.live()[i];
    if !parts_complete(graph, table, "ec2:route") {
        return;
    }
    let declared: Vec<(&Route, DeclRef)> =
        decls.iter().flat_map(|&d| graph.decl(d).parts.routes.iter().map(move |r| (r, d))).collect();
    let owner = decls[0];
    // Propagated routes, by the gateway that propagates them: one finding per gateway whose
    // propagation no state declares, however many routes it brings.
    let mut propagated: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for route in &table.parts.routes {
        let target = route.target.clone().unwrap_or_default();
        let written_for_a_declaration = || gateways.routes.contains(&(table.id.as_str(), target.as_str()));
        if route.propagated() {
            if !written_for_a_declaration() {
                propagated.entry(route.target.as_deref().unwrap_or_default()).or_default().insert(&route.destination);
            }
            continue;
        }
        if route.made_by_aws() {
            continue;
        }
        let by_endpoint = target.starts_with("vpce-");
        let found = declared.iter().find(|(r, _)| r.destination == route.destination);
        if found.is_none() && by_endpoint && written_for_a_declaration() {
            continue;
        }
        if let Some((r, d)) = found {
            let want = r.target.clone().unwrap_or_default();
            if !want.is_empty() && !target.is_empty() && want != target {
                let reason = format!(
                    "route {} goes to {target} live but to {want} in {}",
                    route.destination,
                    graph.decl(*d).address
                );
                push(
                    graph,
                    outcome,
                    i,
                    *d,
                    format!("route {}", route.destination),
                    Value::String(want),
                    Value::String(target),
                    reason,
                );
            }
        } else {
            let undeclared = if !by_endpoint {
                "it".to_owned()
            } else if gateways.endpoints.contains(target.as_str()) {
                format!("VPC endpoint {target} on this table")
            } else {
                format!("it, nor VPC endpoint {target}")
            };
            let reason = format!(
                "route {} → {target} is in route table {} but no state declares {undeclared} (added outside Terraform)",
                route.destination, table.id
            );
            push(
                graph,
                outcome,
                i,
                owner,
                format!("route {}", route.destination),
                Value::Null,
                Value::String(target),
                reason,
            );
        }
    }
    for (gateway, destinations) in propagated {
        let reason = format!(
            "route table {} receives routes propagated from {gateway} ({}) but no state declares that \
             propagation (enabled outside Terraform)",
            table.id,
            destinations.into_iter().collect::<Vec<_>>().join(", ")
        );
        push(
            graph,
            outcome,
            i,
            owner,
            format!("propagation {gateway}"),
            Value::Null,
            Value::String(gateway.to_owned()),
            reason,
        );
    }
}

fn rules(graph: &Graph<'_>, outcome: &mut Outcome, i: usize, decls: &[DeclRef]) {
    let group = &graph.live()[i];
    if !parts_complete(graph, group, "ec2:security-group-rule") {
        return;
    }
    let declared: Vec<&SecurityGroupRule> = decls.iter().flat_map(|&d| graph.decl(d).parts.rules.iter()).collect();
    let is_default_group = group.attr_str("group_name") == Some("default");
    for rule in &group.parts.rules {
        // What AWS makes by itself: the allow-all egress of a new group, and the default
        // group's rule that lets its members talk to each other.
        if rule.is_default_egress()
            || (is_default_group && !rule.egress && rule.group.as_deref() == Some(group.id.as_str()))
        {
            continue;
        }
        let known = declared.iter().any(|d| d.key() == rule.key() || (d.id.is_some() && d.id == rule.id));
        if !known {
            let reason = format!(
                "security group {} has a rule no state declares ({}): added outside Terraform",
                group.id,
                rule.describe()
            );
            push(
                graph,
                outcome,
                i,
                decls[0],
                format!("rule {}", rule.describe()),
                Value::Null,
                Value::String(rule.describe()),
                reason,
            );
        }
    }
}
