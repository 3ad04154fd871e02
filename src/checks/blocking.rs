//! blocking: live resources outside Terraform that depend on a managed one and so will
//! block (or break) destroying it: an interface in a managed subnet, an instance in a
//! managed security group, a rule naming a managed group, a route to a managed gateway.
//! Each finding names what it blocks; what is in the way of each blocked resource, and the
//! order in which it must go, is stated once (`Outcome::blocked`), whatever number of
//! findings name it.

use std::collections::{BTreeSet, HashMap, HashSet};

use super::Outcome;
use super::resource_ref::first_declaration;
use crate::graph::order::{blocks, deletion_order, dependents};
use crate::graph::{Class, Graph, Owner};
use crate::model::Blocked;
use crate::model::finding::{Finding, FindingKind, Related, ResourceRef, StateRef};

/// Whether a live resource is outside Terraform: unmanaged or managed by another tool, or
/// owned by such a resource.
pub fn outside_terraform(graph: &Graph<'_>, i: usize) -> bool {
    let root = graph.root_owner(i);
    graph.live()[root].exists()
        && graph.ignored()[root].is_none()
        && matches!(
            &graph.classes()[root],
            Class::Unmanaged { .. }
                | Class::ManagedElsewhere { .. }
                | Class::Owned { owner: Owner::Unresolved { .. }, .. }
        )
}

/// The blockers of destroying managed resource `target`: outside-Terraform resources that
/// depend on it (directly or through each other), in deletion order.
pub fn blockers_of(graph: &Graph<'_>, target: usize) -> Vec<usize> {
    let set: BTreeSet<usize> =
        dependents(graph, target, &|j| outside_terraform(graph, j)).into_iter().map(|j| graph.root_owner(j)).collect();
    deletion_order(graph, &set)
}

pub fn check(graph: &Graph<'_>, outcome: &mut Outcome) {
    let severity = graph.policy.severity(FindingKind::BlockingDependency);
    let mut reported = HashSet::new();
    // Many blockers share what they block: each blocking set is computed once, and stated
    // once in the report (`Outcome::blocked`), never repeated in every finding.
    let mut sets: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, _) in graph.live().iter().enumerate() {
        if !outside_terraform(graph, i) || graph.ownership_uncertain(i) {
            continue;
        }
        let blocked: BTreeSet<usize> = graph.out_edges()[i]
            .iter()
            .filter(|e| blocks(graph, e) && graph.is_managed(e.to) && graph.live()[e.to].exists())
            .map(|e| e.to)
            .collect();
        if blocked.is_empty() {
            continue;
        }
        let root = graph.root_owner(i);
        if !reported.insert(root) {
            continue;
        }
        let in_the_way = blocked.iter().map(|&m| sets.entry(m).or_insert_with(|| blockers_of(graph, m)).len()).max();
        outcome.findings.push(finding(graph, root, i, &blocked, severity, in_the_way.unwrap_or(0)));
    }
    let mut entries: Vec<Blocked> = sets.into_iter().map(|(m, set)| entry(graph, m, &set)).collect();
    entries.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
    outcome.blocked = entries;
}

/// Where a state declares live resource `m`, for naming it.
fn declared_at(graph: &Graph<'_>, m: usize) -> Option<StateRef> {
    let target = &graph.live()[m];
    let decl = graph.accounting(m).first().copied().or_else(|| first_declaration(graph, &target.kind, &target.id));
    decl.map(|d| StateRef::of(graph.decl(d)))
}

/// The report's entry for managed resource `m` and its blockers `set`, in deletion order.
fn entry(graph: &Graph<'_>, m: usize, set: &[usize]) -> Blocked {
    let target = &graph.live()[m];
    Blocked {
        kind: target.kind.clone(),
        id: target.id.clone(),
        arn: Some(target.arn.clone()).filter(|a| !a.is_empty()),
        account: Some(target.account.clone()),
        region: Some(target.region.clone()),
        state: declared_at(graph, m),
        order: set.iter().map(|&j| graph.live()[j].id.clone()).collect(),
    }
}

/// What a blocker is in the way of, as the end of a sentence: `it will block destroying
/// subnet subnet-1 (aws_subnet.a) (through eni-1); 3 resources outside Terraform are in its
/// way: the report's blocked section gives the order to delete them`. Built from the
/// finding's `blocks` relations, so a finding that absorbs a blocker's can say it too;
/// `in_the_way` is the most blockers any of them has. Its length is bounded by the
/// finding's own relations, never by how many others block the same resource.
pub fn blocks_clause(related: &[Related], through: Option<&str>, in_the_way: usize) -> String {
    let names: Vec<String> = related
        .iter()
        .filter(|r| r.relation == "blocks")
        .map(|r| {
            let label = r.kind.as_deref().map_or("resource", crate::model::kinds::label);
            match &r.state {
                Some(s) => format!("{label} {} ({})", r.id, s.address),
                None => format!("{label} {}", r.id),
            }
        })
        .collect();
    let mut clause = format!("it will block destroying {}", names.join(", "));
    if let Some(via) = through {
        clause.push_str(&format!(" (through {via})"));
    }
    if in_the_way > 1 {
        clause.push_str(&format!(
            "; {in_the_way} resources outside Terraform are in the way: the blocked section gives the order to delete them"
        ));
    }
    clause
}

fn finding(
    graph: &Graph<'_>,
    root: usize,
    via: usize,
    blocked: &BTreeSet<usize>,
    severity: super::Severity,
    in_the_way: usize,
) -> Finding {
    let r = &graph.live()[root];
    let mut related = Vec::new();
    let mut owned_note = String::new();
    let mut own = super::resource_ref::related_with_owned(graph, root, &mut owned_note);
    for &m in blocked {
        let target = &graph.live()[m];
        related.push(Related {
            relation: "blocks".to_owned(),
            id: target.id.clone(),
            kind: Some(target.kind.clone()),
            state: declared_at(graph, m),
        });
    }
    let mut how = match &graph.classes()[root] {
        Class::ManagedElsewhere { by, .. } => format!("managed by {by}, not Terraform"),
        Class::Unmanaged { note: Some(note) } => format!("no state declares it ({note})"),
        _ => "no state declares it".to_owned(),
    };
    if let Some(tags) = super::resource_ref::tag_summary(graph, &r.tags) {
        how.push_str(&format!(" (tagged {tags})"));
    }
    let through = (via != root).then(|| graph.live()[via].id.as_str());
    let mut reason = format!("{how}, and {}", blocks_clause(&related, through, in_the_way));
    reason.push_str(&owned_note);
    own.append(&mut related);
    let related = own;
    Finding::new(FindingKind::BlockingDependency, severity, ResourceRef::from_live(r), reason)
        .with_related(related)
        .in_environment(graph.env_of_live(root))
}
