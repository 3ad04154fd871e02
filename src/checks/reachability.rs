//! reachability: connectivity expectations checked from the inventory alone, with no
//! traffic sent. Source subnet → its route table → the most specific route to the
//! destination → its target (local, an active peering between the right VPCs, a transit
//! gateway) → the return route → network ACLs both ways, judged port by port in rule order
//! (the port out, the expectation's ephemeral ports on the way back) → the security groups.
//! Each hop is checked for existence and status; the first broken one is named, and return
//! ports denied in part are a warning. Pure.

use std::fmt;
use std::net::IpAddr;

use ipnet::IpNet;

use serde::Serialize;

use super::Outcome;
use crate::graph::Graph;
use crate::inventory::{LiveResource, RelationKind as R};
use crate::model::finding::{Finding, FindingKind, Related, ResourceRef, Severity};
use crate::model::kinds;
use crate::model::subresource::{NetworkAclEntry, SecurityGroupRule, normalize_protocol};
use crate::policy::Expectation;
use crate::policy::selector::Selector;

/// A block of addresses, IPv4 or IPv6 (`ipnet`); a bare address is a block of one.
pub type Cidr = IpNet;

/// Reads `10.1.0.0/16`, `2600:1f18::/56` or a bare address; host bits are dropped, so
/// `10.1.2.3/16` is `10.1.0.0/16`.
pub fn parse_cidr(text: &str) -> Option<Cidr> {
    let text = text.trim();
    text.parse::<IpNet>().map(|net| net.trunc()).ok().or_else(|| text.parse::<IpAddr>().ok().map(IpNet::from))
}

/// One hop of a path.
#[derive(Clone, Debug, Serialize)]
pub struct Hop {
    pub step: String,
    pub kind: String,
    pub id: String,
    pub detail: String,
    pub ok: bool,
    /// Passes, but not on every port it needs (return traffic on some ephemeral ports).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub partial: bool,
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
    /// What works only in part (return ports a network ACL denies), in words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
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
    graph.out_edges()[i].iter().filter(move |e| e.relation == relation && graph.live()[e.to].kind == kind).map(|e| e.to)
}

fn sources<'g>(graph: &'g Graph<'_>, i: usize, relation: R, kind: &'g str) -> impl Iterator<Item = usize> + 'g {
    graph.in_edges()[i]
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
            address: r.attr_str("private_ip").and_then(parse_cidr),
        },
        "ec2:security-group" => {
            let mut subnets: Vec<usize> = graph.in_edges()[i]
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
                let decl = graph.declared_by()[i].first().map(|&d| graph.decl(d));
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
    graph
        .live()
        .iter()
        .enumerate()
        .filter(|(_, r)| r.exists() && selector.selects(&r.kind, &r.id, &r.arn, &r.tags))
        .map(|(i, _)| i)
        .collect()
}

fn subnet_cidr(graph: &Graph<'_>, subnet: usize) -> Option<Cidr> {
    // Dual-stack subnets are judged by IPv4; an IPv6-only subnet by its IPv6 block.
    let subnet = &graph.live()[subnet];
    subnet.attr_str("cidr_block").or_else(|| subnet.attr_str("ipv6_cidr_block")).and_then(parse_cidr)
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

/// The route the table uses for `dest`: the most specific one whose destination holds it.
fn route_for(table: &LiveResource, dest: Cidr) -> Option<(Cidr, Option<String>)> {
    table
        .parts
        .routes
        .iter()
        .filter_map(|route| {
            parse_cidr(&route.destination).filter(|c| c.contains(&dest)).map(|c| (c, route.target.clone()))
        })
        .max_by_key(|(c, _)| c.prefix_len())
}

fn protocol_matches(rule: &str, protocol: &str) -> bool {
    let rule = normalize_protocol(rule);
    rule == "-1" || rule == protocol
}

/// Ports `lo..=hi`, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ports {
    lo: i32,
    hi: i32,
}

impl Ports {
    fn one(port: i32) -> Self {
        Self { lo: port, hi: port }
    }

    fn count(self) -> i64 {
        i64::from(self.hi) - i64::from(self.lo) + 1
    }
}

