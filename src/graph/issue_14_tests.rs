//! Regression tests of issue 14: the deletion order of what blocks a resource is stated
//! once, not repeated in every finding of a blocker, so findings stay short however many
//! leftovers share a VPC.
// Reaches up to checks: the join is judged by the findings it leads to.

use serde_json::json;

use super::Graph;
use super::tests::{declare, inventory, live};
use crate::checks::{self, FindingKind};
use crate::inventory::{LiveResource, RelationKind as R};
use crate::policy::Policy;
use crate::state::StateSet;

/// A managed VPC and `n` security groups made by hand inside it.
fn vpc_with_hand_made_groups(n: usize) -> (Vec<LiveResource>, StateSet) {
    let mut resources = vec![live("ec2:vpc", "vpc-1")];
    for k in 0..n {
        let mut group = live("ec2:security-group", &format!("sg-{k:04}"));
        group.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
        resources.push(group);
    }
    let states = StateSet {
        files: vec![declare("s3://b/net.tfstate", &[("aws_vpc", "main", json!({"id": "vpc-1"}))])],
        ..StateSet::default()
    };
    (resources, states)
}

#[test]
fn issue_14_the_deletion_order_is_stated_once_per_blocked_resource() {
    let (resources, states) = vpc_with_hand_made_groups(200);
    let inv = inventory(resources);
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    let blocking: Vec<_> = outcome.findings.iter().filter(|f| f.kind == FindingKind::BlockingDependency).collect();
    assert_eq!(blocking.len(), 200);
    for f in &blocking {
        assert!(f.order.is_empty(), "no finding repeats the order: {:?}", f.order);
        let others = (0..200).map(|k| format!("sg-{k:04}")).filter(|id| *id != f.resource.id);
        for other in others {
            assert!(!f.reason.contains(&other), "{} names another blocker: {}", f.resource.id, f.reason);
        }
        assert!(f.reason.len() < 300, "a short reason: {}", f.reason);
        assert!(f.reason.contains("it will block destroying VPC vpc-1 (aws_vpc.main)"), "{}", f.reason);
        assert!(f.reason.contains("200 resources outside Terraform are in the way"), "{}", f.reason);
        assert!(f.related.iter().any(|r| r.relation == "blocks" && r.id == "vpc-1"), "{:?}", f.related);
    }
    assert_eq!(outcome.blocked.len(), 1, "one entry for the one blocked VPC");
    let entry = &outcome.blocked[0];
    assert_eq!((entry.kind.as_str(), entry.id.as_str()), ("ec2:vpc", "vpc-1"));
    assert_eq!(entry.state.as_ref().map(|s| s.address.as_str()), Some("aws_vpc.main"));
    let expected: Vec<String> = (0..200).map(|k| format!("sg-{k:04}")).collect();
    assert_eq!(entry.order, expected);
}

#[test]
fn issue_14_a_blocker_that_blocks_through_another_comes_first_in_the_one_order() {
    // An instance made by hand uses a hand-made group in the managed VPC: the instance
    // goes before the group, and both before the VPC.
    let (mut resources, states) = vpc_with_hand_made_groups(1);
    let mut instance = live("ec2:instance", "i-1");
    instance.status = Some("running".into());
    instance.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    instance.relate(R::UsesSecurityGroup, "ec2:security-group", Some("sg-0000"));
    resources.push(instance);
    let inv = inventory(resources);
    let policy = Policy::builtin();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    assert_eq!(outcome.blocked.len(), 1);
    assert_eq!(outcome.blocked[0].order, ["i-1", "sg-0000"]);
}
