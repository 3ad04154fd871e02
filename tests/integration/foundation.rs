//! The foundation: inventory, state, join, `unmanaged` and `missing`, reports, exit codes.

use aws_sdk_ec2::types::{DomainType, ResourceType};
use serde_json::json;

use crate::support::{ACCOUNT, AMI, Moto, Network, TfState, tag_spec};

const BUCKET: &str = "tfstate";

async fn managed_network(moto: &Moto, region: &str, key: &str) -> Network {
    let net = Network::seed(&moto.seeder(), region, "10.0", "dev").await;
    let state = net.declare(TfState::new(), None, "dev").data("aws_ami", "base", json!({"id": AMI}));
    moto.put_state(BUCKET, key, &state).await;
    net
}

#[tokio::test]
async fn a_fully_managed_network_has_no_findings() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    managed_network(&moto, "us-east-1", "dev/network.tfstate").await;
    // Lock files, backups and other objects beside the state are skipped, not read.
    moto.put(BUCKET, "dev/network.tfstate.tflock", "{\"ID\": \"x\"}").await;
    moto.put(BUCKET, "dev/README.md", "# states").await;
    moto.put(BUCKET, "dev/config.json", "{\"team\": \"platform\"}").await;

    let out = moto.leftover().args(["scan", "--state", "s3://tfstate", "--format", "json"]).run();
    out.assert_code(0);
    // The default VPC, the VPC's default security group, main route table and default
    // NACL, the instance's root volume and primary ENI: none is a leftover.
    assert_eq!(out.findings(), Vec::<(String, String)>::new(), "{}", out.stdout);
    let report = out.json();
    assert_eq!(report["coverage"]["complete"], true);
    assert_eq!(report["scope"]["states"].as_array().unwrap().len(), 1);
    assert_eq!(report["scope"]["states"][0]["resources"], 4, "data sources are not counted as managed");
}

#[tokio::test]
async fn hand_made_instance_group_volume_and_address_are_exactly_the_leftovers() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let net = managed_network(&moto, "us-east-1", "dev/network.tfstate").await;
    let ec2 = moto.ec2("us-east-1").await;
    let instance = ec2
        .run_instances()
        .image_id(AMI)
        .min_count(1)
        .max_count(1)
        .subnet_id(&net.subnet)
        .tag_specifications(tag_spec(ResourceType::Instance, &[("Environment", "qa"), ("Name", "debug-box")]))
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();
    let sg = ec2.create_security_group().group_name("by-hand").description("x").vpc_id(&net.vpc).send().await.unwrap();
    let sg = sg.group_id().unwrap().to_owned();
    let volume = ec2.create_volume().availability_zone("us-east-1a").size(20).send().await.unwrap();
    let volume = volume.volume_id().unwrap().to_owned();
    let eip = ec2.allocate_address().domain(DomainType::Vpc).send().await.unwrap();
    let eip = eip.allocation_id().unwrap().to_owned();

    let out = moto.leftover().args(["scan", "--state", "s3://tfstate", "--format", "json"]).run();
    out.assert_code(1);
    // Each is reported once: the instance (in a managed subnet and group) and the group (in
    // a managed VPC) as blocking the destroy of what they sit in, the others as unmanaged.
    // The instance is tagged for qa, which no state names: qa is inferred deleted, and the
    // instance is a deleted-env leftover too.
    let mut unmanaged: Vec<(String, String)> = out
        .findings()
        .into_iter()
        .filter(|(kind, _)| matches!(kind.as_str(), "unmanaged" | "blocking-dependency" | "deleted-env"))
        .map(|(_, id)| ("unmanaged".to_owned(), id))
        .collect();
    unmanaged.sort();
    unmanaged.dedup();
    let mut expected = vec![
        ("unmanaged".to_owned(), instance.clone()),
        ("unmanaged".to_owned(), sg),
        ("unmanaged".to_owned(), volume),
        ("unmanaged".to_owned(), eip),
    ];
    expected.sort();
    assert_eq!(unmanaged, expected, "{}", out.stdout);
    let report = out.json();
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "blocking-dependency" && f["resource"]["id"] == instance)
        .unwrap();
    let reason = finding["reason"].as_str().unwrap();
    assert!(reason.contains("Environment=qa"), "{reason}");
    assert!(reason.contains(&net.subnet), "the reason says where it sits: {reason}");
    // The subnet it sits in is declared: the relation names the state and address.
    let related = finding["related"].as_array().unwrap();
    let subnet = related.iter().find(|r| r["relation"] == "in-subnet").unwrap();
    assert_eq!(subnet["state"]["address"], "aws_subnet.app");
    // Its root volume and primary interface go with it rather than being reported apart.
    assert!(related.iter().any(|r| r["relation"] == "owns"), "{related:?}");
    assert_eq!(report["summary"]["unmanaged"], 2);
    assert_eq!(report["summary"]["blocking-dependency"], 2);
    assert!(related.iter().any(|r| r["relation"] == "blocks" && r["id"] == net.subnet.as_str()), "{related:?}");
    assert_eq!(finding["environment"], "qa");
}

