//! `env_check`: the post-decommission view of one environment (`scan --env NAME`): every
//! live resource that belongs to it (by tag, by VPC, or declared in its states), each
//! with why it remains, and the order in which the hand-made leftovers can be deleted.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::blocking::outside_terraform;
use crate::graph::order::deletion_order;
use crate::graph::{Class, Graph};
use crate::model::finding::{Finding, FindingKind};

/// What remains of an environment.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnvCheck {
    pub environment: String,
    /// Why the environment counts as gone (or that it was only asked about).
    pub status: String,
    /// The states that belong to it.
    pub states: Vec<String>,
    /// Live resources still there.
    pub remaining: usize,
    /// How many remain for each reason (`still declared`, `unmanaged`, `managed elsewhere`).
    pub by_reason: BTreeMap<String, usize>,
    /// The leftovers outside Terraform, in an order in which they can be deleted.
    pub deletion_order: Vec<String>,
}

fn reason_of(graph: &Graph<'_>, i: usize) -> &'static str {
    match &graph.classes()[i] {
        Class::Managed | Class::DeclaredInline { .. } => "still declared",
        Class::ManagedElsewhere { .. } => "managed elsewhere",
        _ => "unmanaged",
    }
}

/// Keeps only the findings about `env`, marks why each of its resources remains, and
/// summarises. The environment must already count as deleted (the caller marks it).
pub fn apply(graph: &Graph<'_>, env: &str, findings: &mut Vec<Finding>) -> EnvCheck {
    let env = graph.envs().canonical(env);
    let states: Vec<String> = graph.envs().envs.get(&env).map(|info| info.states.clone()).unwrap_or_default();
    findings.retain(|f| {
        f.environment.as_deref().is_some_and(|e| graph.envs().canonical(e) == env)
            || f.state.as_ref().is_some_and(|s| states.contains(&s.source))
    });
    // The heading says why the environment is gone; each row need not.
    if let Some(deletion) = graph.envs().deletion(&env) {
        let said = format!("; {}", deletion.explain(&env));
        for f in findings.iter_mut().filter(|f| f.kind == FindingKind::DeletedEnv) {
            f.reason = f.reason.replace(&said, "");
        }
    }
    let mut by_reason: BTreeMap<String, usize> = BTreeMap::new();
    let mut outside = BTreeSet::new();
    let mut remaining = 0;
    for f in findings.iter_mut().filter(|f| f.kind == FindingKind::DeletedEnv) {
        let Some(i) = f.resource.arn.as_deref().and_then(|arn| graph.find_arn(arn)) else { continue };
        let reason = reason_of(graph, i);
        f.remains = Some(reason.to_owned());
        *by_reason.entry(reason.to_owned()).or_default() += 1;
        remaining += 1;
        if outside_terraform(graph, i) {
            outside.insert(i);
        }
    }
    let deletion_order = deletion_order(graph, &outside).into_iter().map(|i| graph.live()[i].id.clone()).collect();
    let verdict = graph.envs().deletion(&env).map_or_else(|| format!("{env} is alive"), |d| d.explain(&env));
    EnvCheck { environment: env, status: verdict, states, remaining, by_reason, deletion_order }
}
