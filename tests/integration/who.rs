//! Issue 31: who made each leftover, from `CloudTrail`. The emulator keeps no event history, so
//! the test proxy answers `LookupEvents` in `CloudTrail`'s documented shape (`Events[]` with
//! `CloudTrailEvent` a JSON string of `userIdentity`, `userAgent`, `eventName`,
//! `eventTime`), with one creating event per leftover of the demo's incident, made the way
//! people make them: in the console through IAM Identity Center, with the AWS CLI, and by
//! Terraform whose state no longer declares the resource.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::support::proxy::{FaultPlan, Match};
use crate::support::{Moto, Output, incident};

const SCAN: [&str; 7] = ["scan", "--state", "s3://rosey-tfstate", "--policy", "policies/demo.toml", "--format", "json"];

/// How a leftover was made, as `CloudTrail` records it.
#[derive(Clone, Copy, Debug)]
enum Maker {
    Console,
    Cli,
    Terraform,
}

/// The call that makes a resource of `kind`, as `CloudTrail` names it.
fn creating_call(kind: &str) -> &'static str {
    match kind {
        "ec2:instance" => "RunInstances",
        "ec2:elastic-ip" => "AllocateAddress",
        "ec2:natgateway" => "CreateNatGateway",
        "ec2:network-interface" => "CreateNetworkInterface",
        "ec2:security-group" => "CreateSecurityGroup",
        "ec2:subnet" => "CreateSubnet",
        "ec2:volume" => "CreateVolume",
        "ec2:vpc" => "CreateVpc",
        "eks:cluster" => "CreateCluster",
        "elasticache:cluster" => "CreateCacheCluster",
        "elasticloadbalancing:loadbalancer" => "CreateLoadBalancer",
        "rds:db" => "CreateDBInstance",
        "rds:subgrp" => "CreateDBSubnetGroup",
        "sqs:queue" => "CreateQueue",
        _ => "CreateResource",
    }
}

fn event(id: &str, call: &str, maker: Maker, n: u32) -> Value {
    let (identity, agent) = match maker {
        Maker::Console => (
            json!({"type": "AssumedRole", "principalId": "AROAEXAMPLE:someone@example.com",
                   "arn": "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_Admin_0123456789abcdef/someone@example.com"}),
            "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        ),
        Maker::Cli => (
            json!({"type": "IAMUser", "userName": "alice", "arn": "arn:aws:iam::123456789012:user/alice"}),
            "aws-cli/2.22.0 md/awscrt#0.22.0 ua/2.0 os/linux#6.1 md/arch#x86_64 lang/python#3.12 botocore/2.0",
        ),
        Maker::Terraform => (
            json!({"type": "AssumedRole", "arn": "arn:aws:sts::123456789012:assumed-role/ci-deploy/1790000000"}),
            "APN/1.0 HashiCorp/1.0 Terraform/1.9.8 (+https://www.terraform.io) terraform-provider-aws/5.80.0 aws-sdk-go-v2/1.32.6",
        ),
    };
    let time = 1_790_000_000.0 + f64::from(n) * 60.0;
    let detail = json!({
        "eventVersion": "1.09", "userIdentity": identity, "eventTime": format!("2026-09-21T14:{:02}:00Z", n % 60),
        "eventSource": "ec2.amazonaws.com", "eventName": call, "awsRegion": incident::REGION,
        "sourceIPAddress": "203.0.113.7", "userAgent": agent
    });
    json!({
        "EventId": format!("event-{n}"), "EventName": call, "ReadOnly": "false", "EventTime": time,
        "Username": "x", "Resources": [{"ResourceName": id}], "CloudTrailEvent": detail.to_string()
    })
}

fn leftovers(out: &Output) -> Vec<String> {
    out.findings()
        .into_iter()
        .filter(|(kind, _)| ["unmanaged", "deleted-env", "blocking-dependency"].contains(&kind.as_str()))
        .map(|(_, id)| id)
        .collect()
}

/// The kind of each resource a report's findings name.
fn kinds(out: &Output) -> BTreeMap<String, String> {
    out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| Some((f["resource"]["id"].as_str()?.to_owned(), f["resource"]["kind"].as_str()?.to_owned())))
        .collect()
}

fn who_of(report: &Value) -> BTreeMap<String, Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| Some((f["resource"]["id"].as_str()?.to_owned(), f["resource"].get("who")?.clone())))
        .collect()
}

