//! `broken_reference`: something points at what does not exist or cannot be used. Targets
//! are judged by their own existence and status, never by the pointer's status field (AWS
//! marks a route into a deleted peering `blackhole` only after a while, emulators never).

use super::Outcome;
use crate::graph::{Graph, RefTarget};
use crate::inventory::{LiveResource, RelationKind as R};
use crate::model::finding::{Finding, FindingKind, Related, ResourceRef, StateRef};
use crate::model::kinds;

/// Kinds whose listing covers everything a reference may name. Images and snapshots are
/// listed only when the account owns them, so a reference to a public AMI is not stale.
fn exhaustive(kind: &str) -> bool {
    kinds::spec_of(kind).is_some_and(|s| s.listed_by.is_some()) && !matches!(kind, "ec2:image" | "ec2:snapshot")
}

/// Why a live target cannot be used, if it cannot.
fn unusable(target: &LiveResource) -> Option<String> {
    let status = target.status.as_deref().unwrap_or("");
    if !target.exists() {
        return Some(format!("{} {} is {status}", kinds::label(&target.kind), target.id));
    }
    let bad = match target.kind.as_str() {
        "ec2:vpc-peering-connection" => status != "active",
        "ec2:natgateway" | "ec2:transit-gateway" => status != "available",
        "ec2:instance" => matches!(status, "stopped" | "stopping" | "shutting-down"),
        _ => false,
    };
    bad.then(|| format!("{} {} is {status}", kinds::label(&target.kind), target.id))
}

pub fn check(graph: &Graph<'_>, outcome: &mut Outcome) {
    routes(graph, outcome);
    peerings(graph, outcome);
    dangling_relations(graph, outcome);
    stale_state_references(graph, outcome);
}

fn push(
    graph: &Graph<'_>,
    outcome: &mut Outcome,
    i: usize,
    subject: Option<String>,
    reason: String,
    related: Vec<Related>,
) {
    let r = &graph.live()[i];
    outcome.findings.push(
        Finding::new(
            FindingKind::BrokenReference,
            graph.policy.severity(FindingKind::BrokenReference),
            ResourceRef::from_live(r),
            reason,
        )
        .with_state(graph.accounting(i).first().map(|&d| StateRef::of(graph.decl(d))))
        .with_subject(subject)
        .with_related(related)
        .in_environment(graph.env_of_live(i)),
    );
}

fn listed(graph: &Graph<'_>, kind: &str, r: &LiveResource) -> bool {
    graph.inventory.listed_completely(kind, &r.account, &r.region)
}

/// Routes whose target is gone or not usable.
fn routes(graph: &Graph<'_>, outcome: &mut Outcome) {
    for (i, table) in graph.live().iter().enumerate() {
        if table.kind != "ec2:route-table" || !table.exists() || graph.ignored()[i].is_some() {
            continue;
        }
        for route in &table.parts.routes {
            let Some(target) = route.target.as_deref().filter(|t| *t != "local") else { continue };
            let Some(spec) = kinds::kind_of_id(target) else { continue };
            if !listed(graph, spec.kind, table) {
                continue;
            }
            let problem = match graph.find(spec.kind, target, &table.account, &table.region) {
                Some(j) => unusable(&graph.live()[j]),
                None => Some(format!("{} {target} does not exist", spec.label)),
            };
            let Some(problem) = problem else { continue };
            let reason = format!(
                "route table {} sends {} to {}, but {problem}: traffic to {} goes nowhere",
                table.id, route.destination, target, route.destination
            );
            let related = vec![Related {
                relation: "routes-to".to_owned(),
                id: target.to_owned(),
                kind: Some(spec.kind.to_owned()),
                state: None,
            }];
            push(graph, outcome, i, Some(format!("route {}", route.destination)), reason, related);
        }
    }
}

/// Peerings that are not active, or whose VPCs are gone, when something still uses them.
fn peerings(graph: &Graph<'_>, outcome: &mut Outcome) {
    for (i, pcx) in graph.live().iter().enumerate() {
        if pcx.kind != "ec2:vpc-peering-connection" || graph.ignored()[i].is_some() {
            continue;
        }
        let mut problems = Vec::new();
        let status = pcx.status.as_deref().unwrap_or("unknown");
        let active = status == "active";
        if !active {
            let expired_pending = status == "pending-acceptance";
            problems.push(if expired_pending {
                format!("it is still pending acceptance (expires {})", pcx.attr_str("expiration_time").unwrap_or("?"))
            } else {
                format!("it is {status}")
            });
        }
        for side in ["requester", "accepter"] {
            let Some(vpc) = pcx.attr_str(&format!("{side}_vpc_id")) else { continue };
            let account = pcx.attr_str(&format!("{side}_owner_id")).unwrap_or(&pcx.account);
            let region = pcx.attr_str(&format!("{side}_region")).unwrap_or(&pcx.region);
            if !graph.inventory.listed_completely("ec2:vpc", account, region) {
                continue;
            }
            let alive = graph.find("ec2:vpc", vpc, account, region).is_some_and(|j| graph.live()[j].exists());
            if !alive {
                problems.push(format!("its {side} VPC {vpc} no longer exists"));
            }
        }
        if problems.is_empty() {
            continue;
        }
        // A peering that is simply gone matters only while something still uses it.
        let users: Vec<Related> = graph.in_edges()[i]
            .iter()
            .filter(|e| e.relation == R::RoutesTo)
            .map(|e| {
                let from = &graph.live()[e.from];
                Related {
                    relation: "routed-from".to_owned(),
                    id: from.id.clone(),
                    kind: Some(from.kind.clone()),
                    state: None,
                }
            })
            .collect();
        let declared = !graph.accounting(i).is_empty();
        if active || !users.is_empty() || declared {
            let mut reason = format!("VPC peering {}: {}", pcx.id, problems.join("; "));
            if !users.is_empty() {
                let ids: Vec<&str> = users.iter().map(|u| u.id.as_str()).collect();
                reason.push_str(&format!("; route tables {} still route into it", ids.join(", ")));
            }
            if declared {
                reason.push_str("; a state still declares it");
            }
            push(graph, outcome, i, None, reason, users);
        }
    }
}

