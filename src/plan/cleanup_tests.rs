//! Unit tests of the cleanup plan (issue 13): order, quoting and markers, on hand-built
//! inventories and states.

use serde_json::json;

use super::cleanup::{CleanupPlan, Context, Leftover, comment_text, plan, quote};
use crate::checks;
use crate::graph::Graph;
use crate::inventory::{Inventory, LiveResource, RelationKind as R};
use crate::model::subresource::SecurityGroupRule;
use crate::policy::Policy;
use crate::state::StateSet;

const ACCOUNT: &str = "123456789012";
const REGION: &str = "us-east-1";

fn live(kind: &str, id: &str) -> LiveResource {
    let mut r = LiveResource::new(kind, id, ACCOUNT, REGION);
    r.tags.insert("Environment".into(), "staging".into());
    r
}

fn inventory(resources: Vec<LiveResource>) -> Inventory {
    let mut inv = Inventory::new("now".into(), vec![ACCOUNT.into()], vec![REGION.into()]);
    inv.resources = resources;
    inv
}

use crate::state::extract::testing::declare;

/// The plan of every leftover in `inv` given `states`.
fn plan_of(inv: &Inventory, states: &StateSet) -> CleanupPlan {
    plan_with(inv, states, true)
}

/// The same, keeping final snapshots of databases or not (`--no-final-snapshot`).
fn plan_with(inv: &Inventory, states: &StateSet, final_snapshot: bool) -> CleanupPlan {
    let policy = Policy::builtin();
    let graph = Graph::build(inv, states, &policy);
    let outcome = checks::run(&graph);
    let leftovers: Vec<Leftover<'_>> = outcome.findings.iter().map(|f| Leftover { finding: f, cost: None }).collect();
    let context =
        Context { generated_at: "2026-12-02T00:00:00Z", environment: None, currency: "USD", gaps: &[], final_snapshot };
    plan(&graph, &leftovers, &context)
}

/// The script's command lines (what `run` and `snapshot` are given), in order.
fn commands(plan: &CleanupPlan) -> Vec<String> {
    let body = plan.script.split_once("\nesac\n").map_or("", |(_, body)| body);
    body.lines()
        .map(str::trim_start)
        .filter_map(|l| l.strip_prefix("run ").or_else(|| l.strip_prefix("snapshot ")))
        .map(str::to_owned)
        .collect()
}

fn position(lines: &[String], needle: &str) -> usize {
    lines.iter().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("no command with {needle}:\n{lines:#?}"))
}

/// A staging network left behind whole: VPC, subnet, group, instance (with its root
/// volume and primary interface), a loose interface, an internet gateway, a route table.
fn staging_network() -> Vec<LiveResource> {
    let mut vpc = live("ec2:vpc", "vpc-1");
    vpc.set_attr("is_default", false);
    let mut subnet = live("ec2:subnet", "subnet-1");
    subnet.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    let mut sg = live("ec2:security-group", "sg-1");
    sg.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    sg.set_attr("group_name", "web");
    let mut default_sg = live("ec2:security-group", "sg-default");
    default_sg.set_attr("group_name", "default");
    default_sg.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    let mut instance = live("ec2:instance", "i-1");
    instance.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    instance.relate(R::InSubnet, "ec2:subnet", Some("subnet-1"));
    instance.relate(R::UsesSecurityGroup, "ec2:security-group", Some("sg-1"));
    let mut root = live("ec2:volume", "vol-root");
    root.set_attr("root_volume", true);
    root.set_attr("delete_on_termination", true);
    root.relate(R::AttachedTo, "ec2:instance", Some("i-1"));
    let mut primary = live("ec2:network-interface", "eni-primary");
    primary.set_attr("primary", true);
    primary.relate(R::InSubnet, "ec2:subnet", Some("subnet-1"));
    primary.relate(R::AttachedTo, "ec2:instance", Some("i-1"));
    let mut eni = live("ec2:network-interface", "eni-loose");
    eni.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    eni.relate(R::InSubnet, "ec2:subnet", Some("subnet-1"));
    eni.relate(R::UsesSecurityGroup, "ec2:security-group", Some("sg-1"));
    let mut igw = live("ec2:internet-gateway", "igw-1");
    igw.relate(R::AttachedTo, "ec2:vpc", Some("vpc-1"));
    let mut table = live("ec2:route-table", "rtb-1");
    table.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    table.relate_detail(R::AssociatedWith, "ec2:subnet", Some("subnet-1"), "rtbassoc-1");
    table.relate_detail(R::RoutesTo, "ec2:internet-gateway", Some("igw-1"), "0.0.0.0/0");
    let mut volume = live("ec2:volume", "vol-data");
    volume.tags.insert("Name".into(), "pg data".into());
    vec![vpc, subnet, sg, default_sg, instance, root, primary, eni, igw, table, volume]
}