#[tokio::test]
async fn issue_31_each_leftover_names_who_made_it_how_and_the_baseline_saves_the_lookups() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let plain = moto.leftover().args(SCAN).run();
    let ids = leftovers(&plain);
    let kind_of = kinds(&plain);
    assert!(ids.len() >= 6, "{ids:?}");
    // Every leftover but the last has its creating event; makers in turn.
    let makers = [Maker::Console, Maker::Cli, Maker::Terraform];
    let mut faults = FaultPlan::new(1);
    let mut made = BTreeMap::new();
    for (n, id) in ids.iter().enumerate().take(ids.len() - 1) {
        let maker = makers[n % makers.len()];
        let call = creating_call(&kind_of[id]);
        faults = faults.trail(id, event(id, call, maker, u32::try_from(n).unwrap()));
        made.insert(id.clone(), maker);
    }
    let unknown = ids.last().unwrap().clone();
    let proxy = moto.proxy(faults);
    let out = proxy.leftover().args(SCAN).arg("--who").run();
    out.assert_code(1);
    let report = out.json();
    // The findings are the same; creators are added, never a conclusion.
    assert_eq!(leftovers(&out), ids);
    assert_eq!(report["coverage"]["complete"], true);
    let who = who_of(&report);
    for (id, maker) in &made {
        let w = &who[id];
        let reason =
            report["findings"].as_array().unwrap().iter().find(|f| f["resource"]["id"] == *id).unwrap()["reason"]
                .as_str()
                .unwrap()
                .to_owned();
        match maker {
            Maker::Console => {
                assert_eq!(
                    (w["person"].as_str(), w["via"].as_str()),
                    (Some("someone@example.com"), Some("console")),
                    "{w}"
                );
                assert!(reason.contains("created by someone@example.com in the console on 2026-09-21"), "{reason}");
                assert_eq!(w["event"].as_str(), Some(creating_call(&kind_of[id])), "{w}");
                assert!(!reason.contains("lost from state"), "{reason}");
            }
            Maker::Cli => {
                assert_eq!((w["principal"].as_str(), w["via"].as_str()), (Some("alice"), Some("aws-cli")));
                assert!(reason.contains("created by alice with the AWS CLI"), "{reason}");
            }
            Maker::Terraform => {
                assert_eq!((w["role"].as_str(), w["via"].as_str()), (Some("ci-deploy"), Some("terraform")));
                assert!(reason.contains("created by Terraform as role ci-deploy"), "{reason}");
                assert!(reason.contains("no state declares it now: lost from state?"), "{reason}");
            }
        }
        assert_eq!(w["at"], "2026-09-21T14:".to_owned() + &w["at"].as_str().unwrap()[14..], "{w}");
    }
    assert!(who[&unknown]["unknown"].as_str().unwrap().contains("no CloudTrail event"), "{}", who[&unknown]);
    // Looked up only the findings, at CloudTrail's 2 calls a second in the region.
    let calls: Vec<std::time::Instant> =
        proxy.seen().iter().filter(|s| s.operation == "LookupEvents").map(|s| s.at).collect();
    assert!(
        calls.len() >= ids.len() && calls.len() <= 2 * ids.len(),
        "{} calls for {} leftovers",
        calls.len(),
        ids.len()
    );
    for pair in calls.windows(3) {
        let spread = pair[2].duration_since(pair[0]);
        assert!(spread >= std::time::Duration::from_millis(950), "three calls within {spread:?}: over 2 a second");
    }
    assert_eq!(report["coverage"]["who"]["looked_up"], ids.len());

    // `explain --who` asks about the one resource it explains.
    let first = &ids[0];
    let explained = proxy.leftover().args(["explain", first, "--state", "s3://rosey-tfstate", "--who"]).run();
    assert!(
        explained.stdout.contains("who: created by someone@example.com in the console on 2026-09-21"),
        "{}\n{}",
        explained.stdout,
        explained.stderr
    );

    // The cleanup plan opens with whom to ask.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("cleanup.sh");
    proxy
        .leftover()
        .args([
            "plan",
            "cleanup",
            "--state",
            "s3://rosey-tfstate",
            "--policy",
            "policies/demo.toml",
            "--who",
            "--output",
        ])
        .arg(script.to_str().unwrap())
        .run();
    let text = std::fs::read_to_string(&script).unwrap();
    let header: String = text.lines().take_while(|l| l.starts_with('#')).collect::<Vec<_>>().join("\n");
    assert!(header.contains("# Who to ask first"), "{header}");
    assert!(header.contains("#   someone@example.com: "), "{header}");
    assert!(header.contains("#   role ci-deploy (Terraform: lost from state?): "), "{header}");

    // The nightly run: creators carry through the baseline; only the unknown is asked again.
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("last.json");
    std::fs::write(&baseline, &out.stdout).unwrap();
    let again = moto.proxy(FaultPlan::new(1));
    let next = again.leftover().args(SCAN).args(["--who", "--baseline", baseline.to_str().unwrap()]).run();
    let report = next.json();
    assert_eq!(report["coverage"]["who"]["carried"], made.len(), "{}", report["coverage"]);
    assert_eq!(report["coverage"]["who"]["looked_up"], 1);
    let asked: Vec<String> =
        again.seen().iter().filter(|s| s.operation == "LookupEvents").map(|s| s.path.clone()).collect();
    assert!(asked.len() <= 2, "{asked:?}");
    let who = who_of(&report);
    for id in made.keys() {
        assert!(who[id]["principal"].is_string(), "{id}: {}", who[id]);
    }
}

#[tokio::test]
async fn issue_31_a_denied_or_throttled_history_is_a_note_and_the_findings_stand() {
    let moto = Moto::start();
    incident::seed(&moto.seeder()).await;
    let plain = moto.leftover().args(SCAN).run();
    let ids = leftovers(&plain);

    let denied = moto.proxy(FaultPlan::new(1).deny(Match::operation("cloudtrail", "LookupEvents")));
    let out = denied.leftover().args(SCAN).arg("--who").run();
    out.assert_code(1);
    let report = out.json();
    assert_eq!(report["coverage"]["complete"], true, "a missing creator is not a missing conclusion");
    assert_eq!(leftovers(&out), ids);
    let notes = report["coverage"]["who"]["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n["operation"] == "LookupEvents" && n["cause"] == "denied"), "{notes:?}");
    for w in who_of(&report).values() {
        assert!(w["unknown"].as_str().unwrap().contains("denied"), "{w}");
    }
    // One denial per region is enough: the rest are not asked.
    assert_eq!(denied.seen().iter().filter(|s| s.operation == "LookupEvents").count(), 1);

    // Throttled at first: retried, nothing lost.
    let id = ids[0].clone();
    let throttled =
        moto.proxy(FaultPlan::new(1).throttle_trail(2).trail(&id, event(&id, "RunInstances", Maker::Cli, 0)));
    let out = throttled.leftover().args(SCAN).arg("--who").run();
    out.assert_code(1);
    let who = who_of(&out.json());
    assert_eq!(who[&id]["principal"], "alice", "{}", who[&id]);
}