impl fmt::Display for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.lo == self.hi { write!(f, "{}", self.lo) } else { write!(f, "{}-{}", self.lo, self.hi) }
    }
}

/// The number every network ACL's last rule (`*`, deny everything) carries.
const LAST_RULE: i32 = 32767;

fn rule_name(rule: i32) -> String {
    if rule == LAST_RULE { "*".to_owned() } else { rule.to_string() }
}

/// What one network ACL rule decided for some of the ports asked about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Decision {
    ports: Ports,
    rule: i32,
    allow: bool,
}

/// How a network ACL treats `protocol` traffic on `ports` to or from `peer`, in rule order:
/// each rule, lowest number first, decides the ports it matches that no earlier rule
/// decided; ports no rule matches fall to the final `*` deny. The decisions cover `ports`
/// exactly, sorted by port, with neighbours decided by the same rule merged.
fn acl_decisions(entries: &[NetworkAclEntry], egress: bool, protocol: &str, ports: Ports, peer: Cidr) -> Vec<Decision> {
    // An entry holds an IPv4 or an IPv6 block; one of the other family never matches the peer.
    let mut rules: Vec<&NetworkAclEntry> =
        entries.iter().filter(|e| e.egress == egress && (e.cidr.is_some() || e.ipv6_cidr.is_some())).collect();
    rules.sort_by_key(|e| e.rule_number);
    let mut open = vec![ports];
    let mut decided = Vec::new();
    for rule in rules {
        if open.is_empty() {
            break;
        }
        let Some(cidr) = rule.cidr.as_deref().or(rule.ipv6_cidr.as_deref()).and_then(parse_cidr) else { continue };
        if !protocol_matches(&rule.protocol, protocol) || !cidr.contains(&peer) {
            continue;
        }
        let all_ports = normalize_protocol(&rule.protocol) == "-1" || rule.from_port.is_none();
        let (from, to) =
            if all_ports { (0, 65535) } else { (rule.from_port.unwrap_or(0), rule.to_port.unwrap_or(65535)) };
        let allow = rule.action == "allow";
        let mut still_open = Vec::with_capacity(open.len() + 1);
        for range in open {
            let (lo, hi) = (range.lo.max(from), range.hi.min(to));
            if lo > hi {
                still_open.push(range);
                continue;
            }
            decided.push(Decision { ports: Ports { lo, hi }, rule: rule.rule_number, allow });
            if range.lo < lo {
                still_open.push(Ports { lo: range.lo, hi: lo - 1 });
            }
            if hi < range.hi {
                still_open.push(Ports { lo: hi + 1, hi: range.hi });
            }
        }
        open = still_open;
    }
    decided.extend(open.into_iter().map(|ports| Decision { ports, rule: LAST_RULE, allow: false }));
    decided.sort_by_key(|d| d.ports.lo);
    let mut merged: Vec<Decision> = Vec::with_capacity(decided.len());
    for d in decided {
        match merged.last_mut() {
            Some(last) if last.rule == d.rule && last.allow == d.allow && last.ports.hi + 1 == d.ports.lo => {
                last.ports.hi = d.ports.hi;
            }
            _ => merged.push(d),
        }
    }
    merged
}

/// The ports of `ranges` (sorted or not) as sorted, disjoint, merged ranges.
fn union(mut ranges: Vec<Ports>) -> Vec<Ports> {
    ranges.sort_by_key(|p| p.lo);
    let mut out: Vec<Ports> = Vec::with_capacity(ranges.len());
    for p in ranges {
        match out.last_mut() {
            Some(last) if p.lo <= last.hi.saturating_add(1) => last.hi = last.hi.max(p.hi),
            _ => out.push(p),
        }
    }
    out
}

fn list<T: fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
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
    let block = rule.cidr_ipv4.as_deref().or(rule.cidr_ipv6.as_deref()).and_then(parse_cidr);
    if let (Some(cidr), Some(peer)) = (block, peer) {
        return cidr.contains(&peer);
    }
    rule.group.as_ref().is_some_and(|g| peer_groups.contains(g))
}

