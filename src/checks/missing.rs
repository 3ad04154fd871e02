//! missing: declared resources that are gone from AWS (deleted out of band), including
//! routes, rules and ACL entries inside a live parent. Only drawn where the listing of
//! the kind in that account and region is complete.

use super::Outcome;
use crate::graph::{DeclRef, Graph};
use crate::inventory::LiveResource;
use crate::model::finding::{Finding, FindingKind, ResourceRef, StateRef};
use crate::model::kinds;
use crate::model::subresource::{NetworkAclEntry, Route, SecurityGroupRule, SubResources};
use crate::state::{Identity, StateResource};

pub fn check(graph: &Graph<'_>, outcome: &mut Outcome) {
    for (f, file) in graph.states.files.iter().enumerate() {
        for (r, decl) in file.resources.iter().enumerate() {
            if !decl.is_managed() {
                continue;
            }
            check_one(graph, (f, r), decl, outcome);
        }
    }
}

fn listed(graph: &Graph<'_>, kind: &str, account: Option<&str>, region: Option<&str>) -> bool {
    match (account, region) {
        (Some(a), Some(r)) => graph.inventory.listed_completely(kind, a, r),
        _ => false,
    }
}

fn check_one(graph: &Graph<'_>, at: DeclRef, decl: &StateResource, outcome: &mut Outcome) {
    let (account, region) = graph.placement(at);
    let found = graph.matches()[at.0][at.1].map(|i| &graph.live()[i]);
    match &decl.identity {
        Identity::Live { kind, id } | Identity::Arn { kind, id, .. } => {
            let alive = found.is_some_and(LiveResource::exists);
            if !alive {
                if !listed(graph, kind, account.as_deref(), region.as_deref()) {
                    return;
                }
                let place = region.as_deref().unwrap_or("?");
                let reason = match found {
                    Some(gone) => format!(
                        "declared as {}, but the {} is {} in {place}",
                        decl.address,
                        kinds::label(kind),
                        gone.status.as_deref().unwrap_or("gone")
                    ),
                    None => format!(
                        "declared as {}, but no {} {id} exists in {} {place}: deleted outside Terraform?",
                        decl.address,
                        kinds::label(kind),
                        account.as_deref().unwrap_or("?"),
                    ),
                };
                push(graph, outcome, at, kind, id, account, region, reason);
                return;
            }
            // The resource is there: are the parts it declares inline?
            if let Some(live) = found {
                missing_parts(graph, outcome, at, live, &decl.parts);
            }
        }
        Identity::Part { parent_kind, parent_id, part } => {
            if let Some(parent) = found.filter(|l| l.exists()) {
                missing_parts(graph, outcome, at, parent, &decl.parts);
            } else {
                if graph.is_declared(parent_kind, parent_id)
                    || !listed(graph, parent_kind, account.as_deref(), region.as_deref())
                {
                    // The parent's own finding covers it, or its listing is incomplete.
                    return;
                }
                let reason = format!(
                    "declared as {}, a {part} of {} {parent_id}, which no longer exists",
                    decl.address,
                    kinds::label(parent_kind)
                );
                let (kind, id) = part_identity(parent_kind, parent_id, &decl.parts, part);
                push(graph, outcome, at, &kind, &id, account, region, reason);
            }
        }
        Identity::Unmapped | Identity::Foreign | Identity::NoId => {}
    }
}

fn part_identity(parent_kind: &str, parent_id: &str, parts: &SubResources, label: &str) -> (String, String) {
    if let Some(route) = parts.routes.first() {
        return ("ec2:route".to_owned(), route_id(parent_id, route));
    }
    if let Some(rule) = parts.rules.first() {
        return ("ec2:security-group-rule".to_owned(), rule_id(parent_id, rule));
    }
    if let Some(entry) = parts.entries.first() {
        return ("ec2:network-acl-entry".to_owned(), entry_id(parent_id, entry));
    }
    let kind = parent_kind.split(':').next().unwrap_or("aws");
    (format!("{kind}:{}", label.replace(' ', "-")), parent_id.to_owned())
}

fn route_id(table: &str, route: &Route) -> String {
    format!("{table}:{}", route.destination)
}

fn rule_id(group: &str, rule: &SecurityGroupRule) -> String {
    rule.id.clone().unwrap_or_else(|| format!("{group}:{}", rule.key().replace(' ', ":")))
}

fn entry_id(acl: &str, entry: &NetworkAclEntry) -> String {
    format!("{acl}:{}:{}", if entry.egress { "egress" } else { "ingress" }, entry.rule_number)
}

