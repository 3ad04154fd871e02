//! Latency: a scan is as long as its longest chain of dependent AWS calls, not its phases
//! added up. Proved without timing: a proxy holds one phase's requests until the other
//! phase has asked for something, so a scanner that ran the phases one after the other
//! would wait on itself until the proxy gave up holding (and the test says so).

use leftover::aws::stats_file::StatsFile;

use crate::support::incident::{self, BUCKET};
use crate::support::proxy::{Fate, FaultPlan, Match};
use crate::support::{Moto, TfState};

/// The services a region's listings call (STS names the account beside them).
const LISTING_SERVICES: [&str; 10] =
    ["dynamodb", "ec2", "eks", "elasticache", "elasticloadbalancing", "lambda", "rds", "sns", "sqs", "tagging"];

fn scan() -> Vec<String> {
    ["scan", "--state", &format!("s3://{BUCKET}"), "--format", "json"].map(str::to_owned).to_vec()
}

/// Runs the scan through a proxy that holds `held` until `until` is seen, and checks it
/// ended with the report of a scan without the proxy.
async fn scan_through_hold(held: &[Match], until: &Match) {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let clean = moto.leftover().args(scan()).run();
    clean.assert_code(1);
    let mut plan = FaultPlan::new(1);
    for what in held {
        plan = plan.hold(what.clone(), until.clone());
    }
    let proxy = moto.proxy(plan);
    let out = proxy.leftover().args(scan()).run();
    let too_long: Vec<String> = proxy
        .seen()
        .iter()
        .filter(|s| s.fate == Fate::HeldTooLong)
        .map(|s| format!("{} {} {}", s.service, s.operation, s.path))
        .collect();
    assert!(
        too_long.is_empty(),
        "the scan waited for one phase to end before the other began: {} requests were held for the \
         proxy's whole hold limit, never followed by {until:?}: {too_long:?}",
        too_long.len()
    );
    assert!(proxy.count(Fate::Held) > 0, "the proxy held nothing: {:?}", proxy.seen());
    out.assert_code(clean.code);
    assert_eq!(
        out.timeless_json(),
        clean.timeless_json(),
        "holding a phase changed the report\nstderr:\n{}",
        out.stderr
    );
    assert_eq!(out.json()["coverage"]["complete"], true);
}

#[tokio::test]
async fn issue_16_listings_held_until_a_state_is_requested_still_complete() {
    let held: Vec<Match> = LISTING_SERVICES.iter().map(|service| Match::service(service)).collect();
    scan_through_hold(&held, &Match::operation("s3", "GetObject")).await;
}

#[tokio::test]
async fn issue_16_state_reads_held_until_a_listing_is_requested_still_complete() {
    let held = [Match::bucket(BUCKET)];
    scan_through_hold(&held, &Match::operation("tagging", "GetResources")).await;
}

#[tokio::test]
async fn issue_16_listings_go_out_before_sts_names_the_account() {
    scan_through_hold(&[Match::service("sts")], &Match::operation("ec2", "DescribeVpcs")).await;
}

#[tokio::test]
async fn issue_16_a_state_bucket_is_listed_beside_the_question_of_its_region() {
    scan_through_hold(&[Match::operation("s3", "GetBucketLocation")], &Match::operation("s3", "ListObjectsV2")).await;
}

#[tokio::test]
async fn issue_16_a_state_bucket_in_another_region_is_read_through_its_own_region() {
    use aws_sdk_s3::types::{BucketLocationConstraint, CreateBucketConfiguration};
    let moto = Moto::start();
    let far = "far-tfstate";
    let location = CreateBucketConfiguration::builder().location_constraint(BucketLocationConstraint::EuWest1).build();
    moto.s3().await.create_bucket().bucket(far).create_bucket_configuration(location).send().await.unwrap();
    let state =
        TfState::new().managed("aws_vpc", "far", serde_json::json!({"id": "vpc-0far", "cidr_block": "10.9.0.0/16"}));
    moto.put_state(far, "network/terraform.tfstate", &state).await;
    let proxy = moto.proxy(FaultPlan::new(1));
    let out = proxy.leftover().args(["scan", "--state", &format!("s3://{far}"), "--format", "json"]).run();
    out.assert_code(0);
    let report = out.json();
    assert_eq!(report["coverage"]["complete"], true, "{}", out.stderr);
    let states = report["scope"]["states"].as_array().unwrap();
    assert_eq!(states.len(), 1, "{states:?}");
    assert_eq!(states[0]["source"], format!("s3://{far}/network/terraform.tfstate"));
    assert_eq!(states[0]["resources"], 1);
    // The read begun through the session's region (us-east-1) beside the location is
    // dropped; the bucket is listed and read again through its own.
    let seen = proxy.seen();
    let signed_for = |operation: &str| -> Vec<String> {
        seen.iter().filter(|s| s.service == "s3" && s.operation == operation).map(|s| s.region.clone()).collect()
    };
    assert!(signed_for("GetBucketLocation").iter().all(|r| r == "us-east-1"), "{seen:?}");
    assert!(signed_for("ListObjectsV2").contains(&"eu-west-1".to_owned()), "{seen:?}");
    assert!(signed_for("GetObject").contains(&"eu-west-1".to_owned()), "{seen:?}");
}