/// What one network ACL, in one direction, denies of the ports a path needs.
struct AclVerdict {
    /// Where its hop is in the trace.
    hop: usize,
    acl: String,
    subnet: String,
    egress: bool,
    protocol: String,
    peer: Cidr,
    /// The denied sub-ranges, each with the rule that denies it.
    denied: Vec<Decision>,
}

impl AclVerdict {
    fn direction(&self) -> &'static str {
        if self.egress { "outbound" } else { "inbound" }
    }

    fn prep(&self) -> &'static str {
        if self.egress { "to" } else { "from" }
    }

    fn rules(&self) -> Vec<i32> {
        let mut rules: Vec<i32> = self.denied.iter().map(|d| d.rule).collect();
        rules.sort_unstable();
        rules.dedup();
        rules
    }

    /// "rule 90", "rules 50, 60", "rule *".
    fn rules_text(&self) -> String {
        let rules: Vec<String> = self.rules().into_iter().map(rule_name).collect();
        format!("rule{} {}", if rules.len() == 1 { "" } else { "s" }, rules.join(", "))
    }

    /// The denial in words: "network ACL acl-1 of subnet subnet-1 denies outbound tcp 443
    /// to 10.1.0.0/16 (rule 90)".
    fn denial(&self) -> String {
        let ports = if self.rules().len() == 1 {
            let ports: Vec<Ports> = self.denied.iter().map(|d| d.ports).collect();
            format!("{} {} {} ({})", list(&ports), self.prep(), self.peer, self.rules_text())
        } else {
            let each: Vec<String> =
                self.denied.iter().map(|d| format!("{} (rule {})", d.ports, rule_name(d.rule))).collect();
            format!("{} {} {}", each.join(", "), self.prep(), self.peer)
        };
        format!(
            "network ACL {} of subnet {} denies {} {} {ports}",
            self.acl,
            self.subnet,
            self.direction(),
            self.protocol
        )
    }

    /// Who denies, for a warning: "rule 50 of network ACL acl-1 (outbound from subnet subnet-1)".
    fn blame(&self) -> String {
        let at = if self.egress { "outbound from" } else { "inbound to" };
        format!("{} of network ACL {} ({at} subnet {})", self.rules_text(), self.acl, self.subnet)
    }
}

struct Walk<'g, 'a> {
    graph: &'g Graph<'a>,
    hops: Vec<Hop>,
}

