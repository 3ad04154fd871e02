//! reachability: connectivity expectations checked from the inventory alone, with no
//! traffic sent. Source subnet → its route table → the most specific route to the
//! destination → its target (local, an active peering between the right VPCs, a transit
//! gateway) → the return route → network ACLs both ways (ordered rules, ephemeral ports on
//! the way back) → the security groups. Each hop is checked for existence and status; the
//! first broken one is named. Pure.

use std::fmt;

use serde::Serialize;

use super::Outcome;
use super::finding::{Finding, FindingKind, Related, ResourceRef};
use crate::graph::Graph;
use crate::inventory::subresource::{NetworkAclEntry, SecurityGroupRule, normalize_protocol};
use crate::inventory::{LiveResource, RelationKind as R, kinds};
use crate::policy::Expectation;
use crate::policy::selector::Selector;

/// An IPv4 block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    addr: u32,
    len: u8,
}

impl Cidr {
    pub fn parse(text: &str) -> Option<Self> {
        let (ip, len) = text.split_once('/').unwrap_or((text, "32"));
        let len: u8 = len.parse().ok().filter(|l| *l <= 32)?;
        let octets: Vec<u8> = ip.split('.').map(str::parse).collect::<Result<_, _>>().ok()?;
        let [a, b, c, d] = octets[..] else { return None };
        let addr = u32::from_be_bytes([a, b, c, d]);
        Some(Self { addr: addr & Self::mask(len), len })
    }

    fn mask(len: u8) -> u32 {
        if len == 0 { 0 } else { u32::MAX << (32 - u32::from(len)) }
    }

    /// Whether `other` lies wholly inside this block.
    pub fn contains(self, other: Cidr) -> bool {
        other.len >= self.len && (other.addr & Self::mask(self.len)) == self.addr
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let octets = self.addr.to_be_bytes();
        write!(f, "{}.{}.{}.{}/{}", octets[0], octets[1], octets[2], octets[3], self.len)
    }
}

/// One hop of a path.
#[derive(Clone, Debug, Serialize)]
pub struct Hop {
    pub step: String,
    pub kind: String,
    pub id: String,
    pub detail: String,
    pub ok: bool,
}

/// The path of one expectation between one source and one destination subnet.
#[derive(Clone, Debug, Serialize)]
pub struct Trace {
    pub expectation: String,
    pub from: String,
    pub to: String,
    pub from_subnet: String,
    pub to_subnet: String,
    pub hops: Vec<Hop>,
    /// The first broken link, in words.
    pub broken: Option<String>,
    #[serde(skip)]
    pub from_index: usize,
    #[serde(skip)]
    pub to_index: usize,
}

/// One end of a path: where it sits and what guards it.
#[derive(Clone, Debug)]
struct End {
    resource: usize,
    subnets: Vec<usize>,
    groups: Vec<String>,
    /// A narrower address than the subnet (an instance's private IP).
    address: Option<Cidr>,
}

fn targets<'g>(graph: &'g Graph<'_>, i: usize, relation: R, kind: &'g str) -> impl Iterator<Item = usize> + 'g {
    graph.out_edges[i].iter().filter(move |e| e.relation == relation && graph.live()[e.to].kind == kind).map(|e| e.to)
}

fn sources<'g>(graph: &'g Graph<'_>, i: usize, relation: R, kind: &'g str) -> impl Iterator<Item = usize> + 'g {
    graph.in_edges[i]
        .iter()
        .filter(move |e| e.relation == relation && graph.live()[e.from].kind == kind)
        .map(|e| e.from)
}

fn groups_of(graph: &Graph<'_>, i: usize) -> Vec<String> {
    graph.live()[i].related(R::UsesSecurityGroup).map(|r| r.target.clone()).collect()
}

