//! Environments: deleted-environment leftovers, `scan --env`, `check-destroy`, double
//! ownership, policy files.

use aws_sdk_ec2::types::ResourceType;
use serde_json::json;

use crate::support::incident::{self, BUCKET};
use crate::support::{Moto, Network, TfState, tag_spec};

fn kinds_of(out: &crate::support::Output, kind: &str) -> Vec<String> {
    let mut ids: Vec<String> = out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == kind)
        .map(|f| f["resource"]["id"].as_str().unwrap().to_owned())
        .collect();
    ids.sort();
    ids
}

fn write_policy(dir: &tempfile::TempDir, name: &str, text: &str) -> String {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn staging_leftovers_of_every_service_are_deleted_env_whether_declared_or_not() {
    let moto = Moto::start();
    let seeded = incident::seed(&moto.seeder()).await;
    // No policy: the staging state exists but is empty, the strongest sign it was destroyed.
    let out = moto.leftover().args(["scan", "--state", &format!("s3://{BUCKET}"), "--format", "json"]).run();
    out.assert_code(1);
    let deleted = kinds_of(&out, "deleted-env");
    for id in [
        seeded.staging_vpc.as_str(),
        &seeded.staging_subnet,
        &seeded.staging_instance,
        &seeded.staging_volume,
        &seeded.staging_sg,
        &seeded.staging_lb_eni,
        "staging",
        "staging-sessions",
        "staging-jobs",
    ] {
        assert!(deleted.iter().any(|d| d == id), "{id} is a staging leftover: {deleted:?}");
    }
    let report = out.json();
    let queue = report["findings"].as_array().unwrap().iter().find(|f| f["resource"]["id"] == "staging-jobs").unwrap();
    assert_eq!(queue["resource"]["kind"], "sqs:queue", "known only through the tagging API");
    assert!(queue["reason"].as_str().unwrap().contains("declares nothing"), "{}", queue["reason"]);
    assert_eq!(queue["severity"], "error");
    // A leftover is reported once, by its most specific finding.
    assert!(kinds_of(&out, "unmanaged").iter().all(|id| !deleted.contains(id)), "{}", out.stdout);
    // Nothing of dev or shared is a deleted-environment leftover.
    assert!(!deleted.contains(&seeded.dev_vpc) && !deleted.contains(&seeded.shared_vpc));
    let states = report["scope"]["states"].as_array().unwrap();
    let staging = states.iter().find(|s| s["source"].as_str().unwrap().contains("staging")).unwrap();
    assert_eq!(staging["environment"], "staging");
    assert_eq!(staging["resources"], 0);
}

#[tokio::test]
async fn a_resource_still_declared_by_a_decommissioned_environment_names_its_state() {
    let moto = Moto::start();
    moto.bucket("tfstate-x").await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.5", "qa").await;
    moto.put_state("tfstate-x", "qa/network.tfstate", &net.declare(TfState::new(), None, "qa")).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(&dir, "p.toml", "[environments.qa]\nstatus = \"decommissioned\"\n");
    let out =
        moto.leftover().args(["scan", "--state", "s3://tfstate-x", "--policy", &policy, "--format", "json"]).run();
    out.assert_code(1);
    let report = out.json();
    let vpc = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["kind"] == "deleted-env" && f["resource"]["id"] == net.vpc.as_str())
        .unwrap();
    assert_eq!(vpc["state"]["address"], "aws_vpc.main");
    assert_eq!(vpc["state"]["source"], "s3://tfstate-x/qa/network.tfstate");
    assert!(vpc["reason"].as_str().unwrap().contains("decommissioned (policy)"), "{}", vpc["reason"]);
    assert!(vpc["reason"].as_str().unwrap().contains("still declared"), "{}", vpc["reason"]);
}

