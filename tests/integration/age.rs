//! How old each leftover is (issue 13): `first_seen` carried forward by `--baseline`,
//! `created` from AWS where the service reports it (never invented), the age in every
//! format, and `scan --min-age`.

use std::path::Path;

use aws_sdk_ec2::types::{DomainType, ResourceType};
use serde_json::Value;

use crate::support::{AMI, Moto, Output, finding, tag_spec};

/// Seconds since the epoch of an RFC 3339 time, or a failure naming it.
fn seconds(time: &Value) -> i64 {
    let text = time.as_str().unwrap_or_else(|| panic!("not a time: {time}"));
    aws_smithy_types::DateTime::from_str(text, aws_smithy_types::date_time::Format::DateTime)
        .unwrap_or_else(|err| panic!("{text} is not RFC 3339: {err}"))
        .secs()
}

fn ids(findings: &Value) -> Vec<String> {
    let mut out: Vec<String> =
        findings.as_array().unwrap().iter().map(|f| f["resource"]["id"].as_str().unwrap().to_owned()).collect();
    out.sort();
    out
}

fn save(dir: &Path, name: &str, out: &Output) -> String {
    let path = dir.join(name);
    std::fs::write(&path, &out.stdout).unwrap();
    path.to_str().unwrap().to_owned()
}

#[tokio::test]
async fn issue_13_first_seen_is_carried_created_comes_from_aws_and_min_age_waits() {
    let moto = Moto::start();
    let ec2 = moto.ec2("us-east-1").await;
    let instance = ec2
        .run_instances()
        .image_id(AMI)
        .min_count(1)
        .max_count(1)
        .tag_specifications(tag_spec(ResourceType::Instance, &[("Name", "debug-box")]))
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();
    let volume = ec2.create_volume().availability_zone("us-east-1a").size(20).send().await.unwrap();
    let volume = volume.volume_id().unwrap().to_owned();
    let eip = ec2.allocate_address().domain(DomainType::Vpc).send().await.unwrap();
    let eip = eip.allocation_id().unwrap().to_owned();
    let dir = tempfile::tempdir().unwrap();
    let scan_as = |format: &str| moto.leftover().args(["scan", "--region", "us-east-1", "--format", format]);
    let scan = || scan_as("json");

    // The first scan: every finding first seen now; `created` where AWS says it.
    let first = scan().run();
    first.assert_code(1);
    let report = first.json();
    assert_eq!(ids(&report["findings"]), {
        let mut all = vec![instance.clone(), volume.clone(), eip.clone()];
        all.sort();
        all
    });
    let now = seconds(&report["generated_at"]);
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["first_seen"], report["generated_at"], "a new finding is first seen at the scan time: {f}");
    }
    for id in [&instance, &volume] {
        let created = seconds(&finding(&report, id)["resource"]["created"]);
        assert!((now - 600..=now).contains(&created), "{id} was made just now, by AWS's clock: {created} vs {now}");
    }
    // An Elastic IP allocation has no creation time: the field is absent, not invented.
    assert!(finding(&report, &eip)["resource"].get("created").is_none(), "{report:#}");
    // The saved inventory keeps it too.
    let inventory = dir.path().join("inventory.json");
    moto.leftover()
        .args(["inventory", "--region", "us-east-1", "--output", inventory.to_str().unwrap()])
        .run()
        .assert_code(0);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&inventory).unwrap()).unwrap();
    let resource = |id: &str| saved["resources"].as_array().unwrap().iter().find(|r| r["id"] == id).unwrap().clone();
    assert!(resource(&instance)["created"].is_string() && resource(&volume)["created"].is_string());
    assert!(resource(&eip).get("created").is_none());

    // The next night, against the first report: each keeps the first scan's time.
    let last = save(dir.path(), "first.json", &first);
    let second = scan().args(["--baseline", &last]).run();
    second.assert_code(1);
    let report = second.json();
    for f in report["findings"].as_array().unwrap() {
        assert_eq!(f["first_seen"], first.json()["generated_at"], "carried forward: {f}");
        assert_eq!(f["status"], "unchanged");
    }

    // A baseline that saw the volume forty days ago: with `--min-age 7d` only the volume
    // has stayed; the instance (made just now) and the address wait, kept aside.
    let mut old = first.json();
    let long_ago = aws_smithy_types::DateTime::from_secs(now - 40 * 86_400)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .unwrap();
    for f in old["findings"].as_array_mut().unwrap() {
        if f["resource"]["id"] == volume.as_str() {
            f["first_seen"] = Value::from(long_ago.clone());
        }
    }
    let old_path = dir.path().join("old.json");
    std::fs::write(&old_path, old.to_string()).unwrap();
    let old_path = old_path.to_str().unwrap();
    let aged = scan().args(["--baseline", old_path, "--min-age", "7d"]).run();
    aged.assert_code(1);
    let report = aged.json();
    assert_eq!(ids(&report["findings"]), std::slice::from_ref(&volume));
    assert_eq!(finding(&report, &volume)["first_seen"], long_ago.as_str());
    assert_eq!(report["summary"]["unmanaged"], 1);
    assert_eq!(report["younger"]["min_age"], "7d");
    let mut young = vec![instance.clone(), eip.clone()];
    young.sort();
    assert_eq!(ids(&report["younger"]["findings"]), young);
    // Only young findings: nothing to alert on.
    let quiet = scan().args(["--baseline", &last, "--min-age", "2w"]).run();
    quiet.assert_code(0);
    assert_eq!(quiet.json()["findings"], Value::Array(vec![]), "{}", quiet.stdout);

    // Fed back as the next baseline, the findings kept aside keep their first sighting.
    let aged_path = save(dir.path(), "aged.json", &aged);
    let next = scan().args(["--baseline", &aged_path]).run();
    let report = next.json();
    let kept = finding(&aged.json()["younger"], &instance)["first_seen"].clone();
    assert_eq!(finding(&report, &instance)["first_seen"], kept);
    assert_eq!(finding(&report, &volume)["first_seen"], long_ago.as_str());

    // Every format shows the age.
    let table = scan_as("table").args(["--baseline", old_path]).run();
    let markdown = scan_as("markdown").args(["--baseline", old_path, "--min-age", "7d"]).run();
    for (format, out) in [("table", &table), ("markdown", &markdown)] {
        assert!(out.stdout.contains("leftover for 40 days"), "{format}:\n{}", out.stdout);
        assert!(out.stdout.contains("created 20"), "{format}:\n{}", out.stdout);
    }
    assert!(markdown.stdout.contains("2 findings younger than 7d left out (--min-age)"), "{}", markdown.stdout);
    let html_path = dir.path().join("aged.html");
    let json_path = dir.path().join("aged-report.json");
    scan_as("html").args(["--baseline", old_path, "--output", html_path.to_str().unwrap()]).run();
    scan().args(["--baseline", old_path, "--output", json_path.to_str().unwrap()]).run();
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert!(html.contains("<th data-col=\"5\" data-num=\"1\">Age</th>"), "a sortable age column");
    let out = crate::reports::check_in_chromium(&html_path, &json_path, &dir.path().join("aged.png"));
    assert_eq!(out.code, 0, "stdout:\n{}\nstderr:\n{}", out.stdout, out.stderr);
}

