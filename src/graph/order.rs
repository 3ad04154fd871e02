//! order: which relations make one resource depend on another, what blocks deleting what,
//! and the order in which a set of resources can be deleted (dependents first). Pure.

use std::collections::{BTreeSet, HashSet};

use super::graph::{Edge, Graph};
use crate::inventory::RelationKind as R;

/// Whether an edge means `from` must be gone before `to` can be deleted.
pub fn blocks(graph: &Graph<'_>, edge: &Edge) -> bool {
    match edge.relation {
        R::InSubnet | R::InVpc | R::UsesSecurityGroup | R::References | R::RoutesTo | R::PeersWith | R::MemberOf => {
            true
        }
        // A gateway attached to a VPC holds it; a volume or address attached to an
        // instance does not stop the instance from being terminated.
        R::AttachedTo => graph.live()[edge.to].kind == "ec2:vpc",
        R::CreatedBy | R::AssociatedWith => false,
    }
}

/// Everything in `within` that (transitively, through `within`) depends on `target`.
pub fn dependents(graph: &Graph<'_>, target: usize, within: &dyn Fn(usize) -> bool) -> BTreeSet<usize> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![target];
    while let Some(node) = stack.pop() {
        for edge in &graph.in_edges[node] {
            if blocks(graph, edge) && within(edge.from) && seen.insert(edge.from) {
                stack.push(edge.from);
            }
        }
    }
    seen
}

/// A deletion order of `set`: every resource comes before the ones it depends on.
/// Cycles (two groups referencing each other) are broken by id order.
pub fn deletion_order(graph: &Graph<'_>, set: &BTreeSet<usize>) -> Vec<usize> {
    let mut out = Vec::with_capacity(set.len());
    let mut done = HashSet::new();
    let mut visiting = HashSet::new();
    for &node in set {
        visit(graph, node, set, &mut done, &mut visiting, &mut out);
    }
    out
}

// Depth-first over "is depended on by": a node is emitted after all its dependents.
fn visit(
    graph: &Graph<'_>,
    node: usize,
    set: &BTreeSet<usize>,
    done: &mut HashSet<usize>,
    visiting: &mut HashSet<usize>,
    out: &mut Vec<usize>,
) {
    if done.contains(&node) || !visiting.insert(node) {
        return;
    }
    let mut dependents: Vec<usize> =
        graph.in_edges[node].iter().filter(|e| set.contains(&e.from) && blocks(graph, e)).map(|e| e.from).collect();
    dependents.sort_unstable();
    dependents.dedup();
    for d in dependents {
        visit(graph, d, set, done, visiting, out);
    }
    visiting.remove(&node);
    if done.insert(node) {
        out.push(node);
    }
}
