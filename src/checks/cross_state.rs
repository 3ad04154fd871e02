//! `cross_state`: ties between states. A resource in one state that references a resource
//! declared in another (destroy the referencing state first), and a resource declared by
//! two states at once (destroying either destroys the other's resource).
//!
//! A plain link between two live, declared resources of live environments (an app state's
//! instance in a network state's subnet) is normal layering: it goes to `Outcome::links`,
//! which `check-destroy` and `explain` show and a scan only counts. A link stays a finding
//! when something is wrong with it: its target is gone, a resource that holds it is gone,
//! or either state belongs to a deleted or decommissioned environment.

use std::collections::BTreeMap;

use super::Outcome;
use crate::graph::{DeclRef, Graph, RefTarget};
use crate::model::finding::{Finding, FindingKind, Related, ResourceRef, Severity, StateRef};
use crate::model::kinds;
use crate::state::{Identity, identity};

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

/// Whether a declaration only adopts its resource (`aws_default_route_table`, a peering
/// accepter): destroying its state forgets the resource and deletes nothing.
fn adopts(graph: &Graph<'_>, d: DeclRef) -> bool {
    identity::mapping(&graph.decl(d).tf_type).is_some_and(|m| m.adopts)
}

/// Why a declared resource is known to be gone, if it is: its live match is in a final
/// status, or nothing live matches where its kind was listed completely.
fn gone(graph: &Graph<'_>, d: DeclRef) -> Option<String> {
    if let Some(i) = graph.matches()[d.0][d.1] {
        let live = &graph.live()[i];
        let status = live.status.as_deref().unwrap_or("gone");
        return (!live.exists()).then(|| format!("{} {} is {status}", kinds::label(&live.kind), live.id));
    }
    let (kind, id) = match &graph.decl(d).identity {
        Identity::Live { kind, id } | Identity::Arn { kind, id, .. } => (kind, id),
        Identity::Part { parent_kind, parent_id, .. } => (parent_kind, parent_id),
        Identity::Unmapped | Identity::Foreign | Identity::NoId => return None,
    };
    let (account, region) = graph.placement(d);
    let listed = matches!((&account, &region), (Some(a), Some(r)) if graph.inventory.listed_completely(kind, a, r));
    listed.then(|| format!("{} {id} no longer exists", kinds::label(kind)))
}

/// Why the environment of a state is gone, if it is.
fn env_gone(graph: &Graph<'_>, d: DeclRef) -> Option<String> {
    let env = graph.env_of_decl(d)?;
    graph.envs().deletion(&env).map(|deletion| deletion.explain(&env))
}

/// Why a tie between states needs a person, or `None` for a plain link.
fn why_raised(graph: &Graph<'_>, target: DeclRef, referencing: usize, referrers: &[(usize, String)]) -> Option<String> {
    if let Some(why) = gone(graph, target) {
        return Some(format!("it references what is gone: {why}"));
    }
    for &(r, _) in referrers {
        if let Some(why) = gone(graph, (referencing, r)) {
            return Some(format!("a resource that holds the reference is gone: {why}"));
        }
    }
    env_gone(graph, target)
        .or_else(|| referrers.iter().find_map(|&(r, _)| env_gone(graph, (referencing, r))))
        .map(|why| format!("{why}, and this tie keeps it from being cleanly destroyed"))
}

fn references(graph: &Graph<'_>, outcome: &mut Outcome) {
    // (referenced declaration, referencing state) → referencing addresses.
    let mut ties: BTreeMap<(DeclRef, usize), Vec<(usize, String)>> = BTreeMap::new();
    // Ties through a live resource that is in a final status (a deleted peering).
    let mut through_gone: BTreeMap<(DeclRef, usize), String> = BTreeMap::new();
    for (f, file) in graph.states.files.iter().enumerate() {
        for (r, decl) in file.resources.iter().enumerate() {
            for (k, target) in graph.ref_targets()[f][r].iter().enumerate() {
                let reference = &decl.references[k];
                // What a resource creates along with itself (a VPC's main route table,
                // default group and network ACL) belongs to it: naming it is not depending
                // on whoever else declares it.
                if decl.inline.iter().any(|(kind, id)| *kind == reference.kind && *id == reference.target) {
                    continue;
                }
                for d in declarations(graph, *target) {
                    // Destroying a state that only adopts the target deletes nothing.
                    if d.0 == f || adopts(graph, d) {
                        continue;
                    }
                    if let RefTarget::Live(i) = *target
                        && !graph.live()[i].exists()
                    {
                        let live = &graph.live()[i];
                        let status = live.status.as_deref().unwrap_or("gone");
                        through_gone.insert((d, f), format!("{} {} is {status}", kinds::label(&live.kind), live.id));
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
        let live = graph.matches()[d.0][d.1];
        let resource = if let Some(i) = live {
            ResourceRef::from_live(&graph.live()[i])
        } else {
            let (account, region) = graph.placement(d);
            ResourceRef::from_declared(kind, id, target, account, region)
        };
        let mut names: Vec<&str> = referrers.iter().map(|(_, label)| label.as_str()).collect();
        names.truncate(5);
        let more = if referrers.len() > 5 { format!(" and {} more", referrers.len() - 5) } else { String::new() };
        let raised = match through_gone.remove(&(d, f)) {
            Some(why) => Some(format!("it references what is gone: {why}")),
            None => why_raised(graph, d, f, &referrers),
        };
        let mut reason = format!(
            "declared in {} as {}; {} references it ({}{more}): destroy {} before {}, or destroying {} breaks it",
            target.source,
            target.address,
            referencing.source,
            names.join(", "),
            referencing.source,
            target.source,
            target.source
        );
        if let Some(why) = &raised {
            reason.push_str("; ");
            reason.push_str(why);
        }
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
        let finding = Finding::new(FindingKind::CrossState, severity, resource, reason)
            .with_state(Some(StateRef::of(target)))
            .with_subject(Some(format!("referenced from {}", referencing.source)))
            .with_related(related)
            .in_environment(graph.env_of_decl(d))
            .with_order(vec![referencing.source.clone(), target.source.to_string()]);
        if raised.is_some() {
            outcome.findings.push(finding);
        } else {
            outcome.links.push(finding);
        }
    }
}

fn double_ownership(graph: &Graph<'_>, outcome: &mut Outcome) {
    for (i, r) in graph.live().iter().enumerate() {
        let owners: Vec<DeclRef> = graph.declared_by()[i]
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
        outcome.findings.push(
            Finding::new(
                FindingKind::CrossState,
                Severity::Error.max(graph.policy.severity(FindingKind::CrossState)),
                ResourceRef::from_live(r),
                {
                    let sources: std::collections::BTreeSet<&str> =
                        owners.iter().map(|&d| &*graph.decl(d).source).collect();
                    let who = if sources.len() == 1 {
                        format!("declared {} times in one state", owners.len())
                    } else {
                        format!("declared by {} states at once", sources.len())
                    };
                    format!("{who} ({}): destroying either destroys the other's resource", places.join("; "))
                },
            )
            .with_state(Some(StateRef::of(first)))
            .with_subject(Some("declared twice".to_owned()))
            .with_related(related)
            .in_environment(graph.env_of_live(i)),
        );
    }
}