#[test]
fn issue_13_dependents_are_deleted_before_what_they_depend_on() {
    let inv = inventory(staging_network());
    let plan = plan_of(&inv, &StateSet::default());
    let lines = commands(&plan);
    let at = |needle: &str| position(&lines, needle);
    // Instances, then what they held (after the wait), interfaces, groups, subnets,
    // route tables, gateways (detached first), VPCs.
    assert!(at("terminate-instances --instance-ids i-1") < at("wait instance-terminated --instance-ids i-1"));
    assert!(at("wait instance-terminated") < at("--network-interface-id eni-primary"));
    assert!(
        at("delete-network-interface --network-interface-id eni-loose") < at("delete-security-group --group-id sg-1")
    );
    assert!(at("delete-security-group --group-id sg-1") < at("delete-subnet --subnet-id subnet-1"));
    // A route table is disassociated from its subnets before it goes, and goes before them.
    assert!(
        at("disassociate-route-table --association-id rtbassoc-1") < at("delete-route-table --route-table-id rtb-1")
    );
    assert!(at("delete-route-table --route-table-id rtb-1") < at("delete-subnet --subnet-id subnet-1"));
    assert!(at("delete-subnet --subnet-id subnet-1") < at("detach-internet-gateway"));
    assert!(at("detach-internet-gateway --internet-gateway-id igw-1 --vpc-id vpc-1") < at("delete-internet-gateway"));
    assert!(at("delete-internet-gateway") < at("delete-vpc --vpc-id vpc-1"));
    // What AWS deletes with the VPC, or with the instance, has no command of its own.
    for owned in ["sg-default", "vol-root"] {
        assert!(!lines.iter().any(|l| l.contains(owned)), "{lines:#?}");
    }
    // Every command names its region.
    assert!(lines.iter().all(|l| l.ends_with("--region us-east-1")), "{lines:#?}");
}

#[test]
fn issue_13_the_script_checks_the_account_and_only_prints_unless_applied() {
    let inv = inventory(staging_network());
    let plan = plan_of(&inv, &StateSet::default());
    let script = &plan.script;
    assert!(script.starts_with("#!/bin/sh\n"));
    let set_eu = script.find("\nset -eu\n").expect("set -eu");
    let identity = script.find("aws sts get-caller-identity --query Account --output text").expect("identity check");
    let first_command = script.find("\nrun ").expect("a command");
    assert!(set_eu < identity && identity < first_command, "{script}");
    assert!(script.contains("case \"$account\" in\n  123456789012) ;;"), "{script}");
    assert!(script.contains("exit 1"), "{script}");
    assert!(script.contains("if [ \"$APPLY\" = 1 ]; then"), "{script}");
    // One comment block per resource: finding, reason, cost.
    assert!(script.contains("# unmanaged: ec2:subnet subnet-1 in us-east-1\n# reason: "), "{script}");
    assert!(script.contains("# estimated monthly cost: "), "{script}");
}

#[test]
fn issue_13_data_loss_is_marked_and_volumes_may_be_snapshotted_first() {
    let inv = inventory(staging_network());
    let plan = plan_of(&inv, &StateSet::default());
    let block = plan.script.split("\n\n").find(|b| b.contains("vol-data")).expect("the volume's block");
    assert!(block.contains("# DATA LOSS"), "{block}");
    let snapshot = block.find("snapshot aws ec2 create-snapshot --volume-id vol-data").expect("snapshot first");
    let delete = block.find("run aws ec2 delete-volume --volume-id vol-data").expect("delete");
    assert!(snapshot < delete, "{block}");
    // Names reach comments only, and safely.
    assert!(block.contains("(pg data)"), "{block}");
    // Non-data deletions carry no mark.
    let subnet = plan.script.split("\n\n").find(|b| b.contains("delete-subnet")).expect("the subnet's block");
    assert!(!subnet.contains("DATA LOSS"), "{subnet}");
}