impl Walk<'_, '_> {
    fn hop(&mut self, step: &str, r: &LiveResource, detail: String, ok: bool) {
        self.hops.push(Hop {
            step: step.to_owned(),
            kind: r.kind.clone(),
            id: r.id.clone(),
            detail,
            ok,
            partial: false,
        });
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

    /// Judges one direction of one subnet's network ACL, port by port, and records its hop.
    /// `None` when the subnet has no network ACL leftover can see.
    fn acl(&mut self, subnet: usize, egress: bool, protocol: &str, ports: Ports, peer: Cidr) -> Option<AclVerdict> {
        let graph = self.graph;
        let acl = acl_of(graph, subnet)?;
        let a = &graph.live()[acl];
        let decisions = acl_decisions(&a.parts.entries, egress, protocol, ports, peer);
        let verdict = AclVerdict {
            hop: self.hops.len(),
            acl: a.id.clone(),
            subnet: graph.live()[subnet].id.clone(),
            egress,
            protocol: protocol.to_owned(),
            peer,
            denied: decisions.iter().filter(|d| !d.allow).copied().collect(),
        };
        let traffic = format!("{} {protocol} {ports} {} {peer}", verdict.direction(), verdict.prep());
        let verb = |d: &Decision| if d.allow { "allowed" } else { "denied" };
        let detail = match decisions.as_slice() {
            [one] => format!("{traffic} {} by rule {}", verb(one), rule_name(one.rule)),
            many => format!(
                "{traffic}: {}",
                many.iter()
                    .map(|d| format!("{} {} by rule {}", d.ports, verb(d), rule_name(d.rule)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let allowed = decisions.iter().any(|d| d.allow);
        self.hop("network ACL", a, detail, allowed);
        if let Some(hop) = self.hops.last_mut() {
            hop.partial = allowed && !verdict.denied.is_empty();
        }
        Some(verdict)
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
    let mut warning = None;
    let protocol = exp.protocol.as_str();
    let port = i32::from(exp.port);
    let result = (|| -> Result<(), String> {
        let s_live = &graph.live()[s];
        let d_live = &graph.live()[d];
        let src = from
            .address
            .or_else(|| subnet_cidr(graph, s))
            .ok_or_else(|| format!("subnet {} has no CIDR", s_live.id))?;
        let dst =
            to.address.or_else(|| subnet_cidr(graph, d)).ok_or_else(|| format!("subnet {} has no CIDR", d_live.id))?;
        let (Some(src_vpc), Some(dst_vpc)) = (vpc_of(graph, s), vpc_of(graph, d)) else {
            return Err("a subnet's VPC no longer exists".to_owned());
        };
        let there = walk.route(s, dst_vpc, dst, false)?;
        let back = walk.route(d, src_vpc, src, true)?;
        if let (Some(a), Some(b)) = (&there, &back)
            && a != b
        {
            return Err(format!("traffic goes out through {a} but the return route uses {b}"));
        }
        // The request: the one port, out of the source subnet and into the destination's.
        for (subnet, egress, peer) in [(s, true, dst), (d, false, src)] {
            if let Some(verdict) = walk.acl(subnet, egress, protocol, Ports::one(port), peer)
                && !verdict.denied.is_empty()
            {
                return Err(verdict.denial());
            }
        }
        // The answer returns to whichever ephemeral port the client picked: it must pass
        // both network ACLs on some port of the range; the ports either one denies fail.
        let ephemeral = Ports { lo: i32::from(exp.ephemeral_ports.0), hi: i32::from(exp.ephemeral_ports.1) };
        let returning: Vec<AclVerdict> = [(d, true, src), (s, false, dst)]
            .into_iter()
            .filter_map(|(subnet, egress, peer)| walk.acl(subnet, egress, protocol, ephemeral, peer))
            .filter(|v| !v.denied.is_empty())
            .collect();
        let blocked = union(returning.iter().flat_map(|v| v.denied.iter().map(|d| d.ports)).collect());
        if blocked.iter().map(|p| p.count()).sum::<i64>() == ephemeral.count() {
            for v in &returning {
                walk.hops[v.hop].ok = false;
                walk.hops[v.hop].partial = false;
            }
            let denials: Vec<String> = returning.iter().map(AclVerdict::denial).collect();
            return Err(format!(
                "no return traffic can pass on any ephemeral port ({ephemeral}): {}",
                denials.join("; ")
            ));
        }
        if !blocked.is_empty() {
            let blame: Vec<String> = returning.iter().map(AclVerdict::blame).collect();
            warning = Some(format!(
                "return traffic on port{} {} is denied by {}; connections whose client picks {} fail",
                if blocked.len() == 1 && blocked[0].count() == 1 { "" } else { "s" },
                list(&blocked),
                blame.join(" and "),
                if blocked.len() == 1 && blocked[0].count() == 1 { "that port" } else { "those ports" },
            ));
        }
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
        warning,
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
    "ec2:route",
    "ec2:network-acl",
    "ec2:security-group",
    // Listed apart from the groups (DescribeSecurityGroupRules): without them every group
    // would seem to allow nothing.
    "ec2:security-group-rule",
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

/// The finding one trace of an expectation makes: `problem` in words, the hop to blame
/// related as `relation`.
fn finding(
    graph: &Graph<'_>,
    exp: &Expectation,
    trace: &Trace,
    problem: &str,
    severity: Severity,
    blamed: Option<(&Hop, &str)>,
) -> Finding {
    let from = &graph.live()[trace.from_index];
    let mut related = vec![Related {
        relation: "expects-to-reach".to_owned(),
        id: trace.to.clone(),
        kind: Some(graph.live()[trace.to_index].kind.clone()),
        state: None,
    }];
    if let Some((hop, relation)) = blamed {
        related.push(Related {
            relation: relation.to_owned(),
            id: hop.id.clone(),
            kind: Some(hop.kind.clone()),
            state: None,
        });
    }
    Finding::new(
        FindingKind::Unreachable,
        severity,
        ResourceRef::from_live(from),
        format!(
            "{} (port {}/{}): from {} to {}: {problem}",
            exp.name, exp.port, exp.protocol, trace.from_subnet, trace.to_subnet
        ),
    )
    .with_state(graph.accounting(trace.from_index).first().map(|&d| crate::model::finding::StateRef::of(graph.decl(d))))
    .with_subject(Some(exp.name.clone()))
    .with_related(related)
    .in_environment(graph.env_of_live(trace.from_index))
}

/// One finding per expectation: the first broken path at the policy's severity for
/// `unreachable`; else the first path whose return traffic is denied on part of the
/// ephemeral ports, at most a warning (it works, for some connections only).
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
        let severity = graph.policy.severity(FindingKind::Unreachable);
        if let Some(trace) = traces.iter().find(|t| t.broken.is_some()) {
            let hop = trace.hops.iter().find(|h| !h.ok).map(|h| (h, "broken-link"));
            let problem = trace.broken.as_deref().unwrap_or_default();
            outcome.findings.push(finding(graph, exp, trace, problem, severity, hop));
        } else if let Some(trace) = traces.iter().find(|t| t.warning.is_some()) {
            let hop = trace.hops.iter().find(|h| h.partial).map(|h| (h, "partly-blocked-by"));
            let problem = trace.warning.as_deref().unwrap_or_default();
            outcome.findings.push(finding(graph, exp, trace, problem, severity.min(Severity::Warning), hop));
        }
        outcome.traces.extend(traces);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::Inventory;
    use crate::policy::Policy;

    #[test]
    fn cidrs_contain() {
        let vpc = parse_cidr("10.1.0.0/16").expect("cidr");
        assert!(vpc.contains(&parse_cidr("10.1.2.0/24").expect("cidr")));
        assert!(!vpc.contains(&parse_cidr("10.2.0.0/24").expect("cidr")));
        assert!(parse_cidr("0.0.0.0/0").expect("cidr").contains(&vpc));
        assert!(!parse_cidr("10.1.2.0/24").expect("cidr").contains(&vpc));
        assert_eq!(parse_cidr("10.1.2.3").expect("ip").to_string(), "10.1.2.3/32");
        assert_eq!(parse_cidr("10.1.2.3/16").expect("cidr").to_string(), "10.1.0.0/16");
        assert!(parse_cidr("10.1.2/24").is_none());
        // IPv6 blocks hold IPv6 blocks, never IPv4 ones.
        let v6 = parse_cidr("2600:1f18:aa::/56").expect("cidr");
        assert!(v6.contains(&parse_cidr("2600:1f18:aa:1::/64").expect("cidr")));
        assert!(!v6.contains(&vpc) && !parse_cidr("0.0.0.0/0").expect("cidr").contains(&v6));
        assert!(parse_cidr("::/0").expect("cidr").contains(&v6));
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

    fn ports(lo: i32, hi: i32) -> Ports {
        Ports { lo, hi }
    }

    fn allowed(decisions: &[Decision]) -> Vec<(i32, i32, i32)> {
        decisions.iter().filter(|d| d.allow).map(|d| (d.ports.lo, d.ports.hi, d.rule)).collect()
    }

    fn denied(decisions: &[Decision]) -> Vec<(i32, i32, i32)> {
        decisions.iter().filter(|d| !d.allow).map(|d| (d.ports.lo, d.ports.hi, d.rule)).collect()
    }

    #[test]
    fn acl_rules_apply_in_order() {
        let peer = parse_cidr("10.1.1.0/24").expect("cidr");
        let entries = vec![
            entry(100, false, "deny", "10.1.0.0/16", Some((6379, 6379))),
            entry(200, false, "allow", "0.0.0.0/0", None),
            entry(32767, false, "deny", "0.0.0.0/0", None),
        ];
        assert_eq!(denied(&acl_decisions(&entries, false, "tcp", Ports::one(6379), peer)), vec![(6379, 6379, 100)]);
        assert_eq!(allowed(&acl_decisions(&entries, false, "tcp", Ports::one(443), peer)), vec![(443, 443, 200)]);
        // No egress rule at all: the final `*` rule denies.
        assert_eq!(denied(&acl_decisions(&entries, true, "tcp", Ports::one(443), peer)), vec![(443, 443, LAST_RULE)]);
        let ephemeral = vec![entry(100, true, "allow", "10.1.0.0/16", Some((1024, 65535)))];
        assert_eq!(
            allowed(&acl_decisions(&ephemeral, true, "tcp", ports(1024, 65535), peer)),
            vec![(1024, 65535, 100)]
        );
        // A rule whose CIDR does not hold the peer decides nothing.
        let elsewhere = vec![
            entry(10, true, "deny", "192.168.0.0/16", None),
            entry(20, true, "allow", "10.0.0.0/8", Some((0, 65535))),
        ];
        assert_eq!(allowed(&acl_decisions(&elsewhere, true, "udp", ports(1024, 65535), peer)), Vec::new());
        assert_eq!(allowed(&acl_decisions(&elsewhere, true, "tcp", ports(1024, 65535), peer)), vec![(1024, 65535, 20)]);
    }

    #[test]
    fn issue_12_a_deny_of_other_ports_before_an_allow_all_decides_nothing_here() {
        let peer = parse_cidr("10.1.1.0/24").expect("cidr");
        let hardened = vec![
            entry(90, true, "deny", "0.0.0.0/0", Some((3389, 3389))),
            entry(100, true, "allow", "0.0.0.0/0", None),
            entry(32767, true, "deny", "0.0.0.0/0", None),
        ];
        assert_eq!(allowed(&acl_decisions(&hardened, true, "tcp", Ports::one(443), peer)), vec![(443, 443, 100)]);
        assert_eq!(
            allowed(&acl_decisions(&hardened, true, "tcp", ports(32768, 65535), peer)),
            vec![(32768, 65535, 100)]
        );
        // Across the rule's port, each sub-range goes to the rule that decides it.
        let all = acl_decisions(&hardened, true, "tcp", ports(1024, 65535), peer);
        assert_eq!(allowed(&all), vec![(1024, 3388, 100), (3390, 65535, 100)]);
        assert_eq!(denied(&all), vec![(3389, 3389, 90)]);
        // An allow first wins over a later deny of the same ports.
        let allow_first = vec![
            entry(10, true, "allow", "0.0.0.0/0", Some((32768, 40000))),
            entry(20, true, "deny", "0.0.0.0/0", Some((30000, 50000))),
            entry(30, true, "allow", "0.0.0.0/0", None),
        ];
        let d = acl_decisions(&allow_first, true, "tcp", ports(32768, 65535), peer);
        assert_eq!(allowed(&d), vec![(32768, 40000, 10), (50001, 65535, 30)]);
        assert_eq!(denied(&d), vec![(40001, 50000, 20)]);
    }

    #[test]
    fn port_ranges_union() {
        assert_eq!(union(vec![ports(5, 9), ports(1, 3), ports(4, 4), ports(20, 30)]), vec![ports(1, 9), ports(20, 30)]);
        assert_eq!(union(vec![ports(1, 10), ports(2, 3)]), vec![ports(1, 10)]);
    }

    // ---- whole paths, on a hand-built inventory --------------------------------------

    const ACCOUNT: &str = "123456789012";
    const REGION: &str = "us-east-1";

    fn live(kind: &str, id: &str) -> LiveResource {
        LiveResource::new(kind, id, ACCOUNT, REGION)
    }

    /// One VPC, a client subnet and a server subnet sharing one network ACL with `entries`
    /// (both directions), an instance in the server subnet.
    fn scene(entries: Vec<NetworkAclEntry>) -> Inventory {
        let mut vpc = live("ec2:vpc", "vpc-1");
        vpc.set_attr("cidr_block", "10.0.0.0/16");
        let mut client = live("ec2:subnet", "subnet-client");
        client.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
        client.set_attr("cidr_block", "10.0.1.0/24");
        let mut server = live("ec2:subnet", "subnet-server");
        server.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
        server.set_attr("cidr_block", "10.0.2.0/24");
        let mut table = live("ec2:route-table", "rtb-main");
        table.set_attr("main", true);
        table.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
        let mut acl = live("ec2:network-acl", "acl-hardened");
        acl.set_attr("is_default", true);
        acl.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
        acl.parts.entries = entries;
        let mut instance = live("ec2:instance", "i-web");
        instance.relate(R::InSubnet, "ec2:subnet", Some("subnet-server"));
        instance.set_attr("private_ip", "10.0.2.10");
        let mut inv = Inventory::new("now".into(), vec![ACCOUNT.into()], vec![REGION.into()]);
        inv.resources = vec![vpc, client, server, table, acl, instance];
        inv
    }

    /// Both directions of `rules` (number, action, ports or all), then the final `*` deny.
    /// A rule for `both_ways`: its number, its action, its ports (all when `None`).
    type Rule<'a> = (i32, &'a str, Option<(i32, i32)>);

    fn both_ways(rules: &[Rule<'_>]) -> Vec<NetworkAclEntry> {
        let mut out = Vec::new();
        for egress in [false, true] {
            out.extend(rules.iter().map(|(n, action, ports)| entry(*n, egress, action, "0.0.0.0/0", *ports)));
            out.push(entry(LAST_RULE, egress, "deny", "0.0.0.0/0", None));
        }
        out
    }

    fn policy(extra: &str) -> Policy {
        let mut policy = Policy::builtin();
        policy
            .layer_text(
                "expect.toml",
                &format!(
                    "[[expect.reachable]]\nname = \"web\"\nfrom = \"ec2:subnet/subnet-client\"\nto = \"ec2:instance/i-web\"\nport = 443\n{extra}"
                ),
            )
            .expect("valid policy");
        policy
    }

    fn run(inv: &Inventory, policy: &Policy) -> (Vec<Finding>, Vec<Trace>, usize) {
        let states = crate::state::StateSet::default();
        let graph = Graph::build(inv, &states, policy);
        let mut outcome = Outcome::default();
        check(&graph, &mut outcome);
        assert!(outcome.errors.is_empty(), "{:?}", outcome.errors);
        (outcome.findings, outcome.traces, outcome.withheld)
    }

    #[test]
    fn issue_12_a_deny_of_3389_before_allow_all_leaves_443_reachable() {
        let inv = scene(both_ways(&[(90, "deny", Some((3389, 3389))), (100, "allow", None)]));
        let (findings, traces, _) = run(&inv, &policy(""));
        assert!(findings.is_empty(), "{findings:#?}");
        assert_eq!(traces.len(), 1);
        assert_eq!(traces[0].broken, None);
        assert_eq!(traces[0].warning, None);
        let acl_hops: Vec<&Hop> = traces[0].hops.iter().filter(|h| h.step == "network ACL").collect();
        assert_eq!(acl_hops.len(), 4);
        assert!(acl_hops.iter().all(|h| h.ok && !h.partial), "{acl_hops:#?}");
        assert!(acl_hops[2].detail.contains("32768-65535") && acl_hops[2].detail.contains("rule 100"), "{acl_hops:#?}");
    }

    #[test]
    fn issue_12_a_partly_denied_return_range_is_a_warning_naming_the_ports() {
        let mut entries = both_ways(&[(100, "allow", None)]);
        entries.push(entry(50, true, "deny", "0.0.0.0/0", Some((1024, 40000))));
        let inv = scene(entries);
        let (findings, traces, _) = run(&inv, &policy(""));
        assert_eq!(traces[0].broken, None, "{:#?}", traces[0]);
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let f = &findings[0];
        assert_eq!(f.kind, FindingKind::Unreachable);
        assert_eq!(f.severity, Severity::Warning);
        assert!(f.reason.contains("return traffic on ports 32768-40000 is denied by rule 50 of network ACL acl-hardened (outbound from subnet subnet-server)"), "{}", f.reason);
        assert!(f.reason.contains("connections whose client picks those ports fail"), "{}", f.reason);
        assert!(
            f.related.iter().any(|r| r.relation == "partly-blocked-by" && r.id == "acl-hardened"),
            "{:?}",
            f.related
        );
        let partial: Vec<&Hop> = traces[0].hops.iter().filter(|h| h.partial).collect();
        assert_eq!(partial.len(), 1, "{:#?}", traces[0].hops);
        assert!(partial[0].ok && partial[0].detail.contains("32768-40000 denied by rule 50"), "{}", partial[0].detail);
        assert!(partial[0].detail.contains("40001-65535 allowed by rule 100"), "{}", partial[0].detail);
        // A policy that lowers `unreachable` lowers the warning with it, never raises it.
        let mut quiet = policy("");
        quiet.layer_text("severity.toml", "[severity]\nunreachable = \"info\"\n").expect("valid");
        assert_eq!(run(&inv, &quiet).0[0].severity, Severity::Info);
    }

    #[test]
    fn issue_12_a_return_range_denied_whole_is_unreachable_naming_the_rule() {
        let mut entries = both_ways(&[(100, "allow", None)]);
        entries.push(entry(90, false, "deny", "0.0.0.0/0", Some((1024, 65535))));
        let inv = scene(entries);
        let (findings, traces, _) = run(&inv, &policy(""));
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].severity, Severity::Error);
        let reason = &findings[0].reason;
        assert!(reason.contains("no return traffic can pass on any ephemeral port (32768-65535)"), "{reason}");
        assert!(
            reason.contains("network ACL acl-hardened of subnet subnet-client denies inbound tcp 32768-65535 from 10.0.2.10/32 (rule 90)"),
            "{reason}"
        );
        assert!(findings[0].related.iter().any(|r| r.relation == "broken-link" && r.id == "acl-hardened"));
        assert!(traces[0].hops.iter().any(|h| !h.ok && h.step == "network ACL"));
        // Two ACL directions that each deny half leave no port either: still unreachable.
        let mut halves = both_ways(&[(100, "allow", None)]);
        halves.push(entry(50, true, "deny", "0.0.0.0/0", Some((32768, 50000))));
        halves.push(entry(50, false, "deny", "0.0.0.0/0", Some((50001, 65535))));
        let (findings, _, _) = run(&scene(halves), &policy(""));
        assert_eq!(findings.len(), 1, "{findings:#?}");
        assert_eq!(findings[0].severity, Severity::Error);
        assert!(findings[0].reason.contains("32768-50000") && findings[0].reason.contains("50001-65535"));
        // The forward port denied is unreachable as before.
        let forward = both_ways(&[(90, "deny", Some((443, 443))), (100, "allow", None)]);
        let (findings, _, _) = run(&scene(forward), &policy(""));
        assert!(
            findings[0].reason.contains("denies outbound tcp 443 to 10.0.2.10/32 (rule 90)"),
            "{}",
            findings[0].reason
        );
    }

    #[test]
    fn issue_12_ephemeral_ports_come_from_the_expectation() {
        let mut entries = both_ways(&[(100, "allow", None)]);
        entries.push(entry(50, true, "deny", "0.0.0.0/0", Some((1024, 40000))));
        let inv = scene(entries);
        let (findings, _, _) = run(&inv, &policy("ephemeral_ports = \"1024-65535\"\n"));
        assert_eq!(findings[0].severity, Severity::Warning);
        assert!(
            findings[0].reason.contains("return traffic on ports 1024-40000 is denied by rule 50"),
            "{}",
            findings[0].reason
        );
        let (findings, _, _) = run(&inv, &policy("ephemeral_ports = \"49152-65535\"\n"));
        assert!(findings.is_empty(), "{findings:#?}");
        let (findings, _, _) = run(&inv, &policy("ephemeral_ports = \"32768-40000\"\n"));
        assert_eq!(findings[0].severity, Severity::Error);
        assert!(findings[0].reason.contains("any ephemeral port (32768-40000)"), "{}", findings[0].reason);
    }

    #[test]
    fn issue_12_a_failed_security_group_rule_listing_withholds_the_expectation() {
        let mut inv = scene(both_ways(&[(100, "allow", None)]));
        inv.gaps.push(crate::inventory::CoverageGap {
            service: "ec2".into(),
            account: Some(ACCOUNT.into()),
            region: Some(REGION.into()),
            operation: "DescribeSecurityGroupRules".into(),
            error: "AccessDenied".into(),
            cause: crate::inventory::GapCause::Denied,
            object: None,
            kinds: vec!["ec2:security-group-rule".into()],
        });
        let (findings, traces, withheld) = run(&inv, &policy(""));
        assert!(findings.is_empty() && traces.is_empty(), "{findings:#?}");
        assert_eq!(withheld, 1);
    }
}