#[tokio::test]
async fn issue_16_a_regions_ec2_listings_go_out_in_one_wave() {
    // Every EC2 listing is held until the last one the region starts is sent: with fewer
    // permits than listings, the held ones would keep the last waiting for a permit.
    scan_through_hold(&[Match::service("ec2")], &Match::operation("ec2", "DescribeVpcEndpoints")).await;
}

#[tokio::test]
async fn issue_16_stats_show_the_round_trips_paid_against_the_longest_chain() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls.json");
    let out = moto.leftover().args(scan()).args(["--stats", "--stats-json", calls.to_str().unwrap()]).run();
    out.assert_code(1);
    let file: StatsFile = serde_json::from_str(&std::fs::read_to_string(&calls).unwrap()).unwrap();
    let depth = file.depth.expect("the stats file says how the calls lined up");
    // The account's longest chain is EKS's: ListClusters names the clusters, ListNodegroups
    // (beside DescribeCluster) names the nodegroups, and each is described. STS names the
    // account beside the first listings, and the bucket's chain (listing, then GetObject,
    // with the bucket's location asked beside the listing) runs beside it.
    assert_eq!(depth.longest_chain, 3, "{depth:?}");
    assert!(depth.round_trips >= depth.longest_chain, "{depth:?}");
    assert_eq!(depth.calls, file.operations.iter().map(|o| o.calls).sum::<u64>());
    assert!(depth.most_in_flight > 1 && depth.most_in_flight <= depth.calls, "{depth:?}");
    let line = format!(
        "AWS round trips in sequence: {} (the longest chain of calls that each needed the previous answer: 3); {} calls",
        depth.round_trips, depth.calls
    );
    assert!(out.stderr.contains(&line), "{line:?} not in:\n{}", out.stderr);
}

#[tokio::test]
async fn issue_16_every_tagging_page_is_read_and_its_pages_are_the_chain() {
    // 250 queues, known only through the tagging API: three pages of at most 100, each
    // asked with the last one's token, the account's longest chain.
    let moto = Moto::start();
    let seeder = moto.seeder();
    let names: Vec<String> = (0..250).map(|n| format!("jobs-{n:03}")).collect();
    for name in &names {
        seeder.create_queue("us-east-1", name, &[("Environment", "batch")]).await;
    }
    let dir = tempfile::tempdir().unwrap();
    let calls = dir.path().join("calls.json");
    let out = moto.leftover().args(["scan", "--format", "json", "--stats-json", calls.to_str().unwrap()]).run();
    out.assert_code(1);
    let report = out.json();
    assert_eq!(report["coverage"]["complete"], true, "{}", out.stderr);
    let mut queues: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"]["kind"] == "sqs:queue")
        .map(|f| f["resource"]["id"].as_str().unwrap().to_owned())
        .collect();
    queues.sort();
    assert_eq!(queues, names, "every queue of every page, once");
    let file: StatsFile = serde_json::from_str(&std::fs::read_to_string(&calls).unwrap()).unwrap();
    let pages = file.operations.iter().find(|o| o.operation == "GetResources").expect("tagging asked");
    assert_eq!(pages.calls, 3, "{:?}", file.operations);
    let depth = file.depth.expect("the stats file says how the calls lined up");
    assert_eq!(depth.longest_chain, 3, "the tagging pages, one after another: {depth:?}");
}
