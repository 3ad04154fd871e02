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
    // Every leftover of staging, each by its exact kind: the policy-free scan infers from
    // staging's empty state that the environment was destroyed, so each is `deleted-env`.
    let leftovers: Vec<(String, String)> = out
        .findings()
        .into_iter()
        .filter(|(kind, _)| matches!(kind.as_str(), "unmanaged" | "deleted-env" | "blocking-dependency"))
        .collect();
    let mut expected: Vec<(String, String)> = [
        &seeded.staging_vpc,
        &seeded.staging_subnet,
        &seeded.staging_instance,
        &seeded.staging_volume,
        &seeded.staging_sg,
        &seeded.staging_lb_eni,
        // The EKS cluster, the cache cluster and the SQS queue (its tags from the tagging API).
        &"staging".to_owned(),
        &"staging-sessions".to_owned(),
        &"staging-jobs".to_owned(),
        // Made by hand, untagged: found by their own listings, placed in staging by its
        // network.
        &"staging-pg".to_owned(),
        &"staging-db".to_owned(),
        &seeded.staging_lb,
    ]
    .into_iter()
    .map(|id| ("deleted-env".to_owned(), id.clone()))
    .collect();
    expected.sort();
    assert_eq!(leftovers, expected, "{}", out.stdout);
    // Nothing of dev or shared is a leftover.
    for id in [&seeded.dev_vpc, &seeded.shared_vpc, &seeded.redis_sg, &seeded.dev_node_sg] {
        assert!(!leftovers.iter().any(|(_, l)| l == id), "{id} is managed: {leftovers:?}");
    }
}