fn cache_end(graph: &Graph<'_>, i: usize, subnet_group: Option<&str>, groups: Vec<String>) -> End {
    let r = &graph.live()[i];
    let group_name = subnet_group.map(str::to_owned).or_else(|| r.first_related(R::References).map(str::to_owned));
    let subnets = group_name
        .and_then(|name| graph.find("elasticache:subnet-group", &name, &r.account, &r.region))
        .map(|g| targets(graph, g, R::InSubnet, "ec2:subnet").collect())
        .unwrap_or_default();
    End { resource: i, subnets, groups, address: None }
}

/// Resolves one selected resource into the subnets and groups its traffic uses.
fn resolve(graph: &Graph<'_>, i: usize) -> End {
    let r = &graph.live()[i];
    match r.kind.as_str() {
        "ec2:subnet" => End { resource: i, subnets: vec![i], groups: Vec::new(), address: None },
        "ec2:instance" | "eks:cluster" => End {
            resource: i,
            subnets: targets(graph, i, R::InSubnet, "ec2:subnet").collect(),
            groups: groups_of(graph, i),
            address: r.attr_str("private_ip").and_then(Cidr::parse),
        },
        "ec2:security-group" => {
            let mut subnets: Vec<usize> = graph.in_edges[i]
                .iter()
                .filter(|e| e.relation == R::UsesSecurityGroup)
                .flat_map(|e| targets(graph, e.from, R::InSubnet, "ec2:subnet").collect::<Vec<_>>())
                .collect();
            if subnets.is_empty() {
                subnets = targets(graph, i, R::InVpc, "ec2:vpc")
                    .flat_map(|v| sources(graph, v, R::InVpc, "ec2:subnet").collect::<Vec<_>>())
                    .collect();
            }
            subnets.sort_unstable();
            subnets.dedup();
            End { resource: i, subnets, groups: vec![r.id.clone()], address: None }
        }
        "elasticache:cluster" => cache_end(graph, i, None, groups_of(graph, i)),
        "elasticache:replication-group" => {
            let members: Vec<usize> = sources(graph, i, R::MemberOf, "elasticache:cluster").collect();
            if members.is_empty() {
                // No member clusters listed: read the subnet group and groups the
                // declaring state gives.
                let decl = graph.declared_by[i].first().map(|&d| graph.decl(d));
                let subnet_group = decl.and_then(|d| {
                    d.checked
                        .iter()
                        .find(|c| c.path == "subnet_group_name")
                        .and_then(|c| c.value.as_str().map(str::to_owned))
                });
                let groups = decl
                    .map(|d| {
                        d.references
                            .iter()
                            .filter(|r| r.path.starts_with("security_group_ids"))
                            .map(|r| r.target.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                cache_end(graph, i, subnet_group.as_deref(), groups)
            } else {
                let mut end = End { resource: i, subnets: Vec::new(), groups: Vec::new(), address: None };
                for m in members {
                    let part = cache_end(graph, m, None, groups_of(graph, m));
                    end.subnets.extend(part.subnets);
                    end.groups.extend(part.groups);
                }
                end.subnets.sort_unstable();
                end.subnets.dedup();
                end.groups.sort();
                end.groups.dedup();
                end
            }
        }
        _ => End { resource: i, subnets: Vec::new(), groups: Vec::new(), address: None },
    }
}

fn select(graph: &Graph<'_>, selector: &Selector) -> Vec<usize> {
    graph.live().iter().enumerate().filter(|(_, r)| r.exists() && selector.selects(r)).map(|(i, _)| i).collect()
}

fn subnet_cidr(graph: &Graph<'_>, subnet: usize) -> Option<Cidr> {
    graph.live()[subnet].attr_str("cidr_block").and_then(Cidr::parse)
}

fn vpc_of(graph: &Graph<'_>, subnet: usize) -> Option<usize> {
    targets(graph, subnet, R::InVpc, "ec2:vpc").next()
}

fn route_table_of(graph: &Graph<'_>, subnet: usize) -> Option<usize> {
    sources(graph, subnet, R::AssociatedWith, "ec2:route-table").next().or_else(|| {
        let vpc = vpc_of(graph, subnet)?;
        sources(graph, vpc, R::InVpc, "ec2:route-table").find(|&t| graph.live()[t].attr_bool("main"))
    })
}

fn acl_of(graph: &Graph<'_>, subnet: usize) -> Option<usize> {
    sources(graph, subnet, R::AssociatedWith, "ec2:network-acl").next().or_else(|| {
        let vpc = vpc_of(graph, subnet)?;
        sources(graph, vpc, R::InVpc, "ec2:network-acl").find(|&a| graph.live()[a].attr_bool("is_default"))
    })
}

fn vpc_cidrs(vpc: &LiveResource) -> Vec<Cidr> {
    let mut out: Vec<Cidr> = vpc
        .attributes
        .get("cidr_blocks")
        .and_then(|v| v.as_array())
        .map(|a| a.iter().filter_map(|c| c.as_str().and_then(Cidr::parse)).collect())
        .unwrap_or_default();
    if out.is_empty() {
        out.extend(vpc.attr_str("cidr_block").and_then(Cidr::parse));
    }
    out
}

/// The route the table uses for `dest`: the most specific one whose destination holds it.
fn route_for(table: &LiveResource, dest: Cidr) -> Option<(Cidr, Option<String>)> {
    table
        .parts
        .routes
        .iter()
        .filter_map(|route| {
            Cidr::parse(&route.destination).filter(|c| c.contains(dest)).map(|c| (c, route.target.clone()))
        })
        .max_by_key(|(c, _)| c.len)
}

fn protocol_matches(rule: &str, protocol: &str) -> bool {
    let rule = normalize_protocol(rule);
    rule == "-1" || rule == protocol
}

/// Whether a network ACL lets `protocol` traffic on ports `lo..=hi` pass to or from
/// `peer`; `Err` names the rule that stops it.
fn acl_allows(
    entries: &[NetworkAclEntry],
    egress: bool,
    protocol: &str,
    lo: i32,
    hi: i32,
    peer: Cidr,
) -> Result<i32, i32> {
    let mut rules: Vec<&NetworkAclEntry> = entries.iter().filter(|e| e.egress == egress && e.cidr.is_some()).collect();
    rules.sort_by_key(|e| e.rule_number);
    for rule in rules {
        let Some(cidr) = rule.cidr.as_deref().and_then(Cidr::parse) else { continue };
        if !protocol_matches(&rule.protocol, protocol) || !cidr.contains(peer) {
            continue;
        }
        let all_ports = normalize_protocol(&rule.protocol) == "-1" || rule.from_port.is_none();
        let (from, to) = (rule.from_port.unwrap_or(0), rule.to_port.unwrap_or(65535));
        let covers = all_ports || (from <= lo && hi <= to);
        let overlaps = all_ports || (from <= hi && lo <= to);
        if rule.action == "deny" && overlaps {
            return Err(rule.rule_number);
        }
        if rule.action == "allow" && covers {
            return Ok(rule.rule_number);
        }
    }
    Err(32767)
}

fn rule_allows(
    rule: &SecurityGroupRule,
    egress: bool,
    protocol: &str,
    port: i32,
    peer: Option<Cidr>,
    peer_groups: &[String],
) -> bool {
    if rule.egress != egress || !protocol_matches(&rule.protocol, protocol) {
        return false;
    }
    let all = normalize_protocol(&rule.protocol) == "-1";
    if !(all || (rule.from_port <= port && port <= rule.to_port)) {
        return false;
    }
    if let (Some(cidr), Some(peer)) = (rule.cidr_ipv4.as_deref().and_then(Cidr::parse), peer) {
        return cidr.contains(peer);
    }
    rule.group.as_ref().is_some_and(|g| peer_groups.contains(g))
}

struct Walk<'g, 'a> {
    graph: &'g Graph<'a>,
    hops: Vec<Hop>,
}

impl Walk<'_, '_> {
    fn hop(&mut self, step: &str, r: &LiveResource, detail: String, ok: bool) {
        self.hops.push(Hop { step: step.to_owned(), kind: r.kind.clone(), id: r.id.clone(), detail, ok });
    }

    /// Routes from `subnet` towards `dest_cidr` in `dest_vpc`; the peering used, if any.
    fn route(&mut self, subnet: usize, dest_vpc: usize, dest: Cidr, back: bool) -> Result<Option<String>, String> {
        let graph = self.graph;
        let s = &graph.live()[subnet];
        let Some(table) = route_table_of(graph, subnet) else {
            return Err(format!("subnet {} has no route table", s.id));
        };
        let t = &graph.live()[table];
        let from_vpc = vpc_of(graph, subnet);
        let which = if back { "return route" } else { "route" };
        if from_vpc == Some(dest_vpc) {
            self.hop(which, t, format!("{dest} is local to the VPC"), true);
            return Ok(None);
        }
        let Some((destination, target)) = route_for(t, dest) else {
            self.hop(which, t, format!("no route to {dest}"), false);
            return Err(format!("route table {} of subnet {} has no route to {dest}", t.id, s.id));
        };
        let target = target.unwrap_or_default();
        let Some(spec) = kinds::kind_of_id(&target) else {
            self.hop(which, t, format!("{destination} → {target}"), false);
            return Err(format!(
                "route table {} sends {destination} to {target}, which does not lead to the destination VPC",
                t.id
            ));
        };
        match spec.kind {
            "ec2:vpc-peering-connection" => {
                let pcx = graph.find_any(spec.kind, &target, &t.account, &t.region).map(|p| &graph.live()[p]);
                let Some(pcx) = pcx.filter(|p| p.exists() && p.status.as_deref() == Some("active")) else {
                    let status = pcx.and_then(|p| p.status.clone()).unwrap_or_else(|| "gone".to_owned());
                    self.hop(which, t, format!("{destination} → peering {target} ({status})"), false);
                    return Err(format!(
                        "route table {} of subnet {} sends {destination} to peering {target}, which is {status}",
                        t.id, s.id
                    ));
                };
                let ends: Vec<&str> =
                    ["requester_vpc_id", "accepter_vpc_id"].iter().filter_map(|k| pcx.attr_str(k)).collect();
                let dest_id = graph.live()[dest_vpc].id.as_str();
                let from_id = from_vpc.map(|v| graph.live()[v].id.as_str()).unwrap_or_default();
                if !(ends.contains(&dest_id) && ends.contains(&from_id)) {
                    self.hop(which, t, format!("{destination} → peering {target} joins {}", ends.join(" and ")), false);
                    return Err(format!(
                        "route table {} sends {destination} to peering {target}, which joins {} rather than {from_id} and {dest_id}",
                        t.id,
                        ends.join(" and ")
                    ));
                }
                self.hop(which, t, format!("{destination} → peering {target} (active)"), true);
                Ok(Some(target))
            }
            "ec2:transit-gateway" => {
                let tgw = graph.find(spec.kind, &target, &t.account, &t.region).map(|g| &graph.live()[g]);
                if tgw.is_some_and(|g| g.exists() && g.status.as_deref() == Some("available")) {
                    self.hop(
                        which,
                        t,
                        format!("{destination} → transit gateway {target} (its attachments are not checked)"),
                        true,
                    );
                    Ok(Some(target))
                } else {
                    self.hop(which, t, format!("{destination} → transit gateway {target} (not available)"), false);
                    Err(format!(
                        "route table {} sends {destination} to transit gateway {target}, which is not available",
                        t.id
                    ))
                }
            }
            _ => {
                self.hop(which, t, format!("{destination} → {target}"), false);
                Err(format!(
                    "route table {} of subnet {} sends {destination} to {} {target}, which does not reach another VPC",
                    t.id, s.id, spec.label
                ))
            }
        }
    }

    fn acl(
        &mut self,
        subnet: usize,
        egress: bool,
        protocol: &str,
        ports: (i32, i32),
        peer: Cidr,
    ) -> Result<(), String> {
        let graph = self.graph;
        let Some(acl) = acl_of(graph, subnet) else { return Ok(()) };
        let a = &graph.live()[acl];
        let direction = if egress { "outbound" } else { "inbound" };
        let ports_text = if ports.0 == ports.1 { ports.0.to_string() } else { format!("{}-{}", ports.0, ports.1) };
        let prep = if egress { "to" } else { "from" };
        match acl_allows(&a.parts.entries, egress, protocol, ports.0, ports.1, peer) {
            Ok(rule) => {
                self.hop(
                    "network ACL",
                    a,
                    format!("{direction} {protocol} {ports_text} {prep} {peer} allowed by rule {rule}"),
                    true,
                );
                Ok(())
            }
            Err(rule) => {
                self.hop(
                    "network ACL",
                    a,
                    format!("{direction} {protocol} {ports_text} {prep} {peer} denied by rule {rule}"),
                    false,
                );
                Err(format!(
                    "network ACL {} of subnet {} denies {direction} {protocol} {ports_text} {prep} {peer} (rule {})",
                    a.id,
                    graph.live()[subnet].id,
                    if rule == 32767 { "*".to_owned() } else { rule.to_string() }
                ))
            }
        }
    }

    // The direction, the traffic and both ends are all needed; grouping them adds nothing.
    #[allow(clippy::too_many_arguments)]
    fn groups(
        &mut self,
        groups: &[String],
        egress: bool,
        protocol: &str,
        port: i32,
        peer: Cidr,
        peer_groups: &[String],
        at: &LiveResource,
    ) -> Result<(), String> {
        if groups.is_empty() {
            return Ok(());
        }
        let graph = self.graph;
        let live: Vec<&LiveResource> = groups
            .iter()
            .filter_map(|g| graph.find("ec2:security-group", g, &at.account, &at.region))
            .map(|g| &graph.live()[g])
            .collect();
        let direction = if egress { "outbound" } else { "inbound" };
        let prep = if egress { "to" } else { "from" };
        let allowing = live
            .iter()
            .find(|g| g.parts.rules.iter().any(|r| rule_allows(r, egress, protocol, port, Some(peer), peer_groups)));
        if let Some(g) = allowing {
            self.hop("security group", g, format!("{direction} {protocol} {port} {prep} {peer} allowed"), true);
            return Ok(());
        }
        let ids: Vec<&str> = groups.iter().map(String::as_str).collect();
        let first = live.first().copied().unwrap_or(at);
        self.hop("security group", first, format!("{direction} {protocol} {port} {prep} {peer} not allowed"), false);
        let peers =
            if peer_groups.is_empty() { peer.to_string() } else { format!("{peer} or {}", peer_groups.join(", ")) };
        Err(format!(
            "security group{} {} allow{} no {direction} {protocol} {port} {prep} {peers}",
            if ids.len() == 1 { "" } else { "s" },
            ids.join(", "),
            if ids.len() == 1 { "s" } else { "" }
        ))
    }
}

fn walk(graph: &Graph<'_>, exp: &Expectation, from: &End, to: &End, s: usize, d: usize) -> Trace {
    let mut walk = Walk { graph, hops: Vec::new() };
    let protocol = exp.protocol.as_str();
    let port = i32::from(exp.port);
    let result = (|| -> Result<(), String> {
        let s_live = &graph.live()[s];
        let d_live = &graph.live()[d];
        let src = from
            .address
            .or_else(|| subnet_cidr(graph, s))
            .ok_or_else(|| format!("subnet {} has no IPv4 CIDR", s_live.id))?;
        let dst = to
            .address
            .or_else(|| subnet_cidr(graph, d))
            .ok_or_else(|| format!("subnet {} has no IPv4 CIDR", d_live.id))?;
        let (Some(src_vpc), Some(dst_vpc)) = (vpc_of(graph, s), vpc_of(graph, d)) else {
            return Err("a subnet's VPC no longer exists".to_owned());
        };
        let _ = vpc_cidrs(&graph.live()[dst_vpc]);
        let there = walk.route(s, dst_vpc, dst, false)?;
        let back = walk.route(d, src_vpc, src, true)?;
        if let (Some(a), Some(b)) = (&there, &back)
            && a != b
        {
            return Err(format!("traffic goes out through {a} but the return route uses {b}"));
        }
        walk.acl(s, true, protocol, (port, port), dst)?;
        walk.acl(d, false, protocol, (port, port), src)?;
        walk.acl(d, true, protocol, (1024, 65535), src)?;
        walk.acl(s, false, protocol, (1024, 65535), dst)?;
        walk.groups(&from.groups, true, protocol, port, dst, &to.groups, s_live)?;
        walk.groups(&to.groups, false, protocol, port, src, &from.groups, d_live)?;
        Ok(())
    })();
    Trace {
        expectation: exp.name.clone(),
        from: graph.live()[from.resource].id.clone(),
        to: graph.live()[to.resource].id.clone(),
        from_subnet: graph.live()[s].id.clone(),
        to_subnet: graph.live()[d].id.clone(),
        hops: walk.hops,
        broken: result.err(),
        from_index: from.resource,
        to_index: to.resource,
    }
}

/// Why an expectation cannot be evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unevaluated {
    /// A selector matches nothing although its listing is complete: a policy error.
    NoMatch(String),
    /// A listing it depends on has a gap.
    Withheld,
}

const NETWORK_KINDS: &[&str] = &[
    "ec2:subnet",
    "ec2:route-table",
    "ec2:network-acl",
    "ec2:security-group",
    "ec2:vpc-peering-connection",
    "ec2:vpc",
];

/// Every path of one expectation.
pub fn evaluate(graph: &Graph<'_>, exp: &Expectation) -> Result<Vec<Trace>, Unevaluated> {
    let gapped =
        |kind: &str| graph.inventory.gaps.iter().any(|g| g.object.is_none() && g.kinds.iter().any(|k| k == kind));
    let mut ends = Vec::new();
    for (selector, side) in [(&exp.from, "from"), (&exp.to, "to")] {
        let selected = select(graph, selector);
        if selected.is_empty() {
            if gapped(selector.kind()) {
                return Err(Unevaluated::Withheld);
            }
            return Err(Unevaluated::NoMatch(format!(
                "{}: expectation {:?}: `{side} = \"{selector}\"` matches nothing that is live",
                exp.location, exp.name
            )));
        }
        let resolved: Vec<End> = selected.into_iter().map(|i| resolve(graph, i)).collect();
        if resolved.iter().all(|e| e.subnets.is_empty()) {
            return Err(Unevaluated::NoMatch(format!(
                "{}: expectation {:?}: `{side} = \"{selector}\"` sits in no subnet leftover can see",
                exp.location, exp.name
            )));
        }
        ends.push(resolved);
    }
    if NETWORK_KINDS.iter().any(|k| gapped(k)) {
        return Err(Unevaluated::Withheld);
    }
    let mut traces = Vec::new();
    for from in &ends[0] {
        for to in &ends[1] {
            for &s in &from.subnets {
                for &d in &to.subnets {
                    traces.push(walk(graph, exp, from, to, s, d));
                }
            }
        }
    }
    Ok(traces)
}

pub fn check(graph: &Graph<'_>, outcome: &mut Outcome) {
    for exp in &graph.policy.expectations {
        let traces = match evaluate(graph, exp) {
            Ok(traces) => traces,
            Err(Unevaluated::NoMatch(message)) => {
                outcome.errors.push(message);
                continue;
            }
            Err(Unevaluated::Withheld) => {
                outcome.withheld += 1;
                continue;
            }
        };
        if let Some(trace) = traces.iter().find(|t| t.broken.is_some()) {
            let from = &graph.live()[trace.from_index];
            let broken_hop = trace.hops.iter().find(|h| !h.ok);
            let mut related = vec![Related {
                relation: "expects-to-reach".to_owned(),
                id: trace.to.clone(),
                kind: Some(graph.live()[trace.to_index].kind.clone()),
                state: None,
            }];
            if let Some(hop) = broken_hop {
                related.push(Related {
                    relation: "broken-link".to_owned(),
                    id: hop.id.clone(),
                    kind: Some(hop.kind.clone()),
                    state: None,
                });
            }
            outcome.findings.push(Finding {
                kind: FindingKind::Unreachable,
                severity: graph.policy.severity(FindingKind::Unreachable),
                resource: ResourceRef::from_live(from),
                reason: format!(
                    "{} (port {}/{}): from {} to {}: {}",
                    exp.name,
                    exp.port,
                    exp.protocol,
                    trace.from_subnet,
                    trace.to_subnet,
                    trace.broken.as_deref().unwrap_or("")
                ),
                state: graph.accounting(trace.from_index).first().map(|&d| super::finding::StateRef::of(graph.decl(d))),
                subject: Some(exp.name.clone()),
                related,
                drift: None,
                environment: graph.env_of_live(trace.from_index),
                order: Vec::new(),
                remains: None,
            });
        }
        outcome.traces.extend(traces);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_contain() {
        let vpc = Cidr::parse("10.1.0.0/16").expect("cidr");
        assert!(vpc.contains(Cidr::parse("10.1.2.0/24").expect("cidr")));
        assert!(!vpc.contains(Cidr::parse("10.2.0.0/24").expect("cidr")));
        assert!(Cidr::parse("0.0.0.0/0").expect("cidr").contains(vpc));
        assert!(!Cidr::parse("10.1.2.0/24").expect("cidr").contains(vpc));
        assert_eq!(Cidr::parse("10.1.2.3").expect("ip").to_string(), "10.1.2.3/32");
        assert!(Cidr::parse("10.1.2/24").is_none());
        assert!(Cidr::parse("fe80::/10").is_none());
    }

    fn entry(n: i32, egress: bool, action: &str, cidr: &str, ports: Option<(i32, i32)>) -> NetworkAclEntry {
        NetworkAclEntry {
            rule_number: n,
            egress,
            protocol: if ports.is_some() { "6".into() } else { "-1".into() },
            action: action.into(),
            cidr: Some(cidr.into()),
            ipv6_cidr: None,
            from_port: ports.map(|p| p.0),
            to_port: ports.map(|p| p.1),
        }
    }

    #[test]
    fn acl_rules_apply_in_order() {
        let peer = Cidr::parse("10.1.1.0/24").expect("cidr");
        let entries = vec![
            entry(100, false, "deny", "10.1.0.0/16", Some((6379, 6379))),
            entry(200, false, "allow", "0.0.0.0/0", None),
            entry(32767, false, "deny", "0.0.0.0/0", None),
        ];
        assert_eq!(acl_allows(&entries, false, "tcp", 6379, 6379, peer), Err(100));
        assert_eq!(acl_allows(&entries, false, "tcp", 443, 443, peer), Ok(200));
        assert_eq!(acl_allows(&entries, true, "tcp", 443, 443, peer), Err(32767));
        let ephemeral = vec![entry(100, true, "allow", "10.1.0.0/16", Some((1024, 65535)))];
        assert_eq!(acl_allows(&ephemeral, true, "tcp", 1024, 65535, peer), Ok(100));
    }
}