#[test]
fn issue_13_declared_and_default_resources_never_appear() {
    let mut resources = staging_network();
    let mut default_vpc = live("ec2:vpc", "vpc-default");
    default_vpc.set_attr("is_default", true);
    resources.push(default_vpc);
    let inv = inventory(resources);
    // The VPC and subnet are still declared: the plan leaves them to Terraform, and keeps
    // what they hold out of the way only where it is a leftover.
    let states = StateSet {
        files: vec![declare(
            "s3://b/staging/network.tfstate",
            &[
                ("aws_vpc", "main", json!({"id": "vpc-1", "arn": format!("arn:aws:ec2:{REGION}:{ACCOUNT}:vpc/vpc-1")})),
                ("aws_subnet", "a", json!({"id": "subnet-1", "vpc_id": "vpc-1"})),
            ],
        )],
        ..StateSet::default()
    };
    let plan = plan_of(&inv, &states);
    let lines = commands(&plan);
    for deletion in ["delete-vpc ", "delete-subnet "] {
        assert!(!lines.iter().any(|l| l.contains(deletion)), "declared or default, not to be deleted: {lines:#?}");
    }
    // Its leftover gateway is detached from it, not the other way round.
    assert!(lines.iter().any(|l| l.contains("detach-internet-gateway --internet-gateway-id igw-1 --vpc-id vpc-1")));
    assert!(!plan.script.contains("vpc-default"), "{}", plan.script);
    // The leftovers in the declared subnet are still deleted.
    assert!(lines.iter().any(|l| l.contains("terminate-instances --instance-ids i-1")), "{lines:#?}");
}

#[test]
fn issue_13_a_leftover_that_something_staying_depends_on_is_not_deleted() {
    let mut resources = staging_network();
    // A declared instance uses the leftover group: deleting the group would fail.
    let mut declared = live("ec2:instance", "i-declared");
    declared.relate(R::UsesSecurityGroup, "ec2:security-group", Some("sg-1"));
    resources.push(declared);
    let inv = inventory(resources);
    let states = StateSet {
        files: vec![declare("s3://b/app.tfstate", &[("aws_instance", "app", json!({"id": "i-declared"}))])],
        ..StateSet::default()
    };
    let plan = plan_of(&inv, &states);
    let lines = commands(&plan);
    assert!(!lines.iter().any(|l| l.contains("delete-security-group --group-id sg-1")), "{lines:#?}");
    let kept = plan.not_deleted.iter().find(|(what, _)| what.ends_with("sg-1")).expect("sg-1 listed as not deleted");
    assert!(kept.1.contains("i-declared"), "{kept:?}");
    assert!(plan.script.contains("# NOT DELETED: ec2:security-group sg-1: instance i-declared"), "{}", plan.script);
    // What the group holds in place stays too: the VPC cannot go while the group is there.
    assert!(!lines.iter().any(|l| l.contains("delete-vpc")), "{lines:#?}");
}

