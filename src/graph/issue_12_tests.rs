//! Regression tests of issue 12's known false-positive shapes and quiet nightly report, on
//! hand-built inventories and states.
// Reaches up to checks, report: a false positive is judged by the findings and the rendered explanation it leads to.

use serde_json::json;

use super::Graph;
use super::tests::{class_of, declare, inventory, live};
use crate::checks::{self, FindingKind};
use crate::inventory::{Origin, Relation, RelationKind as R};
use crate::policy::Policy;
use crate::state::StateSet;

fn tags(pairs: &[(&str, &str)]) -> crate::model::Tags {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
}

fn kinds_of(outcome: &checks::Outcome) -> Vec<(FindingKind, String)> {
    outcome.findings.iter().map(|f| (f.kind, f.resource.id.clone())).collect()
}

#[test]
fn issue_12_tagged_eks_add_ons_and_fargate_profiles_are_declared_by_their_types() {
    let addon_arn = "arn:aws:eks:us-east-1:123456789012:addon/dev/vpc-cni/7ac8a4e2-1b2c-3d4e-5f60-718293a4b5c6";
    let profile_arn =
        "arn:aws:eks:us-east-1:123456789012:fargateprofile/dev/system/5cc8a4e2-1b2c-3d4e-5f60-718293a4b5c6";
    // As the tagging API lists them: provider `default_tags` tag every add-on and profile.
    let mut addon = live("eks:addon", "dev:vpc-cni");
    addon_arn.clone_into(&mut addon.arn);
    addon.origin = Origin::Tagging;
    addon.tags = tags(&[("Environment", "dev")]);
    let mut profile = live("eks:fargate-profile", "dev:system");
    profile_arn.clone_into(&mut profile.arn);
    profile.origin = Origin::Tagging;
    profile.tags = tags(&[("Environment", "dev")]);
    let inv = inventory(vec![live("eks:cluster", "dev"), addon, profile]);
    let states = StateSet {
        files: vec![declare(
            "s3://b/dev/eks.tfstate",
            &[
                (
                    "aws_eks_cluster",
                    "dev",
                    json!({"id": "dev", "arn": "arn:aws:eks:us-east-1:123456789012:cluster/dev"}),
                ),
                (
                    "aws_eks_addon",
                    "cni",
                    json!({"id": "dev:vpc-cni", "arn": addon_arn, "cluster_name": "dev", "addon_name": "vpc-cni",
                           "tags_all": {"Environment": "dev"}}),
                ),
                (
                    "aws_eks_fargate_profile",
                    "system",
                    json!({"id": "dev:system", "arn": profile_arn, "cluster_name": "dev",
                           "tags_all": {"Environment": "dev"}}),
                ),
            ],
        )],
        ..StateSet::default()
    };
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    assert_eq!(class_of(&graph, "dev:vpc-cni"), &super::Class::Managed);
    assert_eq!(class_of(&graph, "dev:system"), &super::Class::Managed);
    let outcome = checks::run(&graph);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
}

#[test]
fn issue_12_a_rule_naming_another_accounts_group_is_not_a_broken_reference() {
    let mut group = live("ec2:security-group", "sg-0a1b2c3d4e5f60718");
    group.relations.push(
        Relation::new(R::References, "ec2:security-group", "sg-0f1e2d3c4b5a69788")
            .with_detail("ingress tcp 443 from sg-0f1e2d3c4b5a69788")
            .in_account(Some("210987654321"), &group.account),
    );
    // The same rule naming a group of the scanned account that is gone is broken.
    let mut stale = live("ec2:security-group", "sg-0a1b2c3d4e5f60719");
    stale.relate_detail(R::References, "ec2:security-group", Some("sg-0deadbeef0000001"), "ingress tcp 443");
    let inv = inventory(vec![group, stale]);
    let states = StateSet {
        files: vec![declare(
            "s3://b/net.tfstate",
            &[
                ("aws_security_group", "app", json!({"id": "sg-0a1b2c3d4e5f60718"})),
                ("aws_security_group", "old", json!({"id": "sg-0a1b2c3d4e5f60719"})),
            ],
        )],
        ..StateSet::default()
    };
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    assert_eq!(
        kinds_of(&outcome),
        vec![(FindingKind::BrokenReference, "sg-0a1b2c3d4e5f60719".to_owned())],
        "{:#?}",
        outcome.findings
    );
    let explained = checks::explanation::explain(&graph, &outcome, "sg-0a1b2c3d4e5f60718", 0);
    let text = crate::report::explanation::render_text(&explained);
    assert!(text.contains("sg-0f1e2d3c4b5a69788 (in account 210987654321, which was not scanned)"), "{text}");
}

