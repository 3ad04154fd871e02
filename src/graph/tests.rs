//! Unit tests of the join and of ownership, on hand-built inventories and states.
// Reaches up to checks: the join is judged by the findings it leads to.

use serde_json::json;

use super::{Class, Graph, Owner};
use crate::checks::{self, FindingKind};
use crate::inventory::{Inventory, LiveResource, RelationKind as R};
use crate::policy::Policy;
use crate::state::StateSet;

pub(super) const ACCOUNT: &str = "123456789012";
pub(super) const REGION: &str = "us-east-1";

pub(super) fn live(kind: &str, id: &str) -> LiveResource {
    LiveResource::new(kind, id, ACCOUNT, REGION)
}

pub(super) use crate::state::extract::testing::declare;

pub(super) fn inventory(resources: Vec<LiveResource>) -> Inventory {
    let mut inv = Inventory::new("now".into(), vec![ACCOUNT.into()], vec![REGION.into()]);
    inv.resources = resources;
    inv
}

pub(super) fn class_of<'a>(graph: &'a Graph<'_>, id: &str) -> &'a Class {
    let i = graph.live().iter().position(|r| r.id == id).expect("resource");
    &graph.classes[i]
}

fn network() -> Vec<LiveResource> {
    let mut vpc = live("ec2:vpc", "vpc-1");
    vpc.set_attr("is_default", false);
    let mut subnet = live("ec2:subnet", "subnet-1");
    subnet.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    let mut default_sg = live("ec2:security-group", "sg-default");
    default_sg.set_attr("group_name", "default");
    default_sg.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    let mut main = live("ec2:route-table", "rtb-main");
    main.set_attr("main", true);
    main.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    let mut instance = live("ec2:instance", "i-1");
    instance.relate(R::InSubnet, "ec2:subnet", Some("subnet-1"));
    let mut root = live("ec2:volume", "vol-root");
    root.set_attr("root_volume", true);
    root.relate(R::AttachedTo, "ec2:instance", Some("i-1"));
    let mut eni = live("ec2:network-interface", "eni-primary");
    eni.set_attr("primary", true);
    eni.relate(R::AttachedTo, "ec2:instance", Some("i-1"));
    eni.relate(R::InSubnet, "ec2:subnet", Some("subnet-1"));
    vec![vpc, subnet, default_sg, main, instance, root, eni]
}

#[test]
fn declared_resources_and_what_goes_with_them_are_accounted_for() {
    let inv = inventory(network());
    let states = StateSet {
        files: vec![declare(
            "s3://b/net.tfstate",
            &[
                ("aws_vpc", "main", json!({"id": "vpc-1"})),
                ("aws_subnet", "a", json!({"id": "subnet-1", "vpc_id": "vpc-1"})),
                ("aws_instance", "web", json!({"id": "i-1", "subnet_id": "subnet-1"})),
            ],
        )],
        ..StateSet::default()
    };
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    assert_eq!(class_of(&graph, "vpc-1"), &Class::Managed);
    assert!(matches!(class_of(&graph, "sg-default"), Class::Owned { owner: Owner::Live { .. }, .. }));
    assert!(matches!(class_of(&graph, "rtb-main"), Class::Owned { .. }));
    assert!(matches!(class_of(&graph, "vol-root"), Class::Owned { .. }));
    assert!(matches!(class_of(&graph, "eni-primary"), Class::Owned { .. }));
    let outcome = checks::run(&graph);
    assert!(outcome.findings.is_empty(), "{:#?}", outcome.findings);
}

#[test]
fn an_unmanaged_instance_carries_its_root_volume_and_blocks_its_managed_subnet() {
    let inv = inventory(network());
    let states = StateSet {
        files: vec![declare(
            "s3://b/net.tfstate",
            &[("aws_vpc", "main", json!({"id": "vpc-1"})), ("aws_subnet", "a", json!({"id": "subnet-1"}))],
        )],
        ..StateSet::default()
    };
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    let kinds: Vec<(FindingKind, &str)> = outcome.findings.iter().map(|f| (f.kind, f.resource.id.as_str())).collect();
    // The instance blocks the subnet (through itself and its primary interface); its volume
    // and interface go with it and are not reported apart.
    assert_eq!(kinds, vec![(FindingKind::BlockingDependency, "i-1")]);
    let f = &outcome.findings[0];
    assert!(f.related.iter().any(|r| r.relation == "blocks" && r.id == "subnet-1"));
    assert!(f.reason.contains("aws_subnet.a"), "{}", f.reason);
}

#[test]
fn load_balancer_interfaces_need_their_load_balancer() {
    let mut eni = live("ec2:network-interface", "eni-lb");
    eni.set_attr("description", "ELB app/web/50dc6c495c0c9188");
    eni.set_attr("requester_managed", true);
    let inv = inventory(vec![eni]);
    let policy = Policy::builtin();
    let empty = StateSet::default();
    let graph = Graph::build(&inv, &empty, &policy);
    assert!(matches!(class_of(&graph, "eni-lb"), Class::Unmanaged { note: Some(_) }), "{:?}", graph.classes);

    let declared = StateSet {
        files: vec![declare(
            "s3://b/lb.tfstate",
            &[(
                "aws_lb",
                "web",
                json!({"id": "x", "arn": "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188"}),
            )],
        )],
        ..StateSet::default()
    };
    let graph = Graph::build(&inv, &declared, &policy);
    assert!(
        matches!(class_of(&graph, "eni-lb"), Class::Owned { owner: Owner::Declared { .. }, .. }),
        "{:?}",
        graph.classes
    );
}