#[test]
fn issue_13_kinds_it_cannot_delete_are_listed_with_why() {
    let mut tgw = live("ec2:transit-gateway", "tgw-1");
    tgw.status = Some("available".into());
    let bucket = live("s3:bucket", "staging-logs");
    let queue = live("sqs:queue", "staging-jobs");
    let topic = live("glue:job", "staging-etl");
    let inv = inventory(vec![tgw, bucket, queue, topic]);
    let plan = plan_of(&inv, &StateSet::default());
    let why = |id: &str| {
        plan.not_deleted
            .iter()
            .find(|(what, _)| what.ends_with(id))
            .map_or_else(|| panic!("{id} not listed: {:#?}", plan.not_deleted), |(_, why)| why.clone())
    };
    assert!(why("tgw-1").starts_with("cannot delete safely"));
    assert!(why("staging-logs").starts_with("cannot delete safely"));
    assert!(why("staging-etl").contains("does not know how to delete"));
    assert!(plan.script.contains("# NOT DELETED: s3:bucket staging-logs: cannot delete safely"), "{}", plan.script);
    // What it knows goes in: an SQS queue by its URL, marked as losing its messages.
    let lines = commands(&plan);
    assert_eq!(
        lines,
        vec![
            "aws sqs delete-queue --queue-url https://sqs.us-east-1.amazonaws.com/123456789012/staging-jobs --region us-east-1"
        ]
    );
    assert!(plan.script.contains("# DATA LOSS: deleting the queue"), "{}", plan.script);
}

#[test]
fn issue_13_eks_and_elasticache_go_in_an_order_aws_accepts_with_waits_only_where_needed() {
    let mut subnet = live("ec2:subnet", "subnet-1");
    subnet.relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    let mut cluster = live("eks:cluster", "staging");
    cluster.relate(R::InSubnet, "ec2:subnet", Some("subnet-1"));
    let mut nodegroup = live("eks:nodegroup", "staging:workers");
    nodegroup.relate(R::MemberOf, "eks:cluster", Some("staging"));
    let mut cache = live("elasticache:cluster", "sessions");
    cache.relate(R::References, "elasticache:subnet-group", Some("staging-cache"));
    let mut group = live("elasticache:subnet-group", "staging-cache");
    group.relate(R::InSubnet, "ec2:subnet", Some("subnet-1"));
    let lonely = live("elasticache:cluster", "lonely");
    let inv = inventory(vec![subnet, cluster, nodegroup, cache, group, lonely]);
    let plan = plan_of(&inv, &StateSet::default());
    let lines = commands(&plan);
    let at = |needle: &str| position(&lines, needle);
    assert!(
        at("eks delete-nodegroup --cluster-name staging --nodegroup-name workers") < at("eks wait nodegroup-deleted")
    );
    assert!(
        at("eks wait nodegroup-deleted --cluster-name staging --nodegroup-name workers") < at("eks delete-cluster")
    );
    assert!(at("eks delete-cluster --name staging") < at("eks wait cluster-deleted --name staging"));
    assert!(at("eks wait cluster-deleted") < at("delete-subnet"));
    assert!(
        at("delete-cache-cluster --cache-cluster-id sessions")
            < at("cache-cluster-deleted --cache-cluster-id sessions")
    );
    assert!(at("cache-cluster-deleted --cache-cluster-id sessions") < at("delete-cache-subnet-group"));
    assert!(at("delete-cache-subnet-group --cache-subnet-group-name staging-cache") < at("delete-subnet"));
    // Nothing needs the lonely cluster gone: no wait for it.
    assert!(lines.iter().any(|l| l.contains("delete-cache-cluster --cache-cluster-id lonely")));
    assert!(!lines.iter().any(|l| l.contains("wait cache-cluster-deleted --cache-cluster-id lonely")), "{lines:#?}");
}

#[test]
fn issue_13_groups_that_name_each_other_lose_the_rules_first() {
    let rule = |id: &str, peer: &str| SecurityGroupRule {
        id: Some(id.to_owned()),
        egress: false,
        protocol: "tcp".into(),
        from_port: 443,
        to_port: 443,
        cidr_ipv4: None,
        cidr_ipv6: None,
        prefix_list: None,
        group: Some(peer.to_owned()),
    };
    let mut a = live("ec2:security-group", "sg-a");
    a.set_attr("group_name", "a");
    a.relate(R::References, "ec2:security-group", Some("sg-b"));
    a.parts.rules.push(rule("sgr-a", "sg-b"));
    let mut b = live("ec2:security-group", "sg-b");
    b.set_attr("group_name", "b");
    b.relate(R::References, "ec2:security-group", Some("sg-a"));
    b.parts.rules.push(rule("sgr-b", "sg-a"));
    let inv = inventory(vec![a, b]);
    let plan = plan_of(&inv, &StateSet::default());
    let lines = commands(&plan);
    let first_delete = lines.iter().position(|l| l.contains("delete-security-group")).expect("a deletion");
    let revoke = lines.iter().position(|l| l.contains("revoke-security-group-ingress")).expect("a revocation");
    assert!(revoke < first_delete, "{lines:#?}");
    let deleted_first = if lines[first_delete].contains("sg-a") { "sg-a" } else { "sg-b" };
    let other = if deleted_first == "sg-a" { ("sg-b", "sgr-b") } else { ("sg-a", "sgr-a") };
    assert_eq!(
        lines[revoke],
        format!(
            "aws ec2 revoke-security-group-ingress --group-id {} --security-group-rule-ids {} --region us-east-1",
            other.0, other.1
        )
    );
}