#[test]
fn issue_12_a_peering_with_another_accounts_vpc_is_not_a_broken_reference() {
    let mut vpc = live("ec2:vpc", "vpc-0a1b2c3d4e5f60718");
    vpc.set_attr("is_default", false);
    let mut pcx = live("ec2:vpc-peering-connection", "pcx-0a1b2c3d4e5f60718");
    pcx.status = Some("active".into());
    pcx.set_attr("requester_vpc_id", "vpc-0a1b2c3d4e5f60718");
    pcx.set_attr("accepter_vpc_id", "vpc-0f1e2d3c4b5a69788");
    pcx.set_attr("accepter_owner_id", "210987654321");
    pcx.relate_in(R::PeersWith, "ec2:vpc", Some("vpc-0a1b2c3d4e5f60718"), Some("123456789012"), "requester");
    pcx.relate_in(R::PeersWith, "ec2:vpc", Some("vpc-0f1e2d3c4b5a69788"), Some("210987654321"), "accepter");
    let inv = inventory(vec![vpc, pcx]);
    let states = StateSet {
        files: vec![declare(
            "s3://b/net.tfstate",
            &[
                ("aws_vpc", "main", json!({"id": "vpc-0a1b2c3d4e5f60718", "owner_id": "123456789012"})),
                (
                    "aws_vpc_peering_connection",
                    "partner",
                    json!({"id": "pcx-0a1b2c3d4e5f60718", "vpc_id": "vpc-0a1b2c3d4e5f60718",
                           "peer_vpc_id": "vpc-0f1e2d3c4b5a69788", "peer_owner_id": "210987654321",
                           "peer_region": "us-east-1"}),
                ),
            ],
        )],
        ..StateSet::default()
    };
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    let i = graph.live().iter().position(|r| r.id == "pcx-0a1b2c3d4e5f60718").expect("pcx");
    let text = crate::report::explanation::render_text(&checks::explanation::explain(&graph, &outcome, "pcx", i));
    assert!(text.contains("vpc-0f1e2d3c4b5a69788 (in account 210987654321, which was not scanned)"), "{text}");
}

#[test]
fn issue_12_tags_set_by_aws_ec2_tag_are_declared_not_drift() {
    let mut subnet = live("ec2:subnet", "subnet-0a1b2c3d4e5f60718");
    subnet.tags = tags(&[("Environment", "dev"), ("kubernetes.io/role/elb", "1")]);
    let inv = inventory(vec![subnet]);
    let network = declare(
        "s3://b/dev/network.tfstate",
        &[("aws_subnet", "public", json!({"id": "subnet-0a1b2c3d4e5f60718", "tags_all": {"Environment": "dev"}}))],
    );
    // The cluster's state tags the network's subnet for its load balancers.
    let cluster = declare(
        "s3://b/dev/cluster.tfstate",
        &[(
            "aws_ec2_tag",
            "elb",
            json!({"id": "subnet-0a1b2c3d4e5f60718,kubernetes.io/role/elb", "resource_id": "subnet-0a1b2c3d4e5f60718",
                   "key": "kubernetes.io/role/elb", "value": "1"}),
        )],
    );
    let policy = Policy::builtin();
    let only_network = StateSet { files: vec![network.clone()], ..StateSet::default() };
    let graph = Graph::build(&inv, &only_network, &policy);
    assert_eq!(kinds_of(&checks::run(&graph)), vec![(FindingKind::Drift, "subnet-0a1b2c3d4e5f60718".to_owned())]);
    let both = StateSet { files: vec![network, cluster], ..StateSet::default() };
    let graph = Graph::build(&inv, &both, &policy);
    let outcome = checks::run(&graph);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
}