#[test]
fn issue_13_an_invalid_min_age_is_a_usage_error_naming_the_flag() {
    for bad in ["7", "7x", "1.5d", "week"] {
        let out = crate::support::Leftover::new()
            .args(["scan", "--inventory", "tests/fixtures/incident/inventory.json", "--min-age", bad])
            .run();
        out.assert_code(2);
        assert!(out.stderr.contains("--min-age"), "{bad}: {}", out.stderr);
    }
}

/// Each service that reports when a resource was made has it in the inventory; the others
/// have no `created` at all.
#[tokio::test]
async fn issue_13_created_is_recorded_for_every_service_that_reports_it() {
    let moto = Moto::start();
    let ec2 = moto.ec2("us-east-1").await;
    let subnets = ec2.describe_subnets().send().await.unwrap();
    let subnet = subnets.subnets()[0].subnet_id().unwrap().to_owned();
    let eip = ec2.allocate_address().domain(DomainType::Vpc).send().await.unwrap().allocation_id.unwrap();
    let nat = ec2.create_nat_gateway().subnet_id(&subnet).allocation_id(&eip).send().await.unwrap();
    let nat = nat.nat_gateway().unwrap().nat_gateway_id().unwrap().to_owned();
    let volume = ec2.create_volume().availability_zone("us-east-1a").size(8).send().await.unwrap();
    let volume = volume.volume_id().unwrap().to_owned();
    let snapshot = ec2.create_snapshot().volume_id(&volume).send().await.unwrap().snapshot_id.unwrap();
    let eks = moto.eks("us-east-1").await;
    eks.create_cluster()
        .name("apps")
        .role_arn(format!("arn:aws:iam::{}:role/eks", crate::support::ACCOUNT))
        .resources_vpc_config(aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids(&subnet).build())
        .send()
        .await
        .unwrap();
    eks.create_nodegroup()
        .cluster_name("apps")
        .nodegroup_name("general")
        .node_role(format!("arn:aws:iam::{}:role/node", crate::support::ACCOUNT))
        .subnets(&subnet)
        .send()
        .await
        .unwrap();
    let cache = moto.elasticache("us-east-1").await;
    cache
        .create_cache_cluster()
        .cache_cluster_id("sessions")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_nodes(1)
        .send()
        .await
        .unwrap();
    cache
        .create_replication_group()
        .replication_group_id("queue")
        .replication_group_description("queue")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(1)
        .send()
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inventory.json");
    moto.leftover()
        .args(["inventory", "--region", "us-east-1", "--output", path.to_str().unwrap()])
        .run()
        .assert_code(0);
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let created = |kind: &str, id: &str| {
        let r = saved["resources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["kind"] == kind && r["id"] == id)
            .unwrap_or_else(|| panic!("{kind} {id} is not in the inventory"));
        r.get("created").cloned()
    };
    for (kind, id) in [
        ("ec2:natgateway", nat.as_str()),
        ("ec2:volume", volume.as_str()),
        ("ec2:snapshot", snapshot.as_str()),
        ("eks:cluster", "apps"),
        ("eks:nodegroup", "apps:general"),
        ("elasticache:cluster", "sessions"),
        ("elasticache:replication-group", "queue"),
    ] {
        let time = created(kind, id).unwrap_or_else(|| panic!("{kind} {id} has no created"));
        seconds(&time);
    }
    assert_eq!(created("ec2:elastic-ip", &eip), None);
    let vpc = subnets.subnets()[0].vpc_id().unwrap();
    assert_eq!(created("ec2:vpc", vpc), None);

    // Read back, the saved inventory gives findings the same `created`.
    let out =
        crate::support::Leftover::new().args(["scan", "--inventory", path.to_str().unwrap(), "--format", "json"]).run();
    let report = out.json();
    assert_eq!(finding(&report, &volume)["resource"]["created"], created("ec2:volume", &volume).unwrap());
}
