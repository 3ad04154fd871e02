//! The incident of the design, reproduced: what each command says about it.

use crate::support::Moto;
use crate::support::incident::{self, BUCKET};

#[tokio::test]
async fn the_incident_scan_finds_the_staging_leftovers_and_the_stale_peering() {
    let moto = Moto::start();
    let seeded = incident::seed(&moto.seeder()).await;
    let out = moto.leftover().args(["scan", "--state", &format!("s3://{BUCKET}"), "--format", "json"]).run();
    eprintln!("{}", out.stdout);
    // Issue 12: each leftover once, by its most specific kind.
    crate::trust::assert_each_resource_reported_once(&out);
    let report = out.json();
    let unmanaged: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| matches!(f["kind"].as_str(), Some("unmanaged" | "deleted-env" | "blocking-dependency")))
        .map(|f| f["resource"]["id"].as_str().unwrap().to_owned())
        .collect();
    for id in [
        &seeded.staging_vpc,
        &seeded.staging_instance,
        &seeded.staging_volume,
        &seeded.staging_sg,
        &seeded.staging_lb_eni,
    ] {
        assert!(unmanaged.contains(id), "{id} should be unmanaged: {unmanaged:?}");
    }
    assert!(unmanaged.contains(&"staging".to_owned()), "the staging EKS cluster: {unmanaged:?}");
    assert!(unmanaged.contains(&"staging-sessions".to_owned()), "the staging cache cluster: {unmanaged:?}");
    assert!(unmanaged.contains(&"staging-jobs".to_owned()), "the SQS queue known only by its tags: {unmanaged:?}");
    // Nothing of dev or shared is unmanaged; the staging subnet goes with its VPC? No: it is
    // a separate leftover the VPC's deletion needs gone first.
    for id in [&seeded.dev_vpc, &seeded.shared_vpc, &seeded.redis_sg, &seeded.dev_node_sg] {
        assert!(!unmanaged.contains(id), "{id} is managed: {unmanaged:?}");
    }
}
