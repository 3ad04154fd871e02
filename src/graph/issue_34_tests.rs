//! Regression tests of issue 34: the routes AWS writes for a declared resource (a gateway
//! endpoint's prefix-list route, a virtual private gateway's propagated routes, the local
//! route of every CIDR block) are that resource's, not drift; the routes no resource makes
//! AWS write (a transit, NAT or internet gateway's) stay findings. On hand-built
//! inventories and states.
// Reaches up to checks: routes are judged by the findings they lead to.

use serde_json::{Value, json};

use super::Graph;
use super::tests::{declare, inventory, live};
use crate::checks::{self, FindingKind};
use crate::inventory::LiveResource;
use crate::model::subresource::Route;
use crate::policy::Policy;
use crate::state::{StateFile, StateSet};

const VPC: &str = "vpc-0a1b2c3d4e5f60718";
const ENDPOINT: &str = "vpce-0a1b2c3d4e5f60718";
const S3_LIST: &str = "pl-63a5400a";
const VGW: &str = "vgw-0a1b2c3d4e5f60718";

fn route(destination: &str, target: &str, origin: &str) -> Route {
    Route {
        destination: destination.to_owned(),
        target: Some(target.to_owned()),
        state: Some("active".to_owned()),
        origin: Some(origin.to_owned()),
    }
}

/// A route table of the VPC with its local routes (two IPv4 blocks and an IPv6 block) and
/// the routes given.
fn table(id: &str, routes: Vec<Route>) -> LiveResource {
    let mut table = live("ec2:route-table", id);
    table.set_attr("main", false);
    table.relate(crate::inventory::RelationKind::InVpc, "ec2:vpc", Some(VPC));
    table.parts.routes = vec![
        route("10.0.0.0/16", "local", "CreateRouteTable"),
        route("10.1.0.0/16", "local", "CreateRouteTable"),
        route("2600:1f18:1234:5600::/56", "local", "CreateRouteTable"),
    ];
    table.parts.routes.extend(routes);
    table
}

fn endpoint_route(table_id: &str) -> LiveResource {
    table(table_id, vec![route(S3_LIST, ENDPOINT, "CreateRoute")])
}

fn network_state(extra: Vec<(&str, &str, Value)>) -> StateFile {
    let mut resources = vec![
        ("aws_vpc", "main", json!({"id": VPC, "cidr_block": "10.0.0.0/16"})),
        (
            "aws_vpc_ipv4_cidr_block_association",
            "secondary",
            json!({"id": "vpc-cidr-assoc-0a1b2c3d", "vpc_id": VPC, "cidr_block": "10.1.0.0/16"}),
        ),
    ];
    for (n, id) in ["rtb-a", "rtb-b", "rtb-c"].iter().enumerate() {
        resources.push(("aws_route_table", ["a", "b", "c"][n], json!({"id": id, "vpc_id": VPC, "route": []})));
    }
    resources.extend(extra);
    declare("s3://b/net.tfstate", &resources)
}

fn findings(live: Vec<LiveResource>, files: Vec<StateFile>) -> Vec<(FindingKind, String, String)> {
    let mut vpc = super::tests::live("ec2:vpc", VPC);
    vpc.set_attr("is_default", false);
    let mut endpoint = super::tests::live("ec2:vpc-endpoint", ENDPOINT);
    endpoint.set_attr("vpc_endpoint_type", "Gateway");
    let mut resources = vec![vpc, endpoint];
    resources.extend(live);
    let inv = inventory(resources);
    let states = StateSet { files, ..StateSet::default() };
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    checks::run(&graph).findings.into_iter().map(|f| (f.kind, f.resource.id, f.reason)).collect()
}

fn endpoint_decl(tables: &[&str]) -> (&'static str, &'static str, Value) {
    (
        "aws_vpc_endpoint",
        "s3",
        json!({"id": ENDPOINT, "vpc_id": VPC, "vpc_endpoint_type": "Gateway", "prefix_list_id": S3_LIST,
               "service_name": "com.amazonaws.us-east-1.s3", "route_table_ids": tables}),
    )
}

