//! `destroy_check`: the pre-destroy guard (`check-destroy`). What destroying the target
//! states would take, grouped by environment, with every resource tagged for another
//! environment than the target's flagged; what outside Terraform depends on the target
//! (and will block or break the destroy); and which other states reference it.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::graph::Graph;
use crate::model::finding::{Finding, FindingKind, ResourceRef, StateRef};
use crate::state::Identity;

/// One resource the destroy would remove.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyItem {
    pub source: String,
    pub address: String,
    pub kind: String,
    pub id: String,
    /// Whether it still exists (a declared resource already gone is only forgotten).
    pub live: bool,
    pub environment: Option<String>,
}

/// The destroy at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyCheck {
    pub targets: Vec<String>,
    /// The environment the target states belong to.
    pub environment: Option<String>,
    /// Resources the destroy would remove, per environment (`(untagged)` for none).
    pub by_environment: BTreeMap<String, usize>,
    pub resources: Vec<DestroyItem>,
}

/// Reduces the findings of a scan over target and other states to those that concern the
/// destroy, adds `env-mismatch` findings, and summarises what it would remove.
pub fn apply(graph: &Graph<'_>, targets: &BTreeSet<String>, findings: &mut Vec<Finding>) -> DestroyCheck {
    let envs: BTreeSet<String> = targets.iter().filter_map(|t| graph.envs().of_state(t).map(str::to_owned)).collect();
    let target_env = if envs.len() == 1 { envs.into_iter().next() } else { None };
    let mut check = DestroyCheck {
        targets: targets.iter().cloned().collect(),
        environment: target_env.clone(),
        ..Default::default()
    };
    let mut mismatches = Vec::new();
    for (f, file) in graph.states.files.iter().enumerate() {
        if !targets.contains(&file.source) {
            continue;
        }
        for (r, decl) in file.resources.iter().enumerate() {
            let (kind, id) = match &decl.identity {
                Identity::Live { kind, id } | Identity::Arn { kind, id, .. } => (kind.to_string(), id.clone()),
                _ => continue,
            };
            if !decl.is_managed() {
                continue;
            }
            let live = graph.matches()[f][r].filter(|&i| graph.live()[i].exists());
            let env = match live {
                Some(i) => graph.envs().env_of_tags(&graph.live()[i].tags),
                None => graph.envs().env_of_tags(&decl.tags),
            };
            *check.by_environment.entry(env.clone().unwrap_or_else(|| "(untagged)".to_owned())).or_default() += 1;
            if let (Some(env), Some(target)) = (&env, &target_env)
                && env != target
            {
                let resource = if let Some(i) = live {
                    ResourceRef::from_live(&graph.live()[i])
                } else {
                    let (account, region) = graph.placement((f, r));
                    ResourceRef::from_declared(&kind, &id, decl, account, region)
                };
                mismatches.push(Finding::new(FindingKind::EnvMismatch, graph.policy.severity(FindingKind::EnvMismatch), resource, format!(
                            "destroying {} (environment {target}) would delete {} {id}, which is tagged for {env}: is this the right state?",
                            file.source,
                            crate::model::kinds::label(&kind)
                        )).with_state(Some(StateRef::of(decl))).in_environment(Some(env.clone())));
            }
            check.resources.push(DestroyItem {
                source: file.source.clone(),
                address: decl.address.clone(),
                kind,
                id,
                live: live.is_some(),
                environment: env,
            });
        }
    }
    findings.retain(|f| match f.kind {
        // Outside Terraform and in the way of something the target declares.
        FindingKind::BlockingDependency => f
            .related
            .iter()
            .any(|r| r.relation == "blocks" && r.state.as_ref().is_some_and(|s| targets.contains(&s.source))),
        // Another state relies on what the target declares, or shares a resource with it.
        FindingKind::CrossState => {
            let declared_here = f.state.as_ref().is_some_and(|s| targets.contains(&s.source));
            let by_other = f.related.iter().any(|r| r.state.as_ref().is_some_and(|s| !targets.contains(&s.source)));
            let shared = f.related.iter().any(|r| r.relation == "also-declared-by")
                && (declared_here
                    || f.related.iter().any(|r| r.state.as_ref().is_some_and(|s| targets.contains(&s.source))));
            (declared_here && by_other) || shared
        }
        _ => false,
    });
    findings.extend(mismatches);
    check
}