#[tokio::test]
async fn a_declared_instance_that_was_terminated_is_missing() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let net = managed_network(&moto, "us-east-1", "dev/network.tfstate").await;
    let ec2 = moto.ec2("us-east-1").await;
    ec2.terminate_instances().instance_ids(&net.instance).send().await.unwrap();

    let out = moto.leftover().args(["scan", "--state", "s3://tfstate", "--format", "json"]).run();
    out.assert_code(1);
    let report = out.json();
    let missing: Vec<&serde_json::Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "missing").collect();
    assert_eq!(missing.len(), 1, "{}", out.stdout);
    assert_eq!(missing[0]["resource"]["id"], net.instance.as_str());
    assert_eq!(missing[0]["state"]["source"], "s3://tfstate/dev/network.tfstate");
    assert_eq!(missing[0]["state"]["address"], "aws_instance.app");
    assert_eq!(missing[0]["severity"], "error");
    assert!(out.findings().iter().all(|(kind, _)| kind == "missing"), "nothing else: {}", out.stdout);
}

#[tokio::test]
async fn nodegroup_instances_and_the_default_vpc_are_silent() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "dev").await;
    let eks = moto.eks("us-east-1").await;
    let cluster = eks
        .create_cluster()
        .name("dev")
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/eks"))
        .resources_vpc_config(aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids(&net.subnet).build())
        .send()
        .await
        .unwrap()
        .cluster
        .unwrap();
    let nodegroup = eks
        .create_nodegroup()
        .cluster_name("dev")
        .nodegroup_name("workers")
        .node_role(format!("arn:aws:iam::{ACCOUNT}:role/node"))
        .subnets(&net.subnet)
        .send()
        .await
        .unwrap()
        .nodegroup
        .unwrap();
    // What EKS does for a managed nodegroup: instances launched by its Auto Scaling group.
    let ec2 = moto.ec2("us-east-1").await;
    ec2.run_instances()
        .image_id(AMI)
        .min_count(2)
        .max_count(2)
        .subnet_id(&net.subnet)
        .tag_specifications(tag_spec(
            ResourceType::Instance,
            &[
                ("eks:cluster-name", "dev"),
                ("eks:nodegroup-name", "workers"),
                ("aws:autoscaling:groupName", "eks-workers-1234"),
            ],
        ))
        .send()
        .await
        .unwrap();
    let state = net
        .declare(TfState::new(), Some("module.network"), "dev")
        .module(Some("module.eks"))
        .managed(
            "aws_eks_cluster",
            "this",
            json!({"id": "dev", "name": "dev", "arn": cluster.arn().unwrap(),
            "vpc_config": [{"subnet_ids": [net.subnet]}]}),
        )
        .managed(
            "aws_eks_node_group",
            "workers",
            json!({"id": "dev:workers", "cluster_name": "dev",
            "arn": nodegroup.nodegroup_arn().unwrap(), "subnet_ids": [net.subnet]}),
        );
    moto.put_state(BUCKET, "dev/platform.tfstate", &state).await;

    let out = moto.leftover().args(["scan", "--state", "s3://tfstate", "--format", "json"]).run();
    assert_eq!(out.findings(), Vec::<(String, String)>::new(), "{}", out.stdout);
    out.assert_code(0);
}

