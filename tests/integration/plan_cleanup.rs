//! Issue 13: `leftover plan cleanup` end to end. The incident's account with staging
//! decommissioned among managed dev and shared resources; the plan is run with the real
//! AWS CLI against the emulator; the rescan finds nothing of staging left and nothing
//! declared gone.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use aws_sdk_ec2::types::ResourceType;

use crate::support::incident::{self, BUCKET, REGION};
use crate::support::proxy::{FaultPlan, Match};
use crate::support::{Moto, Output, aws_cli, tag_spec};

/// `(kind, id)` of every finding of one kind.
fn of_kind(out: &Output, kind: &str) -> BTreeSet<(String, String)> {
    out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == kind)
        .map(|f| (f["resource"]["kind"].as_str().unwrap().to_owned(), f["resource"]["id"].as_str().unwrap().to_owned()))
        .collect()
}

/// The script's command lines, as `run` and `snapshot` get them.
fn commands(script: &str) -> Vec<&str> {
    let body = script.split_once("\nesac\n").map_or("", |(_, body)| body);
    body.lines().map(str::trim_start).filter_map(|l| l.strip_prefix("run ")).collect()
}

/// Runs `sh script` with the AWS CLI against the emulator, as a person would.
fn sh(script: &Path, cli: &Path, endpoint: &str, apply: bool, bin: &Path) -> std::process::Output {
    // The AWS CLI v1 sends SQS calls in known regions to the service's own host even when
    // AWS_ENDPOINT_URL is set (its `overridesslcommonname` customization), so a wrapper
    // passes the emulator's endpoint explicitly, the way `--endpoint-url` would.
    std::fs::create_dir_all(bin).unwrap();
    let wrapper = bin.join("aws");
    std::fs::write(
        &wrapper,
        format!("#!/bin/sh\nexec '{}' --endpoint-url \"$AWS_ENDPOINT_URL\" \"$@\"\n", cli.display()),
    )
    .unwrap();
    Command::new("chmod").arg("+x").arg(&wrapper).status().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut command = Command::new("sh");
    command
        .arg(script)
        .env_clear()
        .env("PATH", path)
        .env("HOME", std::env::var("HOME").unwrap_or_else(|_| "/tmp".into()))
        .env("AWS_ENDPOINT_URL", endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true");
    if apply {
        command.env("APPLY", "1");
    }
    command.output().unwrap()
}

#[tokio::test]
async fn issue_13_the_cleanup_plan_deletes_every_staging_leftover_and_nothing_declared() {
    let Some(cli) = aws_cli() else { return };
    let moto = Moto::start();
    let seeded = incident::seed(&moto.seeder()).await;
    // More of staging left behind: its internet gateway, still attached, and a route table
    // routing to it from the staging subnet; a key pair whose name no shell should see bare.
    let ec2 = moto.ec2(REGION).await;
    let staging = [("Environment", "staging")];
    let igw = ec2
        .create_internet_gateway()
        .tag_specifications(tag_spec(ResourceType::InternetGateway, &staging))
        .send()
        .await
        .unwrap()
        .internet_gateway
        .unwrap()
        .internet_gateway_id
        .unwrap();
    ec2.attach_internet_gateway().internet_gateway_id(&igw).vpc_id(&seeded.staging_vpc).send().await.unwrap();
    let table = ec2
        .create_route_table()
        .vpc_id(&seeded.staging_vpc)
        .tag_specifications(tag_spec(ResourceType::RouteTable, &staging))
        .send()
        .await
        .unwrap()
        .route_table
        .unwrap()
        .route_table_id
        .unwrap();
    ec2.associate_route_table().route_table_id(&table).subnet_id(&seeded.staging_subnet).send().await.unwrap();
    ec2.create_route()
        .route_table_id(&table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    let key_name = "staging ops' key $(touch /tmp/leftover-injected) ü";
    ec2.create_key_pair()
        .key_name(key_name)
        .tag_specifications(tag_spec(ResourceType::KeyPair, &staging))
        .send()
        .await
        .unwrap();

    let state = format!("s3://{BUCKET}");
    let before = moto.leftover().args(["scan", "--state", &state, "--format", "json"]).run();
    let staging_before =
        moto.leftover().args(["scan", "--state", &state, "--env", "staging", "--format", "json"]).run();
    staging_before.assert_code(1);
    let leftovers = staging_before.json()["findings"].as_array().unwrap().len();

    let dir = tempfile::tempdir().unwrap();
    let script_path = dir.path().join("cleanup.sh");
    let planned = moto
        .leftover()
        .args(["plan", "cleanup", "--state", &state, "--env", "staging", "--output"])
        .arg(script_path.to_str().unwrap())
        .run();
    planned.assert_code(0);
    let script = std::fs::read_to_string(&script_path).unwrap();
    let lines = commands(&script);
    // Nothing declared, nothing of dev or shared, is touched.
    for id in [&seeded.dev_vpc, &seeded.shared_vpc, &seeded.redis_sg, &seeded.dev_node_sg, &seeded.shared_route_table] {
        assert!(!script.contains(id.as_str()), "{id} is declared: it must not be in the plan\n{script}");
    }
    for id in
        [&seeded.staging_vpc, &seeded.staging_subnet, &seeded.staging_instance, &seeded.staging_volume, &igw, &table]
    {
        assert!(lines.iter().any(|l| l.contains(id.as_str())), "{id} should be deleted\n{script}");
    }

    // Without APPLY the script only prints: nothing changes.
    let dry = sh(&script_path, &cli, &moto.endpoint, false, &dir.path().join("bin"));
    assert!(dry.status.success(), "{}", String::from_utf8_lossy(&dry.stderr));
    let printed = String::from_utf8_lossy(&dry.stdout);
    assert!(printed.contains(&format!("aws ec2 delete-vpc --vpc-id {}", seeded.staging_vpc)), "{printed}");
    moto.leftover().args(["scan", "--state", &state, "--env", "staging", "--format", "json"]).run().assert_code(1);

    let applied = sh(&script_path, &cli, &moto.endpoint, true, &dir.path().join("bin"));
    assert!(
        applied.status.success(),
        "the plan failed\nstdout:\n{}\nstderr:\n{}\nscript:\n{script}",
        String::from_utf8_lossy(&applied.stdout),
        String::from_utf8_lossy(&applied.stderr)
    );
    assert!(!Path::new("/tmp/leftover-injected").exists(), "a name was run as a command");

    let after = moto.leftover().args(["scan", "--state", &state, "--env", "staging"]).run();
    after.assert_code(0);
    assert!(after.stdout.contains("environment staging: nothing remains"), "{}", after.stdout);
    let whole = moto.leftover().args(["scan", "--state", &state, "--format", "json"]).run();
    let new_missing: Vec<_> = of_kind(&whole, "missing").difference(&of_kind(&before, "missing")).cloned().collect();
    assert!(new_missing.is_empty(), "the plan deleted declared resources: {new_missing:?}");
    eprintln!(
        "issue 13: {leftovers} staging leftovers; the plan ran {} commands; rescan of staging: exit {}, nothing remains; \
         not deleted: {}",
        lines.len(),
        after.code,
        script.lines().filter(|l| l.starts_with("# NOT DELETED:")).count()
    );
}

#[tokio::test]
async fn issue_13_a_scan_with_a_gap_writes_no_plan_unless_allowed() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let proxy = moto.proxy(FaultPlan::new(1).deny(Match::operation("ec2", "DescribeNetworkInterfaces")));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cleanup.sh");
    let state = format!("s3://{BUCKET}");
    let refused = proxy
        .leftover()
        .args(["plan", "cleanup", "--state", &state, "--env", "staging", "--output", path.to_str().unwrap()])
        .run();
    refused.assert_code(3);
    assert!(!path.exists(), "an incomplete scan must write no plan");
    assert!(
        refused.stderr.contains("no plan was written") && refused.stderr.contains("DescribeNetworkInterfaces"),
        "{}",
        refused.stderr
    );

    let allowed = proxy
        .leftover()
        .args(["plan", "cleanup", "--state", &state, "--env", "staging", "--allow-incomplete", "--output", "-"])
        .run();
    allowed.assert_code(3);
    let first_lines: String = allowed.stdout.lines().take(3).collect::<Vec<_>>().join("\n");
    assert!(first_lines.contains("INCOMPLETE SCAN"), "{}", allowed.stdout);
    assert!(allowed.stdout.contains("DescribeNetworkInterfaces"), "{}", allowed.stdout);
}