#[test]
fn issue_13_every_argument_is_quoted_for_sh() {
    assert_eq!(quote("vpc-0abc"), "vpc-0abc");
    assert_eq!(quote("Name=volume-id,Values=vol-1"), "Name=volume-id,Values=vol-1");
    assert_eq!(quote("it's"), r"'it'\''s'");
    assert_eq!(quote("$(rm -rf /)"), "'$(rm -rf /)'");
    assert_eq!(quote("a b"), "'a b'");
    assert_eq!(quote("ключ"), "'ключ'");
    assert_eq!(quote(""), "''");
    assert_eq!(quote("~root"), "'~root'");
    assert_eq!(quote("`id`"), "'`id`'");
    // A line break in a name would end a comment and start a command.
    assert_eq!(comment_text("web\nrm -rf /"), r"web\nrm -rf /");
    assert_eq!(comment_text("données ü 名前"), "données ü 名前");
}

#[test]
fn issue_13_names_with_any_characters_stay_inside_words_and_comments() {
    let mut key = live("ec2:key-pair", "ops' key\n$(touch /tmp/x) ü");
    key.tags.insert("Name".into(), "evil\nrun rm -rf /".into());
    let mut dash = live("elasticache:subnet-group", "-n");
    dash.tags.clear();
    dash.tags.insert("Environment".into(), "staging".into());
    let inv = inventory(vec![key, dash]);
    let plan = plan_of(&inv, &StateSet::default());
    assert!(
        plan.script.contains(r"run aws ec2 delete-key-pair --key-name 'ops'\'' key")
            && plan.script.contains(r"$(touch /tmp/x) ü' --region us-east-1"),
        "{}",
        plan.script
    );
    // A name that starts with a dash is joined to its option, so the CLI cannot take it
    // for one.
    assert!(plan.script.contains("--cache-subnet-group-name=-n"), "{}", plan.script);
    // No line of the script begins with the injected text.
    assert!(!plan.script.lines().any(|l| l.starts_with("run rm")), "{}", plan.script);
}

#[test]
fn issue_13_several_accounts_each_get_their_section() {
    let mut other = LiveResource::new("ec2:subnet", "subnet-2", "210987654321", REGION);
    other.tags.insert("Environment".into(), "staging".into());
    let mut inv = inventory(vec![live("ec2:subnet", "subnet-1"), other]);
    inv.accounts.push("210987654321".into());
    inv.normalize();
    let plan = plan_of(&inv, &StateSet::default());
    assert!(plan.script.contains("case \"$account\" in\n  123456789012|210987654321) ;;"), "{}", plan.script);
    assert!(plan.script.contains("if [ \"$account\" = 123456789012 ]; then"), "{}", plan.script);
    assert!(plan.script.contains("if [ \"$account\" = 210987654321 ]; then"), "{}", plan.script);
}