#[tokio::test]
async fn an_environment_named_only_by_tags_is_only_a_note_on_the_leftover() {
    let moto = Moto::start();
    moto.bucket("tfstate-x").await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "dev").await;
    moto.put_state("tfstate-x", "dev/network.tfstate", &net.declare(TfState::new(), None, "dev")).await;
    let ec2 = moto.ec2("us-east-1").await;
    let volume = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(8)
        .tag_specifications(tag_spec(ResourceType::Volume, &[("Environment", "sandbox")]))
        .send()
        .await
        .unwrap()
        .volume_id
        .unwrap();
    let out = moto.leftover().args(["scan", "--state", "s3://tfstate-x", "--format", "json"]).run();
    let report = out.json();
    let finding =
        report["findings"].as_array().unwrap().iter().find(|f| f["resource"]["id"] == volume.as_str()).unwrap();
    // No state declares the volume (evidence); that sandbox is deleted is a guess (only
    // tags name it). The guess never outranks the evidence: one `unmanaged` finding, which
    // names the environment and says it only appears deleted.
    assert_eq!(finding["kind"], "unmanaged");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["environment"], "sandbox");
    assert!(finding["reason"].as_str().unwrap().contains("appears deleted (inferred"), "{}", finding["reason"]);
    assert_eq!(
        report["findings"].as_array().unwrap().iter().filter(|f| f["resource"]["id"] == volume.as_str()).count(),
        1
    );

    // The policy overrides the inference.
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(&dir, "p.toml", "[environments.sandbox]\nstatus = \"alive\"\n");
    let out =
        moto.leftover().args(["scan", "--state", "s3://tfstate-x", "--policy", &policy, "--format", "json"]).run();
    assert!(kinds_of(&out, "deleted-env").is_empty(), "{}", out.stdout);
    assert_eq!(kinds_of(&out, "unmanaged"), vec![volume]);
    assert!(!out.stdout.contains("appears deleted"), "{}", out.stdout);
}