#[test]
fn issue_12_a_vpcs_main_route_table_ties_no_state_to_the_vpc_state() {
    let mut vpc = live("ec2:vpc", "vpc-0a1b2c3d4e5f60718");
    vpc.set_attr("is_default", false);
    let mut main = live("ec2:route-table", "rtb-0a1b2c3d4e5f60718");
    main.set_attr("main", true);
    main.relate(R::InVpc, "ec2:vpc", Some("vpc-0a1b2c3d4e5f60718"));
    let inv = inventory(vec![vpc, main]);
    let network = declare(
        "s3://b/network.tfstate",
        &[(
            "aws_vpc",
            "main",
            json!({"id": "vpc-0a1b2c3d4e5f60718", "main_route_table_id": "rtb-0a1b2c3d4e5f60718",
                   "default_route_table_id": "rtb-0a1b2c3d4e5f60718"}),
        )],
    );
    let routing = declare(
        "s3://b/routing.tfstate",
        &[(
            "aws_default_route_table",
            "main",
            json!({"id": "rtb-0a1b2c3d4e5f60718", "default_route_table_id": "rtb-0a1b2c3d4e5f60718",
                   "vpc_id": "vpc-0a1b2c3d4e5f60718", "route": []}),
        )],
    );
    let states = StateSet { files: vec![network, routing], ..StateSet::default() };
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    // One tie, the route table state's own: it needs the network state's VPC.
    let orders: Vec<&[String]> = outcome.links.iter().map(|f| f.order.as_slice()).collect();
    assert_eq!(
        orders,
        vec![&["s3://b/routing.tfstate".to_owned(), "s3://b/network.tfstate".to_owned()][..]],
        "{:#?}",
        outcome.links
    );
}

#[test]
fn issue_12_an_unmanaged_resource_with_tags_is_never_called_untagged() {
    let mut volume = live("ec2:volume", "vol-0a1b2c3d4e5f60718");
    volume.tags = tags(&[("Team", "data"), ("CostCenter", "42"), ("Owner", "ops"), ("Purpose", "scratch")]);
    let bare = live("ec2:volume", "vol-0a1b2c3d4e5f60719");
    let inv = inventory(vec![volume, bare]);
    let policy = Policy::builtin();
    let empty = StateSet::default();
    let graph = Graph::build(&inv, &empty, &policy);
    let outcome = checks::run(&graph);
    let reasons: Vec<(&str, &str)> =
        outcome.findings.iter().map(|f| (f.resource.id.as_str(), f.reason.as_str())).collect();
    let tagged = reasons.iter().find(|(id, _)| *id == "vol-0a1b2c3d4e5f60718").expect("tagged volume").1;
    assert!(!tagged.contains("untagged"), "{tagged}");
    assert!(tagged.contains("tagged CostCenter=42, Owner=ops and 2 more"), "{tagged}");
    let untagged = reasons.iter().find(|(id, _)| *id == "vol-0a1b2c3d4e5f60719").expect("bare volume").1;
    assert!(untagged.contains("untagged"), "{untagged}");
}