/// Relations a kind cannot work without (its registry entry's `needs`: a security group
/// rule naming a group, an EKS cluster's subnets, a function's role, a secret's key) whose
/// target is gone: not listed at all, or listed in a final status (a key pending deletion).
fn dangling_relations(graph: &Graph<'_>, outcome: &mut Outcome) {
    let live = graph.live();
    let gone_targets = live
        .iter()
        .enumerate()
        .flat_map(|(i, _)| graph.out_edges()[i].iter().filter(|e| !live[e.to].exists()).map(move |e| (i, e.index)));
    let mut broken: Vec<(usize, usize)> = graph.dangling().iter().copied().chain(gone_targets).collect();
    broken.sort_unstable();
    broken.dedup();
    for (i, index) in broken {
        let r = &live[i];
        if !r.exists() || graph.ignored()[i].is_some() {
            continue;
        }
        let rel = &r.relations[index];
        let relevant = kinds::kind(&r.kind)
            .is_some_and(|k| k.needs.iter().any(|(kind, target)| *kind == rel.kind && *target == rel.target_kind));
        // A target of another account is judged only when that account was listed: a rule
        // naming a group of an account leftover did not scan is not broken.
        let account = rel.target_account(&r.account);
        if !relevant || !graph.inventory.listed_completely(&rel.target_kind, account, &r.region) {
            continue;
        }
        let what = match rel.kind {
            R::References => {
                rel.detail.as_deref().map_or_else(|| "it names".to_owned(), |d| format!("a rule ({d}) names"))
            }
            R::InSubnet => "it names subnet".to_owned(),
            _ => "it uses".to_owned(),
        };
        let reason = format!(
            "{} {}: {what} {} {}, which {}",
            kinds::label(&r.kind),
            r.id,
            kinds::label(&rel.target_kind),
            rel.target,
            graph
                .find(&rel.target_kind, &rel.target, account, &r.region)
                .and_then(|j| live[j].status.as_deref())
                .map_or_else(|| "does not exist".to_owned(), |status| format!("is {status}"))
        );
        let related = vec![Related {
            relation: rel.kind.as_str().to_owned(),
            id: rel.target.clone(),
            kind: Some(rel.target_kind.clone()),
            state: None,
        }];
        push(graph, outcome, i, Some(format!("{} {}", rel.kind, rel.target)), reason, related);
    }
}

/// State attributes naming an id that is neither live nor declared anywhere.
fn stale_state_references(graph: &Graph<'_>, outcome: &mut Outcome) {
    for (f, file) in graph.states.files.iter().enumerate() {
        for (r, decl) in file.resources.iter().enumerate() {
            // A declared resource that is itself gone is reported missing; what it names
            // went with it.
            let gone = match graph.matches()[f][r] {
                Some(i) => !graph.live()[i].exists(),
                None => decl.live_key().is_some(),
            };
            if !decl.is_managed() || gone {
                continue;
            }
            let (own_account, own_region) = graph.placement((f, r));
            for (k, reference) in decl.references.iter().enumerate() {
                // The target may be elsewhere (a peering with another account's VPC): it is
                // judged where it is, and only if that account and region were listed.
                let account = reference.account.clone().or_else(|| own_account.clone());
                let region = reference.region.clone().or_else(|| own_region.clone());
                let (Some(account), Some(region)) = (account, region) else { continue };
                let created_by_it =
                    decl.inline.iter().any(|(kind, id)| *kind == reference.kind && *id == reference.target);
                if graph.ref_targets()[f][r][k] != RefTarget::Nowhere
                    || created_by_it
                    || !exhaustive(&reference.kind)
                    || !graph.inventory.listed_completely(&reference.kind, &account, &region)
                {
                    continue;
                }
                // An unreadable state may declare the target: then it is not stale.
                if !graph.states.gaps.is_empty() {
                    outcome.withheld += 1;
                    continue;
                }
                let reason = format!(
                    "{} ({}) in {} names {} {}, which neither exists nor is declared in any state: a stale reference",
                    decl.address,
                    reference.path,
                    decl.source,
                    kinds::label(&reference.kind),
                    reference.target
                );
                let mut resource =
                    ResourceRef::from_declared(&reference.kind, &reference.target, decl, Some(account), Some(region));
                resource.tags.clear();
                outcome.findings.push(
                    Finding::new(
                        FindingKind::BrokenReference,
                        graph.policy.severity(FindingKind::BrokenReference),
                        resource,
                        reason,
                    )
                    .with_state(Some(StateRef::of(decl)))
                    .with_subject(Some(reference.path.clone()))
                    .with_related(decl.live_key().map_or_else(Vec::new, |(kind, id)| {
                        vec![Related {
                            relation: "referenced-by".to_owned(),
                            id: id.to_owned(),
                            kind: Some(kind.to_owned()),
                            state: Some(StateRef::of(decl)),
                        }]
                    }))
                    .in_environment(graph.env_of_decl((f, r))),
                );
            }
        }
    }
}