#[tokio::test]
async fn scan_env_lists_what_remains_until_the_environment_is_gone() {
    let moto = Moto::start();
    let seeded = incident::seed(&moto.seeder()).await;
    let scan = || {
        moto.leftover()
            .args(["scan", "--state", &format!("s3://{BUCKET}"), "--env", "staging", "--format", "json"])
            .run()
    };
    let out = scan();
    out.assert_code(1);
    let report = out.json();
    let check = &report["environment"];
    assert_eq!(check["environment"], "staging");
    assert_eq!(check["remaining"], 12, "{}", out.stdout);
    assert_eq!(check["by_reason"]["unmanaged"], 12);
    // Only staging is shown: no dev or shared finding.
    assert!(report["findings"].as_array().unwrap().iter().all(|f| f["environment"] == "staging"), "{}", out.stdout);
    // The hand-made leftovers come in an order they can be deleted in: what sits in the
    // subnet before the subnet, the subnet before the VPC.
    let order: Vec<&str> = check["deletion_order"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    let at = |id: &str| order.iter().position(|o| *o == id).unwrap_or_else(|| panic!("{id} not in {order:?}"));
    assert!(at(&seeded.staging_lb_eni) < at(&seeded.staging_subnet));
    assert!(at(&seeded.staging_instance) < at(&seeded.staging_subnet));
    assert!(at(&seeded.staging_subnet) < at(&seeded.staging_vpc));
    assert!(at(&seeded.staging_sg) < at(&seeded.staging_vpc));
    // The hand-made database before its subnet group, both before the subnet; the load
    // balancer before the group it uses.
    assert!(at("staging-pg") < at("staging-db") && at("staging-db") < at(&seeded.staging_subnet));
    assert!(at(&seeded.staging_lb) < at(&seeded.staging_sg));
    let table = moto.leftover().args(["scan", "--state", &format!("s3://{BUCKET}"), "--env", "staging"]).run();
    assert!(table.stdout.starts_with("environment staging: 12 resources remain"), "{}", table.stdout);

    // Clean up by hand, in that order.
    let ec2 = moto.ec2("us-east-1").await;
    ec2.terminate_instances().instance_ids(&seeded.staging_instance).send().await.unwrap();
    ec2.delete_network_interface().network_interface_id(&seeded.staging_lb_eni).send().await.unwrap();
    ec2.delete_volume().volume_id(&seeded.staging_volume).send().await.unwrap();
    moto.eks("us-east-1").await.delete_cluster().name("staging").send().await.unwrap();
    ec2.delete_security_group().group_id(&seeded.staging_sg).send().await.unwrap();
    ec2.delete_subnet().subnet_id(&seeded.staging_subnet).send().await.unwrap();
    ec2.delete_vpc().vpc_id(&seeded.staging_vpc).send().await.unwrap();
    moto.elasticache("us-east-1")
        .await
        .delete_cache_cluster()
        .cache_cluster_id("staging-sessions")
        .send()
        .await
        .unwrap();
    moto.seeder().delete_queue(incident::REGION, "staging-jobs").await;
    let rds = moto.rds("us-east-1").await;
    rds.delete_db_instance().db_instance_identifier("staging-pg").skip_final_snapshot(true).send().await.unwrap();
    rds.delete_db_subnet_group().db_subnet_group_name("staging-db").send().await.unwrap();
    let arn = format!(
        "arn:aws:elasticloadbalancing:us-east-1:{}:loadbalancer/{}",
        crate::support::ACCOUNT,
        seeded.staging_lb
    );
    moto.elbv2("us-east-1").await.delete_load_balancer().load_balancer_arn(arn).send().await.unwrap();

    let out = scan();
    assert_eq!(out.json()["environment"]["remaining"], 0, "{}", out.stdout);
    out.assert_code(0);
}

#[tokio::test]
async fn check_destroy_flags_another_environment_and_what_blocks_the_destroy() {
    let moto = Moto::start();
    moto.bucket("tfstate-x").await;
    // The copy-pasted project name: the "staging" state actually holds dev's network.
    let dev = Network::seed(&moto.seeder(), "us-east-1", "10.1", "dev").await;
    moto.put_state("tfstate-x", "staging/network.tfstate", &dev.declare(TfState::new(), None, "dev")).await;
    // Another state builds on that network.
    let app = TfState::new().managed(
        "aws_instance",
        "worker",
        json!({"id": "i-0ccccccccccccccc1", "subnet_id": dev.subnet, "vpc_security_group_ids": [dev.sg]}),
    );
    moto.put_state("tfstate-x", "dev/app.tfstate", &app).await;
    // A load balancer's interface no state declares, in the target's subnet.
    let ec2 = moto.ec2("us-east-1").await;
    let eni = ec2
        .create_network_interface()
        .subnet_id(&dev.subnet)
        .description("ELB app/k8s-dev-web/0f0e0d0c0b0a0908")
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap()
        .network_interface_id
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(&dir, "p.toml", "[environments.staging]\n[environments.dev]\n");
    let out = moto
        .leftover()
        .args([
            "check-destroy",
            "--target",
            "s3://tfstate-x/staging/network.tfstate",
            "--state",
            "s3://tfstate-x",
            "--policy",
            &policy,
        ])
        .args(["--format", "json"])
        .run();
    out.assert_code(1);
    let report = out.json();
    let destroy = &report["destroy"];
    assert_eq!(destroy["environment"], "staging");
    assert_eq!(destroy["by_environment"]["dev"], 4, "{}", out.stdout);
    let mismatched = kinds_of(&out, "env-mismatch");
    assert!(mismatched.contains(&dev.vpc) && mismatched.contains(&dev.instance), "{mismatched:?}");
    assert_eq!(kinds_of(&out, "blocking-dependency"), vec![eni.clone()], "{}", out.stdout);
    let blocking = report["findings"].as_array().unwrap().iter().find(|f| f["kind"] == "blocking-dependency").unwrap();
    assert!(
        blocking["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["relation"] == "blocks" && r["id"] == dev.subnet.as_str())
    );
    let cross: Vec<&serde_json::Value> =
        report["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "cross-state").collect();
    assert!(!cross.is_empty(), "the app state references the target: {}", out.stdout);
    assert!(cross.iter().all(|f| f["state"]["source"] == "s3://tfstate-x/staging/network.tfstate"));
    assert!(cross.iter().any(|f| f["related"][0]["state"]["source"] == "s3://tfstate-x/dev/app.tfstate"));

    let table = moto
        .leftover()
        .args([
            "check-destroy",
            "--target",
            "s3://tfstate-x/staging/network.tfstate",
            "--state",
            "s3://tfstate-x",
            "--policy",
            &policy,
        ])
        .run();
    assert!(table.stdout.contains("ANOTHER environment"), "{}", table.stdout);

    // A state whose resources all belong to its environment, with nothing depending on
    // it, is safe to destroy.
    let qa = Network::seed(&moto.seeder(), "us-east-1", "10.9", "qa").await;
    moto.put_state("tfstate-x", "qa/network.tfstate", &qa.declare(TfState::new(), None, "qa")).await;
    let safe = moto
        .leftover()
        .args(["check-destroy", "--target", "s3://tfstate-x/qa/network.tfstate", "--format", "json"])
        .run();
    safe.assert_code(0);
    assert_eq!(safe.json()["destroy"]["by_environment"]["qa"], 4);
}

#[tokio::test]
async fn ignores_leave_resources_out_and_count_them() {
    let moto = Moto::start();
    let ec2 = moto.ec2("us-east-1").await;
    for (name, team) in [("a", "data"), ("b", "data"), ("c", "web")] {
        ec2.create_volume()
            .availability_zone("us-east-1a")
            .size(1)
            .tag_specifications(tag_spec(ResourceType::Volume, &[("Team", team), ("Name", name)]))
            .send()
            .await
            .unwrap();
    }
    let key = ec2.create_key_pair().key_name("bastion").send().await.unwrap();
    let _ = key;
    let dir = tempfile::tempdir().unwrap();
    let policy = write_policy(
        &dir,
        "p.toml",
        "[[ignore]]\ntag = \"Team=data\"\nreason = \"the data team's scratch volumes\"\n\n[[ignore]]\nkind = \"ec2:key-pair\"\n",
    );
    let out = moto.leftover().args(["scan", "--policy", &policy, "--format", "json"]).run();
    let report = out.json();
    assert_eq!(report["summary"]["ignored"], 3, "{}", out.stdout);
    assert_eq!(report["summary"]["unmanaged"], 1);
    let arn_policy = write_policy(&dir, "q.toml", "[[ignore]]\narn = \"arn:aws:ec2:*:*:volume/*\"\n");
    let out = moto.leftover().args(["scan", "--policy", &arn_policy, "--format", "json"]).run();
    assert_eq!(out.json()["summary"]["ignored"], 3);
}

#[test]
fn bad_policy_files_exit_2_naming_file_line_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("bad-toml.toml", "[environments.staging\nstatus = 1\n", ":1", "environments"),
        ("unknown-key.toml", "[[ignore]]\nkind = \"ec2:volume\"\ncolour = \"red\"\n", ":3", "colour"),
        ("wrong-type.toml", "[severity]\nunmanaged = 3\n", ":2", "unmanaged"),
        ("bad-glob.toml", "[[ignore]]\narn = \"arn:aws:ec2:[us-*\"\n", ":2", "ignore[0].arn"),
        ("bad-status.toml", "[environments.staging]\nstatus = \"sleeping\"\n", ":2", "environments.staging.status"),
        (
            "bad-selector.toml",
            "[[expect.reachable]]\nfrom = \"ec2:volume/vol-1\"\nto = \"ec2:subnet/subnet-1\"\nport = 22\n",
            ":2",
            "from",
        ),
    ];
    for (name, text, line, key) in cases {
        let path = write_policy(&dir, name, text);
        let out =
            crate::support::Leftover::new().args(["scan", "--inventory", "/nonexistent.json", "--policy", &path]).run();
        assert_eq!(out.code, 2, "{name}: {}", out.stderr);
        assert!(out.stderr.contains(&format!("{name}{line}")), "{name}: names the file and line: {}", out.stderr);
        assert!(out.stderr.contains(key), "{name}: names the key {key}: {}", out.stderr);
    }
}