/// A network state (VPC, subnet) and an app state whose instance sits in its subnet.
fn layered(app_instance_live: bool) -> (crate::inventory::Inventory, StateSet) {
    let mut vpc = live("ec2:vpc", "vpc-0a1b2c3d4e5f60718");
    vpc.set_attr("is_default", false);
    vpc.tags = tags(&[("Environment", "dev")]);
    let mut subnet = live("ec2:subnet", "subnet-0a1b2c3d4e5f60718");
    subnet.relate(R::InVpc, "ec2:vpc", Some("vpc-0a1b2c3d4e5f60718"));
    subnet.tags = tags(&[("Environment", "dev")]);
    let mut resources = vec![vpc, subnet];
    if app_instance_live {
        let mut instance = live("ec2:instance", "i-0a1b2c3d4e5f60718");
        instance.status = Some("running".into());
        instance.relate(R::InSubnet, "ec2:subnet", Some("subnet-0a1b2c3d4e5f60718"));
        instance.tags = tags(&[("Environment", "dev")]);
        resources.push(instance);
    }
    let network = declare(
        "s3://b/dev/network.tfstate",
        &[
            ("aws_vpc", "main", json!({"id": "vpc-0a1b2c3d4e5f60718", "tags_all": {"Environment": "dev"}})),
            (
                "aws_subnet",
                "app",
                json!({"id": "subnet-0a1b2c3d4e5f60718", "vpc_id": "vpc-0a1b2c3d4e5f60718",
                       "tags_all": {"Environment": "dev"}}),
            ),
        ],
    );
    let app = declare(
        "s3://b/dev/app.tfstate",
        &[(
            "aws_instance",
            "web",
            json!({"id": "i-0a1b2c3d4e5f60718", "subnet_id": "subnet-0a1b2c3d4e5f60718", "tags_all": {"Environment": "dev"},
                   "arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-0a1b2c3d4e5f60718"}),
        )],
    );
    (inventory(resources), StateSet { files: vec![network, app], ..StateSet::default() })
}

#[test]
fn issue_12_a_plain_link_between_live_states_is_counted_not_reported() {
    let (inv, states) = layered(true);
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
    assert_eq!(outcome.links.len(), 1, "{:#?}", outcome.links);
    assert_eq!(outcome.links[0].kind, FindingKind::CrossState);
    assert_eq!(outcome.links[0].resource.id, "subnet-0a1b2c3d4e5f60718");
}

#[test]
fn issue_12_links_into_a_decommissioned_environment_or_from_a_missing_resource_stay_findings() {
    let (inv, states) = layered(true);
    let policy = Policy::builtin().with_decommissioned("dev");
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    let cross: Vec<&str> =
        outcome.findings.iter().filter(|f| f.kind == FindingKind::CrossState).map(|f| f.reason.as_str()).collect();
    assert_eq!(cross.len(), 1, "{:#?}", outcome.findings);
    assert!(cross[0].contains("decommissioned"), "{}", cross[0]);
    assert!(outcome.links.is_empty());

    // The app's instance was terminated out of band: the tie holds something missing.
    let (inv, states) = layered(false);
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    let cross: Vec<&str> =
        outcome.findings.iter().filter(|f| f.kind == FindingKind::CrossState).map(|f| f.reason.as_str()).collect();
    assert_eq!(cross.len(), 1, "{:#?}", outcome.findings);
    assert!(cross[0].contains("instance i-0a1b2c3d4e5f60718 no longer exists"), "{}", cross[0]);
}

#[test]
fn issue_12_a_reference_to_a_declared_resource_that_is_gone_stays_a_finding() {
    let (mut inv, states) = layered(true);
    inv.resources.retain(|r| r.kind != "ec2:subnet");
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    let cross: Vec<&str> =
        outcome.findings.iter().filter(|f| f.kind == FindingKind::CrossState).map(|f| f.reason.as_str()).collect();
    assert_eq!(cross.len(), 1, "{:#?}", outcome.findings);
    assert!(cross[0].contains("subnet subnet-0a1b2c3d4e5f60718 no longer exists"), "{}", cross[0]);
}