#[test]
fn issue_34_a_gateway_endpoints_routes_in_its_declared_tables_are_silent() {
    let live = vec![endpoint_route("rtb-a"), endpoint_route("rtb-b"), table("rtb-c", vec![])];
    let found = findings(live, vec![network_state(vec![endpoint_decl(&["rtb-a", "rtb-b"])])]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn issue_34_a_route_to_a_declared_endpoint_in_a_table_it_is_not_declared_on_is_drift() {
    let live = vec![endpoint_route("rtb-a"), endpoint_route("rtb-b"), endpoint_route("rtb-c")];
    let found = findings(live, vec![network_state(vec![endpoint_decl(&["rtb-a", "rtb-b"])])]);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (kind, id, reason) = &found[0];
    assert_eq!((*kind, id.as_str()), (FindingKind::Drift, "rtb-c"));
    assert!(reason.contains(&format!("no state declares VPC endpoint {ENDPOINT} on this table")), "{reason}");
}

#[test]
fn issue_34_an_endpoint_route_table_association_declares_the_route_in_any_state() {
    let live = vec![endpoint_route("rtb-a"), endpoint_route("rtb-b"), table("rtb-c", vec![])];
    let associations = declare(
        "s3://b/endpoints.tfstate",
        &[
            endpoint_decl(&[]),
            (
                "aws_vpc_endpoint_route_table_association",
                "a",
                json!({"id": "a-vpce-0a1b2c3d4e5f607181234567", "vpc_endpoint_id": ENDPOINT, "route_table_id": "rtb-a"}),
            ),
            (
                "aws_vpc_endpoint_route_table_association",
                "b",
                json!({"id": "a-vpce-0a1b2c3d4e5f607187654321", "vpc_endpoint_id": ENDPOINT, "route_table_id": "rtb-b"}),
            ),
        ],
    );
    let found = findings(live, vec![network_state(vec![]), associations]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn issue_34_a_route_into_an_endpoint_no_state_declares_names_the_endpoint() {
    let live = vec![endpoint_route("rtb-a"), table("rtb-b", vec![]), table("rtb-c", vec![])];
    let found = findings(live, vec![network_state(vec![])]);
    let routes: Vec<_> = found.iter().filter(|(_, id, _)| id.starts_with("rtb-")).collect();
    assert_eq!(routes.len(), 1, "{found:#?}");
    let (kind, id, reason) = routes[0];
    assert_eq!((*kind, id.as_str()), (FindingKind::Drift, "rtb-a"));
    assert!(reason.contains(&format!("nor VPC endpoint {ENDPOINT}")), "{reason}");
    // The endpoint itself is a leftover.
    assert!(found.iter().any(|(kind, id, _)| *kind == FindingKind::Unmanaged && id == ENDPOINT), "{found:#?}");
}

fn propagated(table_id: &str) -> LiveResource {
    table(
        table_id,
        vec![
            route("172.16.0.0/16", VGW, "EnableVgwRoutePropagation"),
            route("172.17.0.0/16", VGW, "EnableVgwRoutePropagation"),
        ],
    )
}

#[test]
fn issue_34_routes_propagated_from_a_declared_propagation_are_silent() {
    let live = vec![propagated("rtb-a"), propagated("rtb-b"), table("rtb-c", vec![])];
    let mut state = network_state(vec![
        endpoint_decl(&[]),
        (
            "aws_vpn_gateway_route_propagation",
            "b",
            json!({"id": "vgw-0a1b2c3d4e5f60718_rtb-b", "vpn_gateway_id": VGW, "route_table_id": "rtb-b"}),
        ),
    ]);
    // The first table declares its propagation inline.
    let a = state.resources.iter_mut().find(|r| r.address == "aws_route_table.a").expect("table a");
    *a = declare(
        "s3://b/net.tfstate",
        &[("aws_route_table", "a", json!({"id": "rtb-a", "vpc_id": VPC, "route": [], "propagating_vgws": [VGW]}))],
    )
    .resources
    .remove(0);
    let found = findings(live, vec![state]);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn issue_34_routes_propagated_without_a_declared_propagation_are_one_drift_per_gateway() {
    let live = vec![propagated("rtb-a"), table("rtb-b", vec![]), table("rtb-c", vec![])];
    let found = findings(live, vec![network_state(vec![endpoint_decl(&[])])]);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (kind, id, reason) = &found[0];
    assert_eq!((*kind, id.as_str()), (FindingKind::Drift, "rtb-a"));
    assert!(reason.contains(VGW) && reason.contains("172.16.0.0/16, 172.17.0.0/16"), "{reason}");
    assert!(reason.contains("no state declares that propagation"), "{reason}");
}

fn available(kind: &str, id: &str) -> LiveResource {
    let mut gateway = super::tests::live(kind, id);
    gateway.status = Some("available".to_owned());
    gateway
}

#[test]
fn issue_34_routes_no_resource_makes_aws_write_stay_findings() {
    let tgw = route("10.50.0.0/16", "tgw-0a1b2c3d4e5f60718", "CreateRoute");
    let nat = route("0.0.0.0/0", "nat-0a1b2c3d4e5f60718", "CreateRoute");
    let igw = route("0.0.0.0/0", "igw-0a1b2c3d4e5f60718", "CreateRoute");
    let live = vec![
        table("rtb-a", vec![tgw]),
        table("rtb-b", vec![nat]),
        table("rtb-c", vec![igw]),
        available("ec2:transit-gateway", "tgw-0a1b2c3d4e5f60718"),
        available("ec2:natgateway", "nat-0a1b2c3d4e5f60718"),
        available("ec2:internet-gateway", "igw-0a1b2c3d4e5f60718"),
    ];
    let mut found = findings(live.clone(), vec![network_state(vec![])]);
    found.retain(|(_, id, _)| id.starts_with("rtb-"));
    let drifted: Vec<_> = found.iter().map(|(kind, id, _)| (*kind, id.as_str())).collect();
    assert_eq!(
        drifted,
        vec![(FindingKind::Drift, "rtb-a"), (FindingKind::Drift, "rtb-b"), (FindingKind::Drift, "rtb-c")],
        "{found:#?}"
    );
    // Declared, the same routes are silent: the transit gateway's as an `aws_route`.
    let declared = network_state(vec![
        (
            "aws_route",
            "tgw",
            json!({"id": "r-rtb-a1080289494", "route_table_id": "rtb-a", "destination_cidr_block": "10.50.0.0/16",
                   "transit_gateway_id": "tgw-0a1b2c3d4e5f60718"}),
        ),
        (
            "aws_route",
            "nat",
            json!({"id": "r-rtb-b1080289494", "route_table_id": "rtb-b", "destination_cidr_block": "0.0.0.0/0",
                   "nat_gateway_id": "nat-0a1b2c3d4e5f60718"}),
        ),
        (
            "aws_route",
            "igw",
            json!({"id": "r-rtb-c1080289494", "route_table_id": "rtb-c", "destination_cidr_block": "0.0.0.0/0",
                   "gateway_id": "igw-0a1b2c3d4e5f60718"}),
        ),
    ]);
    let mut found = findings(live, vec![declared]);
    found.retain(|(_, id, _)| id.starts_with("rtb-"));
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn issue_34_the_local_route_of_every_cidr_block_is_aws_s() {
    let live = vec![table("rtb-a", vec![]), table("rtb-b", vec![]), table("rtb-c", vec![])];
    let found = findings(live, vec![network_state(vec![endpoint_decl(&[])])]);
    assert!(found.is_empty(), "{found:#?}");
}

fn tables() -> Vec<LiveResource> {
    vec![table("rtb-a", vec![]), table("rtb-b", vec![]), table("rtb-c", vec![])]
}

fn rule(from_group: &str, port: i32) -> crate::model::subresource::SecurityGroupRule {
    crate::model::subresource::SecurityGroupRule {
        id: None,
        egress: false,
        protocol: "tcp".to_owned(),
        from_port: port,
        to_port: port,
        cidr_ipv4: None,
        cidr_ipv6: None,
        prefix_list: None,
        group: Some(from_group.to_owned()),
    }
}

fn group(id: &str, tags: &[(&str, &str)], rules: Vec<crate::model::subresource::SecurityGroupRule>) -> LiveResource {
    let mut group = super::tests::live("ec2:security-group", id);
    group.set_attr("group_name", id);
    group.relate(crate::inventory::RelationKind::InVpc, "ec2:vpc", Some(VPC));
    group.tags = tags.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
    group.parts.rules = rules;
    group
}

#[test]
fn issue_34_the_rules_of_groups_another_tool_manages_are_never_judged() {
    // The AWS Load Balancer Controller's group, and the cluster security group EKS made for
    // a declared cluster: their rules are theirs, whatever they are.
    let controller = group("sg-controller", &[("elbv2.k8s.aws/cluster", "dev")], vec![rule("sg-anyone", 443)]);
    let cluster_group = group("sg-cluster", &[("aws:eks:cluster-name", "dev")], vec![rule("sg-cluster", 443)]);
    let cluster = super::tests::live("eks:cluster", "dev");
    let eks = declare("s3://b/eks.tfstate", &[("aws_eks_cluster", "dev", json!({"id": "dev", "name": "dev"}))]);
    let mut live = tables();
    live.extend([controller, cluster_group, cluster]);
    let found = findings(live, vec![network_state(vec![endpoint_decl(&[])]), eks]);
    // No drift: the controller's group is only what it is everywhere, a leftover in the way
    // of the VPC's destroy.
    let kinds: Vec<_> = found.iter().map(|(kind, id, _)| (*kind, id.as_str())).collect();
    assert_eq!(kinds, vec![(FindingKind::BlockingDependency, "sg-controller")], "{found:#?}");
}

#[test]
fn issue_34_a_rule_naming_a_declared_endpoints_group_is_judged_like_any_rule() {
    let app = group("sg-app", &[], vec![rule("sg-endpoint", 443), rule("sg-endpoint", 8443)]);
    let endpoint_group = group("sg-endpoint", &[], vec![]);
    let state = network_state(vec![
        endpoint_decl(&[]),
        ("aws_security_group", "endpoint", json!({"id": "sg-endpoint", "vpc_id": VPC, "ingress": [], "egress": []})),
        (
            "aws_security_group",
            "app",
            json!({"id": "sg-app", "vpc_id": VPC, "egress": [], "ingress": [
                {"protocol": "tcp", "from_port": 443, "to_port": 443, "security_groups": ["sg-endpoint"],
                 "cidr_blocks": [], "self": false}]}),
        ),
    ]);
    let mut live = tables();
    live.extend([app, endpoint_group]);
    let found = findings(live, vec![state]);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (kind, id, reason) = &found[0];
    assert_eq!((*kind, id.as_str()), (FindingKind::Drift, "sg-app"));
    assert!(reason.contains("ingress tcp 8443 from sg-endpoint"), "{reason}");
}