fn missing_parts(graph: &Graph<'_>, outcome: &mut Outcome, at: DeclRef, live: &LiveResource, parts: &SubResources) {
    let decl = graph.decl(at);
    let (account, region) = (Some(live.account.clone()), Some(live.region.clone()));
    let complete = |kind: &str| graph.inventory.listed_completely(kind, &live.account, &live.region);
    if !parts.routes.is_empty() && complete("ec2:route-table") && !gap_covers(graph, "ec2:route", live) {
        for route in &parts.routes {
            if !live.parts.routes.iter().any(|l| l.destination == route.destination) {
                let reason = format!(
                    "declared as {}, but route table {} has no route to {}",
                    decl.address, live.id, route.destination
                );
                push(
                    graph,
                    outcome,
                    at,
                    "ec2:route",
                    &route_id(&live.id, route),
                    account.clone(),
                    region.clone(),
                    reason,
                );
            }
        }
    }
    if !parts.rules.is_empty() && complete("ec2:security-group") && !gap_covers(graph, "ec2:security-group-rule", live)
    {
        for rule in &parts.rules {
            let present = live
                .parts
                .rules
                .iter()
                .any(|l| rule.id.as_ref().is_some_and(|id| l.id.as_ref() == Some(id)) || l.key() == rule.key());
            if !present {
                let reason = format!(
                    "declared as {}, but security group {} has no rule {}",
                    decl.address,
                    live.id,
                    rule.describe()
                );
                let id = rule_id(&live.id, rule);
                push(graph, outcome, at, "ec2:security-group-rule", &id, account.clone(), region.clone(), reason);
            }
        }
    }
    if !parts.entries.is_empty() && complete("ec2:network-acl") {
        for entry in &parts.entries {
            if !live.parts.entries.iter().any(|l| l.egress == entry.egress && l.rule_number == entry.rule_number) {
                let reason = format!(
                    "declared as {}, but network ACL {} has no {} rule {}",
                    decl.address,
                    live.id,
                    if entry.egress { "egress" } else { "ingress" },
                    entry.rule_number
                );
                let id = entry_id(&live.id, entry);
                push(graph, outcome, at, "ec2:network-acl-entry", &id, account.clone(), region.clone(), reason);
            }
        }
    }
}

fn gap_covers(graph: &Graph<'_>, kind: &str, live: &LiveResource) -> bool {
    graph.inventory.gaps.iter().any(|g| g.covers(kind, &live.account, &live.region))
}

#[allow(clippy::too_many_arguments)]
fn push(
    graph: &Graph<'_>,
    outcome: &mut Outcome,
    at: DeclRef,
    kind: &str,
    id: &str,
    account: Option<String>,
    region: Option<String>,
    reason: String,
) {
    let decl = graph.decl(at);
    outcome.findings.push(
        Finding::new(
            FindingKind::Missing,
            graph.policy.severity(FindingKind::Missing),
            ResourceRef::from_declared(kind, id, decl, account, region),
            reason,
        )
        .with_state(Some(StateRef::of(decl)))
        .in_environment(graph.env_of_decl(at)),
    );
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::checks::{self, FindingKind};
    use crate::graph::Graph;
    use crate::inventory::{Inventory, LiveResource};
    use crate::policy::Policy;
    use crate::state::{StateFile, StateSet};

    const A: &str = "111111111111";
    const B: &str = "222222222222";

    fn vpc(name: &str, account: &str, region: &str, id: &str) -> (String, serde_json::Value) {
        (name.to_owned(), json!({"id": id, "arn": format!("arn:aws:ec2:{region}:{account}:vpc/{id}")}))
    }

    /// `scan --inventory A --inventory B`: A lists us-east-1 of 111…, B eu-west-1 of 222….
    #[test]
    fn issue_12_an_unlisted_pair_of_two_inventories_is_not_reported_missing() {
        let mut inventory = Inventory::new("now".into(), vec![A.into()], vec!["us-east-1".into()]);
        inventory.resources.push(LiveResource::new("ec2:vpc", "vpc-a-live", A, "us-east-1"));
        let mut other = Inventory::new("now".into(), vec![B.into()], vec!["eu-west-1".into()]);
        other.resources.push(LiveResource::new("ec2:vpc", "vpc-b-live", B, "eu-west-1"));
        inventory.absorb(other);
        inventory.normalize();
        assert_eq!(inventory.accounts, [A, B]);
        assert_eq!(inventory.regions, ["eu-west-1", "us-east-1"]);

        let declared = [
            vpc("a_live", A, "us-east-1", "vpc-a-live"),
            vpc("b_live", B, "eu-west-1", "vpc-b-live"),
            vpc("a_gone", A, "us-east-1", "vpc-a-gone"),
            vpc("b_gone", B, "eu-west-1", "vpc-b-gone"),
            // Never listed: neither inventory scanned eu-west-1 of 111… or us-east-1 of 222….
            vpc("a_west", A, "eu-west-1", "vpc-a-west"),
            vpc("b_east", B, "us-east-1", "vpc-b-east"),
        ];
        let source = "s3://b/net.tfstate";
        let resources = declared
            .iter()
            .map(|(name, attrs)| {
                crate::state::extract::testing::declared(source, &format!("aws_vpc.{name}"), "aws_vpc", attrs.clone())
            })
            .collect();
        let states = StateSet {
            files: vec![StateFile { source: source.to_owned(), version: 4, resources, ..StateFile::default() }],
            ..StateSet::default()
        };
        let policy = Policy::builtin();
        let graph = Graph::build(&inventory, &states, &policy);
        let outcome = checks::run(&graph);
        let mut missing: Vec<&str> = outcome
            .findings
            .iter()
            .filter(|f| f.kind == FindingKind::Missing)
            .map(|f| f.resource.id.as_str())
            .collect();
        missing.sort_unstable();
        assert_eq!(missing, ["vpc-a-gone", "vpc-b-gone"]);
    }
}
