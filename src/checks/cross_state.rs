//! `cross_state`: ties between states. A resource in one state that references a resource
//! declared in another (destroy the referencing state first), and a resource declared by
//! two states at once (destroying either destroys the other's resource).

use std::collections::BTreeMap;

use super::Outcome;
use super::finding::{Finding, FindingKind, Related, ResourceRef, Severity, StateRef};
use crate::graph::{DeclRef, Graph, RefTarget};
use crate::state::identity;

pub fn check(graph: &Graph<'_>, outcome: &mut Outcome) {
    references(graph, outcome);
    double_ownership(graph, outcome);
}

/// The managed declarations a reference target stands for.
fn declarations(graph: &Graph<'_>, target: RefTarget) -> Vec<DeclRef> {
    match target {
        RefTarget::Live(i) => graph.accounting(i),
        RefTarget::Declared(d) => vec![d],
        RefTarget::Nowhere => Vec::new(),
    }
}

fn references(graph: &Graph<'_>, outcome: &mut Outcome) {
    // (referenced declaration, referencing state) → referencing addresses.
    let mut ties: BTreeMap<(DeclRef, usize), Vec<(usize, String)>> = BTreeMap::new();
    for (f, file) in graph.states.files.iter().enumerate() {
        for (r, decl) in file.resources.iter().enumerate() {
            for (k, target) in graph.ref_targets[f][r].iter().enumerate() {
                for d in declarations(graph, *target) {
                    if d.0 == f {
                        continue;
                    }
                    let entry = ties.entry((d, f)).or_default();
                    let path = &decl.references[k].path;
                    let label = format!("{} ({path})", decl.address);
                    if !entry.iter().any(|(rr, _)| *rr == r) {
                        entry.push((r, label));
                    }
                }
            }
        }
    }
    let severity = graph.policy.severity(FindingKind::CrossState);
    for ((d, f), referrers) in ties {
        let target = graph.decl(d);
        let referencing = &graph.states.files[f];
        let (kind, id) = target.live_key().map_or((target.tf_type.as_str(), target.address.as_str()), |(k, i)| (k, i));
        let live = graph.matches[d.0][d.1];
        let resource = if let Some(i) = live {
            ResourceRef::from_live(&graph.live()[i])
        } else {
            let (account, region) = graph.placement(d);
            ResourceRef::from_declared(kind, id, target, account, region)
        };
        let mut names: Vec<&str> = referrers.iter().map(|(_, label)| label.as_str()).collect();
        names.truncate(5);
        let more = if referrers.len() > 5 { format!(" and {} more", referrers.len() - 5) } else { String::new() };
        let reason = format!(
            "declared in {} as {}; {} references it ({}{more}): destroy {} before {}, or destroying {} breaks it",
            target.source,
            target.address,
            referencing.source,
            names.join(", "),
            referencing.source,
            target.source,
            target.source
        );
        let related = referrers
            .iter()
            .map(|(r, _)| {
                let decl = &referencing.resources[*r];
                Related {
                    relation: "referenced-by".to_owned(),
                    id: decl.live_key().map_or_else(|| decl.address.clone(), |(_, id)| id.to_owned()),
                    kind: decl.live_key().map(|(k, _)| k.to_owned()),
                    state: Some(StateRef::of(decl)),
                }
            })
            .collect();
        outcome.findings.push(Finding {
            kind: FindingKind::CrossState,
            severity,
            resource,
            reason,
            state: Some(StateRef::of(target)),
            subject: Some(format!("referenced from {}", referencing.source)),
            related,
            drift: None,
            environment: graph.env_of_decl(d),
            order: vec![referencing.source.clone(), target.source.clone()],
            remains: None,
        });
    }
}

fn double_ownership(graph: &Graph<'_>, outcome: &mut Outcome) {
    for (i, r) in graph.live().iter().enumerate() {
        let owners: Vec<DeclRef> = graph.declared_by[i]
            .iter()
            .copied()
            .filter(|&d| identity::mapping(&graph.decl(d).tf_type).is_none_or(|m| !m.adopts))
            .collect();
        if owners.len() < 2 {
            continue;
        }
        let first = graph.decl(owners[0]);
        let places: Vec<String> = owners
            .iter()
            .map(|&d| {
                let decl = graph.decl(d);
                format!("{} in {}", decl.address, decl.source)
            })
            .collect();
        let related = owners[1..]
            .iter()
            .map(|&d| Related {
                relation: "also-declared-by".to_owned(),
                id: r.id.clone(),
                kind: Some(r.kind.clone()),
                state: Some(StateRef::of(graph.decl(d))),
            })
            .collect();
        outcome.findings.push(Finding {
            kind: FindingKind::CrossState,
            severity: Severity::Error.max(graph.policy.severity(FindingKind::CrossState)),
            resource: ResourceRef::from_live(r),
            reason: {
                let sources: std::collections::BTreeSet<&str> =
                    owners.iter().map(|&d| graph.decl(d).source.as_str()).collect();
                let who = if sources.len() == 1 {
                    format!("declared {} times in one state", owners.len())
                } else {
                    format!("declared by {} states at once", sources.len())
                };
                format!("{who} ({}): destroying either destroys the other's resource", places.join("; "))
            },
            state: Some(StateRef::of(first)),
            subject: Some("declared twice".to_owned()),
            related,
            drift: None,
            environment: graph.env_of_live(i),
            order: Vec::new(),
            remains: None,
        });
    }
}