#[test]
fn issue_13_a_plan_from_an_incomplete_scan_says_so_at_the_top() {
    let inv = inventory(staging_network());
    let policy = Policy::builtin();
    let states = StateSet::default();
    let graph = Graph::build(&inv, &states, &policy);
    let outcome = checks::run(&graph);
    let leftovers: Vec<Leftover<'_>> = outcome.findings.iter().map(|f| Leftover { finding: f, cost: None }).collect();
    let gap = crate::model::CoverageGap {
        service: "ec2".into(),
        account: Some(ACCOUNT.into()),
        region: Some(REGION.into()),
        operation: "DescribeNetworkInterfaces".into(),
        error: "AccessDenied\nrun rm".into(),
        cause: crate::model::GapCause::Denied,
        object: None,
        kinds: vec!["ec2:network-interface".into()],
    };
    let gaps = [gap];
    let context = Context {
        generated_at: "2026-12-02T00:00:00Z",
        environment: Some("staging"),
        currency: "USD",
        gaps: &gaps,
        final_snapshot: true,
    };
    let script = plan(&graph, &leftovers, &context).script;
    let top: Vec<&str> = script.lines().take(4).collect();
    assert_eq!(top[0], "#!/bin/sh");
    assert!(top[1].starts_with("# WARNING: INCOMPLETE SCAN"), "{script}");
    assert!(
        script.contains("#   gap: ec2 123456789012 us-east-1 DescribeNetworkInterfaces: AccessDenied\\nrun rm"),
        "{script}"
    );
    assert!(script.contains("# Scope: the leftovers of environment staging"), "{script}");
}

#[test]
fn issue_13_an_empty_plan_needs_no_credentials() {
    let inv = inventory(Vec::new());
    let plan = plan_of(&inv, &StateSet::default());
    assert_eq!(plan.deleted, 0);
    assert!(!plan.script.contains("get-caller-identity"), "{}", plan.script);
    assert!(plan.script.contains("# Nothing to delete."), "{}", plan.script);
}

#[test]
fn issue_13_what_is_attached_to_something_that_stays_is_detached_first() {
    let declared = live("ec2:instance", "i-declared");
    let mut volume = live("ec2:volume", "vol-1");
    volume.relate_detail(R::AttachedTo, "ec2:instance", Some("i-declared"), "/dev/sdf");
    volume.set_attr("delete_on_termination", false);
    let mut address = live("ec2:elastic-ip", "eipalloc-1");
    address.relate(R::AttachedTo, "ec2:instance", Some("i-declared"));
    address.set_attr("association_id", "eipassoc-1");
    let inv = inventory(vec![declared, volume, address]);
    let states = StateSet {
        files: vec![declare("s3://b/app.tfstate", &[("aws_instance", "app", json!({"id": "i-declared"}))])],
        ..StateSet::default()
    };
    let plan = plan_of(&inv, &states);
    let lines = commands(&plan);
    let at = |needle: &str| position(&lines, needle);
    assert!(at("detach-volume --volume-id vol-1") < at("wait volume-available --volume-ids vol-1"));
    assert!(at("wait volume-available --volume-ids vol-1") < at("delete-volume --volume-id vol-1"));
    assert!(at("disassociate-address --association-id eipassoc-1") < at("release-address --allocation-id eipalloc-1"));
    assert!(!lines.iter().any(|l| l.contains("terminate-instances")), "{lines:#?}");
}

#[test]
fn issue_13_thousands_of_instances_in_one_subnet_are_terminated_then_waited_for_in_batches() {
    const N: usize = 20_000;
    let mut resources = vec![live("ec2:vpc", "vpc-1"), live("ec2:subnet", "subnet-1")];
    resources[1].relate(R::InVpc, "ec2:vpc", Some("vpc-1"));
    for n in 0..N {
        let mut instance = live("ec2:instance", &format!("i-{n:017x}"));
        instance.relate(R::InSubnet, "ec2:subnet", Some("subnet-1"));
        resources.push(instance);
    }
    let inv = inventory(resources);
    let started = std::time::Instant::now();
    let plan = plan_of(&inv, &StateSet::default());
    let elapsed = started.elapsed();
    let lines = commands(&plan);
    let waits: Vec<&String> = lines.iter().filter(|l| l.contains("wait instance-terminated")).collect();
    // Waited for in batches of 100 ids, once all are terminating.
    assert_eq!(waits.len(), N / 100);
    assert!(waits.iter().all(|w| w.split(' ').filter(|w| w.starts_with("i-")).count() == 100), "{waits:?}");
    let wait = position(&lines, "wait instance-terminated");
    assert_eq!(lines[..wait].iter().filter(|l| l.contains("terminate-instances")).count(), N);
    let last_wait = lines.iter().rposition(|l| l.contains("wait instance-terminated")).unwrap_or(0);
    assert_eq!(last_wait - wait + 1, N / 100, "the waits come together");
    assert!(
        last_wait < position(&lines, "delete-subnet")
            && position(&lines, "delete-subnet") < position(&lines, "delete-vpc")
    );
    assert!(elapsed < std::time::Duration::from_secs(20), "{elapsed:?}");
}