#[tokio::test]
async fn workspaces_modules_count_and_for_each_keep_their_addresses() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "staging").await;
    let arn = |id: &str| format!("arn:aws:ec2:us-east-1:{ACCOUNT}:subnet/{id}");
    let state = net
        .declare(TfState::new(), None, "staging")
        .module(Some("module.net[\"blue\"]"))
        .managed_each(
            "aws_subnet",
            "private",
            vec![
                (json!("a"), json!({"id": "subnet-0aaaaaaaaaaaaaaa1", "arn": arn("subnet-0aaaaaaaaaaaaaaa1")})),
                (json!("b"), json!({"id": net.subnet, "arn": arn(&net.subnet)})),
            ],
        )
        .module(None)
        .managed_each(
            "aws_instance",
            "worker",
            vec![(json!(0), json!({"id": net.instance})), (json!(1), json!({"id": "i-0bbbbbbbbbbbbbbb1"}))],
        );
    // A workspace's state lives under env:/NAME/, outside the backend's key prefix.
    moto.put_state(BUCKET, "env:/staging/app/terraform.tfstate", &state).await;

    let out = moto.leftover().args(["scan", "--state", "s3://tfstate/app", "--format", "json"]).run();
    out.assert_code(1);
    let report = out.json();
    assert_eq!(report["scope"]["states"][0]["source"], "s3://tfstate/env:/staging/app/terraform.tfstate");
    assert_eq!(report["scope"]["states"][0]["environment"], "staging");
    let mut addresses: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "missing")
        .map(|f| format!("{} {}", f["kind"].as_str().unwrap(), f["state"]["address"].as_str().unwrap_or("-")))
        .collect();
    addresses.sort();
    assert_eq!(
        addresses,
        vec!["missing aws_instance.worker[1]", "missing module.net[\"blue\"].aws_subnet.private[\"a\"]"],
        "{}",
        out.stdout
    );
    // The same instance and subnet declared twice (aws_instance.app and
    // aws_instance.worker[0]; aws_subnet.app and ….private["b"]) are double ownership.
    let mut twice: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "cross-state" && f["severity"] == "error")
        .map(|f| f["resource"]["id"].as_str().unwrap())
        .collect();
    twice.sort_unstable();
    let mut expected = vec![net.instance.as_str(), net.subnet.as_str()];
    expected.sort_unstable();
    assert_eq!(twice, expected, "{}", out.stdout);
}

#[tokio::test]
async fn a_malformed_state_is_a_gap_and_the_good_ones_are_still_used() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    managed_network(&moto, "us-east-1", "dev/network.tfstate").await;
    moto.put(BUCKET, "qa/network.tfstate", "{\"version\": 4, \"resources\": [{\"mode\": \"managed\"").await;

    let out = moto.leftover().args(["scan", "--state", "s3://tfstate", "--format", "json"]).run();
    out.assert_code(3);
    let report = out.json();
    assert_eq!(report["coverage"]["complete"], false);
    let gaps = report["coverage"]["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0]["object"], "s3://tfstate/qa/network.tfstate");
    assert!(gaps[0]["error"].as_str().unwrap().contains("s3://tfstate/qa/network.tfstate"));
    // The good state was used: its resources are not reported as unmanaged.
    assert_eq!(out.findings(), Vec::<(String, String)>::new(), "{}", out.stdout);

    // The table says it first.
    let table = moto.leftover().args(["scan", "--state", "s3://tfstate"]).run();
    table.assert_code(3);
    assert!(table.stdout.starts_with("INCOMPLETE SCAN"), "{}", table.stdout);
    assert!(table.stdout.contains("s3://tfstate/qa/network.tfstate"), "{}", table.stdout);
}

#[tokio::test]
async fn two_regions_are_scanned_and_placed() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let east = managed_network(&moto, "us-east-1", "east/network.tfstate").await;
    let west = Network::seed(&moto.seeder(), "eu-west-1", "10.1", "dev").await;
    moto.put_state(BUCKET, "west/network.tfstate", &west.declare(TfState::new(), None, "dev")).await;
    let ec2 = moto.ec2("eu-west-1").await;
    let volume = ec2.create_volume().availability_zone("eu-west-1a").size(5).send().await.unwrap();
    let volume = volume.volume_id().unwrap().to_owned();
    // Declared in the west state but deleted there.
    ec2.terminate_instances().instance_ids(&west.instance).send().await.unwrap();

    let out = moto
        .leftover()
        .args(["scan", "--state", "s3://tfstate", "--region", "us-east-1", "--region", "eu-west-1", "--format", "json"])
        .run();
    out.assert_code(1);
    let report = out.json();
    assert_eq!(report["scope"]["regions"], json!(["eu-west-1", "us-east-1"]));
    let mut expected = vec![("missing".to_owned(), west.instance.clone()), ("unmanaged".to_owned(), volume.clone())];
    expected.sort();
    assert_eq!(out.findings(), expected, "{}", out.stdout);
    let unmanaged = report["findings"].as_array().unwrap().iter().find(|f| f["kind"] == "unmanaged").unwrap();
    assert_eq!(unmanaged["resource"]["region"], "eu-west-1");
    assert_eq!(unmanaged["resource"]["arn"], format!("arn:aws:ec2:eu-west-1:{ACCOUNT}:volume/{volume}"));
    let _ = east;

    // Scanning only us-east-1: the west state's resources are not in a scanned region, so
    // nothing in it is reported missing.
    let east_only =
        moto.leftover().args(["scan", "--state", "s3://tfstate", "--region", "us-east-1", "--format", "json"]).run();
    assert_eq!(east_only.findings(), Vec::<(String, String)>::new(), "{}", east_only.stdout);
}