#[test]
fn default_vpc_parts_and_tagged_tools_are_not_leftovers() {
    let mut vpc = live("ec2:vpc", "vpc-default");
    vpc.set_attr("is_default", true);
    let mut subnet = live("ec2:subnet", "subnet-default");
    subnet.set_attr("default_for_az", true);
    subnet.relate(R::InVpc, "ec2:vpc", Some("vpc-default"));
    let mut igw = live("ec2:internet-gateway", "igw-default");
    igw.relate(R::AttachedTo, "ec2:vpc", Some("vpc-default"));
    let mut cfn = live("ec2:volume", "vol-cfn");
    cfn.tags = crate::model::Tags::from([("aws:cloudformation:stack-name".to_owned(), "legacy".to_owned())]);
    let mut stray = live("ec2:instance", "i-stray");
    stray.relate(R::InSubnet, "ec2:subnet", Some("subnet-default"));
    let inv = inventory(vec![vpc, subnet, igw, cfn, stray]);
    let policy = Policy::builtin();
    let empty = StateSet::default();
    let graph = Graph::build(&inv, &empty, &policy);
    assert!(matches!(class_of(&graph, "vpc-default"), Class::Default { .. }));
    assert!(matches!(class_of(&graph, "subnet-default"), Class::Default { .. }));
    assert!(matches!(class_of(&graph, "igw-default"), Class::Default { .. }));
    assert!(matches!(class_of(&graph, "vol-cfn"), Class::ManagedElsewhere { .. }));
    // A person's instance in the default VPC is a leftover.
    let outcome = checks::run(&graph);
    let ids: Vec<&str> = outcome.findings.iter().map(|f| f.resource.id.as_str()).collect();
    assert_eq!(ids, vec!["i-stray"]);
}

#[test]
fn names_repeat_across_regions_without_being_joined() {
    let east = LiveResource::new("eks:cluster", "dev", ACCOUNT, "us-east-1");
    let mut inv = inventory(vec![east]);
    inv.add_listed(ACCOUNT, "eu-west-1");
    let states = StateSet {
        files: vec![declare(
            "s3://b/eu.tfstate",
            &[(
                "aws_eks_cluster",
                "dev",
                json!({"id": "dev", "arn": "arn:aws:eks:eu-west-1:123456789012:cluster/dev"}),
            )],
        )],
        ..StateSet::default()
    };
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    let kinds: Vec<(FindingKind, Option<&str>)> =
        outcome.findings.iter().map(|f| (f.kind, f.resource.region.as_deref())).collect();
    assert!(kinds.contains(&(FindingKind::Missing, Some("eu-west-1"))), "{kinds:?}");
    assert!(kinds.contains(&(FindingKind::Unmanaged, Some("us-east-1"))), "{kinds:?}");
}

#[test]
fn issue_29_the_decommissioning_graph_is_joined_once_and_judges_as_two_builds_did() {
    let mut staging = live("ec2:volume", "vol-staging");
    staging.tags = [("Environment".to_owned(), "staging".to_owned())].into_iter().collect();
    let mut dev = live("ec2:volume", "vol-dev");
    dev.tags = [("Environment".to_owned(), "dev".to_owned())].into_iter().collect();
    let mut kept = live("ec2:volume", "vol-staging-kept");
    kept.tags = [("Environment".to_owned(), "staging".to_owned())].into_iter().collect();
    let inv = inventory(vec![staging, dev, kept]);
    // Staging's state still declares something: nothing says staging is gone.
    let states = StateSet {
        files: vec![
            declare(
                "s3://b/dev/app.tfstate",
                &[("aws_ebs_volume", "data", json!({"id": "vol-dev", "tags_all": {"Environment": "dev"}}))],
            ),
            declare(
                "s3://b/staging/app.tfstate",
                &[(
                    "aws_ebs_volume",
                    "kept",
                    json!({"id": "vol-staging-kept", "tags_all": {"Environment": "staging"}}),
                )],
            ),
        ],
        ..StateSet::default()
    };
    let policy = Policy::builtin();
    let slot = std::cell::OnceCell::new();
    let once = Graph::build_decommissioning(&inv, &states, &policy, "staging", &slot);
    let decommissioned = policy.with_decommissioned("staging");
    let twice = Graph::build(&inv, &states, &decommissioned);
    assert!(slot.get().is_some(), "nothing said staging was gone: the run says so");
    assert_eq!(checks::run(&once).findings, checks::run(&twice).findings);
    assert!(checks::run(&once).findings.iter().any(|f| f.kind == FindingKind::DeletedEnv));
    // An environment the policy already names as gone is judged by the policy as it is.
    let slot = std::cell::OnceCell::new();
    let _ = Graph::build_decommissioning(&inv, &states, &decommissioned, "staging", &slot);
    assert!(slot.get().is_none());
}