/// Every registered kind's cleanup facet is carried out: a kind the registry says is deleted
/// gets a deletion command, a refused one is listed as not deleted, with the registry's
/// reason. A kind added with a tier but no command fails here, naming it.
#[test]
fn issue_29_every_kind_is_deleted_or_refused_as_its_registry_entry_says() {
    use crate::model::kinds::{ALL, Cleanup};
    for kind in ALL {
        let name = kind.spec.kind;
        let id = match name {
            "eks:nodegroup" | "eks:addon" | "eks:fargate-profile" => "cluster-1:thing-1".to_owned(),
            _ => format!("{}-0a1b2c3d", kind.spec.id_prefix.unwrap_or("thing-").trim_end_matches('-')),
        };
        let mut r = live(name, &id);
        r.arn = crate::model::arn::build(name, REGION, ACCOUNT, &id);
        let plan = plan_of(&inventory(vec![r.clone()]), &StateSet::default());
        let lines = commands(&plan);
        match kind.cleanup {
            Cleanup::Delete { data_loss, .. } => {
                assert!(
                    lines
                        .iter()
                        .any(|l| l.contains(&quote(&id)) || l.contains(&quote(&r.arn)) || l.contains("thing-1")),
                    "{name}: cleanup: the registry says it is deleted, but the plan has no command for it:\n{}",
                    plan.script
                );
                if data_loss.is_some() {
                    assert!(
                        plan.script.contains("# DATA LOSS"),
                        "{name}: cleanup: no DATA LOSS mark:\n{}",
                        plan.script
                    );
                }
            }
            Cleanup::Refused(why) => {
                assert!(lines.is_empty(), "{name}: cleanup: refused, yet the plan runs {lines:?}");
                assert!(
                    plan.script.contains(&comment_text(why)[..40]),
                    "{name}: cleanup: the refusal's reason is not in the plan:\n{}",
                    plan.script
                );
            }
        }
    }
}

/// A standalone database keeps a final snapshot unless told not to; a cluster's member
/// never takes its own (its cluster holds the data); deletion protection is a refusal.
#[test]
fn issue_30_databases_keep_a_final_snapshot_unless_told_not_to() {
    let mut standalone = live("rds:db", "orders");
    standalone.arn = "arn:aws:rds:us-east-1:123456789012:db:orders".into();
    let mut member = live("rds:db", "reports-1");
    member.relate(R::MemberOf, "rds:cluster", Some("reports"));
    let mut cluster = live("rds:cluster", "reports");
    cluster.set_attr("members", json!(["reports-1"]));
    let mut protected = live("rds:db", "billing");
    protected.set_attr("deletion_protection", true);
    let inv = inventory(vec![standalone, member, cluster, protected]);
    let lines = commands(&plan_of(&inv, &StateSet::default()));
    let at = |needle: &str| position(&lines, needle);
    assert!(lines[at("--db-instance-identifier orders")].contains("--final-db-snapshot-identifier orders-final"));
    assert!(!lines[at("--db-instance-identifier reports-1")].contains("final"), "{lines:#?}");
    assert!(lines[at("delete-db-cluster")].contains("--final-db-snapshot-identifier reports-final"));
    // The member goes before its cluster.
    assert!(at("--db-instance-identifier reports-1") < at("delete-db-cluster"));
    assert!(!lines.iter().any(|l| l.contains("billing")), "{lines:#?}");
    let script = plan_with(&inv, &StateSet::default(), false).script;
    assert!(script.contains("delete-db-instance --db-instance-identifier orders --skip-final-snapshot"), "{script}");
    assert!(script.contains("no final snapshot (--no-final-snapshot)"), "{script}");
    assert!(script.contains("deletion protection is on"), "{script}");
}