#[tokio::test]
async fn a_saved_inventory_gives_the_same_report() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let net = managed_network(&moto, "us-east-1", "dev/network.tfstate").await;
    let ec2 = moto.ec2("us-east-1").await;
    ec2.create_volume().availability_zone("us-east-1a").size(5).send().await.unwrap();
    let _ = net;
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.json");
    moto.leftover().args(["inventory", "--output", inventory.to_str().unwrap()]).run().assert_code(0);
    let live = moto.leftover().args(["scan", "--state", "s3://tfstate", "--format", "json"]).run();
    let saved = moto
        .leftover()
        .args(["scan", "--state", "s3://tfstate", "--format", "json", "--inventory", inventory.to_str().unwrap()])
        .run();
    assert_eq!(live.findings(), saved.findings());
    assert_eq!(live.findings().len(), 1);
}

#[tokio::test]
async fn the_json_report_keeps_its_shape() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let net = managed_network(&moto, "us-east-1", "dev/network.tfstate").await;
    moto.ec2("us-east-1").await.terminate_instances().instance_ids(&net.instance).send().await.unwrap();
    moto.ec2("us-east-1").await.create_volume().availability_zone("us-east-1a").size(5).send().await.unwrap();
    let out = moto.leftover().args(["scan", "--state", "s3://tfstate", "--format", "json"]).run();
    let report = out.json();
    let keys = |v: &serde_json::Value| {
        let mut k: Vec<String> = v.as_object().unwrap().keys().cloned().collect();
        k.sort();
        k
    };
    // Every v1 field is there; the additions since (cost, blocked in v2, and with
    // --baseline: baseline, resolved) are optional fields beside them.
    let without = |mut k: Vec<String>, optional: &[&str]| {
        k.retain(|key| !optional.contains(&key.as_str()));
        k
    };
    assert_eq!(report["schema"], "leftover.report/v2");
    assert_eq!(
        without(keys(&report), &["cost", "baseline", "resolved", "environment", "destroy", "younger", "blocked"]),
        ["coverage", "findings", "generated_at", "schema", "scope", "summary"]
    );
    // `listed` (the regions listed in each account) is an addition to v1.
    assert_eq!(without(keys(&report["scope"]), &["listed"]), ["accounts", "regions", "states"]);
    assert_eq!(report["scope"]["listed"], json!({ACCOUNT: ["us-east-1"]}));
    assert_eq!(keys(&report["scope"]["states"][0]), ["environment", "resources", "source"]);
    // `kinds_listed` and `not_listed` (declared types no kind lists) are additions to v2.
    assert_eq!(without(keys(&report["coverage"]), &["kinds_listed", "not_listed"]), ["complete", "gaps"]);
    assert_eq!(report["coverage"]["kinds_listed"], json!(leftover_kinds_listed()));
    assert_eq!(report["scope"]["accounts"], json!([ACCOUNT]));
    let generated = report["generated_at"].as_str().unwrap();
    assert!(generated.len() == 20 && generated.ends_with('Z'), "RFC 3339 to the second: {generated}");
    for finding in report["findings"].as_array().unwrap() {
        let required = ["environment", "fingerprint", "kind", "reason", "related", "resource", "severity", "state"];
        let optional = ["cost", "drift", "order", "remains", "status", "subject", "first_seen"];
        let present = keys(finding);
        for key in required {
            assert!(present.iter().any(|k| k == key), "{key} missing from {finding}");
        }
        for key in &present {
            assert!(
                required.contains(&key.as_str()) || optional.contains(&key.as_str()),
                "unexpected {key} in {finding}"
            );
        }
        // `created` (when AWS made it, where AWS says so) is an addition to v1.
        assert_eq!(
            without(keys(&finding["resource"]), &["created"]),
            ["account", "arn", "id", "kind", "region", "tags"]
        );
        assert!(finding["fingerprint"].as_str().unwrap().len() == 16);
    }
    assert_eq!(report["summary"], json!({"missing": 1, "unmanaged": 1}));
}

/// How many kinds `leftover kinds` says are listed natively (not through the tagging API).
fn leftover_kinds_listed() -> usize {
    let out = crate::support::Leftover::new().arg("kinds").run();
    out.stdout.lines().skip(2).filter(|line| !line.contains("| tagging API only |")).count()
}
