//! Trust (issue 12): no failure and no guess becomes a finding. States under any name are
//! read whole, even with a terminal drawing progress; an environment is deleted only on
//! evidence; a leftover is reported once.

use std::collections::BTreeMap;

use aws_sdk_ec2::types::ResourceType;
use serde_json::Value;

use crate::support::{AMI, Moto, Network, Output, TfState, tag_spec};

const BUCKET: &str = "tfstate";

/// Leftover kinds: a resource gets at most one of them.
const LEFTOVER_KINDS: [&str; 3] = ["unmanaged", "deleted-env", "blocking-dependency"];

/// The README's rule: a resource is reported once by its most specific leftover kind, and
/// never twice with the same kind unless the findings are about different parts of it
/// (`subject`: a route, a rule) or different declarations (`state`) or attributes (`drift`).
#[track_caller]
pub fn assert_each_resource_reported_once(out: &Output) {
    let report = out.json();
    let mut leftovers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    for f in report["findings"].as_array().unwrap() {
        let id = f["resource"]["id"].as_str().unwrap().to_owned();
        let kind = f["kind"].as_str().unwrap();
        if LEFTOVER_KINDS.contains(&kind) {
            leftovers.entry(id.clone()).or_default().push(kind.to_owned());
        }
        let identity = format!(
            "{kind} {id} {} {} {}",
            f["subject"].as_str().unwrap_or(""),
            f["state"]["address"].as_str().unwrap_or(""),
            f["drift"]["attribute"].as_str().unwrap_or("")
        );
        *seen.entry(identity).or_default() += 1;
    }
    let twice: Vec<_> = leftovers.iter().filter(|(_, kinds)| kinds.len() > 1).collect();
    assert!(twice.is_empty(), "resources with more than one leftover finding: {twice:?}\n{}", out.stdout);
    let repeated: Vec<_> = seen.iter().filter(|(_, n)| **n > 1).collect();
    assert!(repeated.is_empty(), "findings repeated: {repeated:?}\n{}", out.stdout);
}

fn findings_of<'r>(report: &'r Value, id: &str) -> Vec<&'r Value> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["resource"]["id"] == id).collect()
}

/// State keys a person might choose: long, in Japanese, each a byte longer than the last so
/// that any cut by bytes falls inside a character for one of them.
fn non_ascii_key(n: usize) -> String {
    format!("チーム/{}{}/terraform.tfstate", "a".repeat(n), "ネットワーク環境".repeat(12))
}

#[tokio::test]
async fn issue_12_non_ascii_state_keys_under_a_terminal_lose_no_state() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let mut networks = Vec::new();
    for n in 0..3 {
        let net = Network::seed(&moto.seeder(), "us-east-1", &format!("10.{}", n + 1), "dev").await;
        moto.put_state(BUCKET, &non_ascii_key(n), &net.declare(TfState::new(), None, "dev")).await;
        networks.push(net);
    }
    let dir = tempfile::tempdir().unwrap();
    let report_path = dir.path().join("report.json");
    let scan = |moto: &Moto| {
        moto.leftover()
            .args(["scan", "--state", "s3://tfstate", "--region", "us-east-1", "--format", "json", "--output"])
            .arg(report_path.display().to_string())
            .run_in_terminal()
    };

    let out = scan(&moto);
    // The terminal showed progress, so the drawing code ran over these names.
    assert!(out.stdout.contains("listing"), "no progress was drawn:\n{}", out.stdout);
    assert_eq!(out.code, 0, "terminal:\n{}", out.stdout);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    assert_eq!(report["coverage"]["complete"], true);
    let mut sources: Vec<String> = report["scope"]["states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source"].as_str().unwrap().to_owned())
        .collect();
    sources.sort();
    let mut expected: Vec<String> = (0..3).map(|n| format!("s3://tfstate/{}", non_ascii_key(n))).collect();
    expected.sort();
    assert_eq!(sources, expected);
    assert_eq!(report["findings"], serde_json::json!([]), "every resource is declared");

    // A state that cannot be read, under such a name: named, and the scan is incomplete.
    let broken = "チーム/壊れた状態ファイル/terraform.tfstate";
    moto.put(BUCKET, broken, "{\"version\": 4, \"resources\": [").await;
    let out = scan(&moto);
    assert_eq!(out.code, 3, "terminal:\n{}", out.stdout);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&report_path).unwrap()).unwrap();
    assert_eq!(report["coverage"]["complete"], false);
    let gaps = report["coverage"]["gaps"].as_array().unwrap();
    assert!(gaps.iter().any(|g| g["object"].as_str().is_some_and(|o| o.ends_with(broken))), "{gaps:?}");
    for net in &networks {
        for id in [&net.vpc, &net.subnet, &net.sg, &net.instance] {
            assert!(findings_of(&report, id).is_empty(), "{id} is declared by a state that was read");
        }
    }
}

#[tokio::test]
async fn issue_12_tags_only_live_never_make_an_environment_deleted() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    // Two environments whose states record no tags: the tags are only live.
    let dev = Network::seed(&moto.seeder(), "us-east-1", "10.1", "dev").await;
    let prod = Network::seed(&moto.seeder(), "us-east-1", "10.2", "prod").await;
    moto.put_state(BUCKET, "apps/one.tfstate", &dev.declare_tagged(TfState::new(), None, None)).await;
    moto.put_state(BUCKET, "apps/two.tfstate", &prod.declare_tagged(TfState::new(), None, None)).await;

    let out =
        moto.leftover().args(["scan", "--state", "s3://tfstate", "--region", "us-east-1", "--format", "json"]).run();
    out.assert_code(0);
    assert_eq!(out.findings(), Vec::<(String, String)>::new(), "{}", out.stdout);

    // A hand-made instance tagged for qa, which nothing read declares: qa only *appears*
    // deleted. The instance is a leftover by evidence (no state declares it, it sits in a
    // managed subnet); the guess about qa is a note on that finding, not a finding of its own.
    let ec2 = moto.ec2("us-east-1").await;
    let stray = ec2
        .run_instances()
        .image_id(AMI)
        .min_count(1)
        .max_count(1)
        .subnet_id(&dev.subnet)
        .tag_specifications(tag_spec(ResourceType::Instance, &[("Environment", "qa")]))
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();
    let out =
        moto.leftover().args(["scan", "--state", "s3://tfstate", "--region", "us-east-1", "--format", "json"]).run();
    out.assert_code(1);
    assert_each_resource_reported_once(&out);
    let report = out.json();
    let found = findings_of(&report, &stray);
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert_eq!(found[0]["kind"], "blocking-dependency");
    assert_eq!(found[0]["environment"], "qa");
    let reason = found[0]["reason"].as_str().unwrap();
    assert!(reason.contains("appears deleted (inferred"), "{reason}");
    assert_eq!(out.findings().len(), 1, "only the stray instance: {}", out.stdout);
}

#[tokio::test]
async fn issue_12_an_inferred_deletion_alone_does_not_fail_the_run() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let dev = Network::seed(&moto.seeder(), "us-east-1", "10.1", "dev").await;
    moto.put_state(BUCKET, "dev/network.tfstate", &dev.declare(TfState::new(), None, "dev")).await;
    // Made by another tool (CloudFormation) and tagged for an environment no state names.
    let ec2 = moto.ec2("us-east-1").await;
    let volume = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(8)
        .tag_specifications(tag_spec(
            ResourceType::Volume,
            &[("Environment", "sandbox"), ("aws:cloudformation:stack-name", "sandbox-data")],
        ))
        .send()
        .await
        .unwrap()
        .volume_id()
        .unwrap()
        .to_owned();

    let out =
        moto.leftover().args(["scan", "--state", "s3://tfstate", "--region", "us-east-1", "--format", "json"]).run();
    // The guess is reported, as a guess, and does not fail the run by default.
    out.assert_code(0);
    let report = out.json();
    let found = findings_of(&report, &volume);
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert_eq!(found[0]["kind"], "deleted-env");
    assert_eq!(found[0]["severity"], "info");
    let reason = found[0]["reason"].as_str().unwrap();
    assert!(reason.contains("inferred") && reason.contains("decommissioned"), "says what would confirm it: {reason}");
    // Asked for by name, it fails the run.
    let out = moto
        .leftover()
        .args([
            "scan",
            "--state",
            "s3://tfstate",
            "--region",
            "us-east-1",
            "--format",
            "json",
            "--fail-on",
            "deleted-env",
        ])
        .run();
    out.assert_code(1);
}

#[tokio::test]
async fn issue_12_a_leftover_of_a_deleted_environment_in_the_way_of_a_destroy_is_reported_once() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let dev = Network::seed(&moto.seeder(), "us-east-1", "10.1", "dev").await;
    moto.put_state(BUCKET, "dev/network.tfstate", &dev.declare_tagged(TfState::new(), None, None)).await;
    // staging was destroyed: its state is empty, and instances tagged for it were left in
    // dev's subnet, where they will also block destroying that subnet.
    moto.put_state(BUCKET, "staging/app.tfstate", &TfState::new()).await;
    let ec2 = moto.ec2("us-east-1").await;
    let run = ec2
        .run_instances()
        .image_id(AMI)
        .min_count(3)
        .max_count(3)
        .subnet_id(&dev.subnet)
        .tag_specifications(tag_spec(ResourceType::Instance, &[("Environment", "staging")]))
        .send()
        .await
        .unwrap();
    let strays: Vec<String> = run.instances().iter().map(|i| i.instance_id().unwrap().to_owned()).collect();

    let out =
        moto.leftover().args(["scan", "--state", "s3://tfstate", "--region", "us-east-1", "--format", "json"]).run();
    out.assert_code(1);
    assert_each_resource_reported_once(&out);
    let report = out.json();
    for stray in &strays {
        let found = findings_of(&report, stray);
        assert_eq!(found.len(), 1, "{}", out.stdout);
        assert_eq!(found[0]["kind"], "deleted-env");
        assert_eq!(found[0]["severity"], "error");
        let reason = found[0]["reason"].as_str().unwrap();
        assert!(reason.contains("will block destroying") && reason.contains(&dev.subnet), "{reason}");
        let blocks: Vec<&Value> =
            found[0]["related"].as_array().unwrap().iter().filter(|r| r["relation"] == "blocks").collect();
        assert!(blocks.iter().any(|r| r["id"] == dev.subnet.as_str()), "carries what it blocks: {blocks:?}");
    }
}

/// A small deterministic generator, so that a failing account can be made again.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        usize::try_from(self.0 >> 33).unwrap() % n
    }
}

#[tokio::test]
async fn issue_12_a_generated_account_reports_every_stray_once_and_nothing_declared() {
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let ec2 = moto.ec2("us-east-1").await;
    let mut rng = Lcg(12);
    // Three environments: dev (states record tags), prod (tags only live), staging (its
    // state is empty: destroyed). Strays of every environment, and of one no state names,
    // land in random subnets, some in managed groups, some as loose volumes.
    let dev = Network::seed(&moto.seeder(), "us-east-1", "10.1", "dev").await;
    let prod = Network::seed(&moto.seeder(), "us-east-1", "10.2", "prod").await;
    moto.put_state(BUCKET, "dev/network.tfstate", &dev.declare(TfState::new(), None, "dev")).await;
    moto.put_state(BUCKET, "platform/prod.tfstate", &prod.declare_tagged(TfState::new(), None, None)).await;
    moto.put_state(BUCKET, "staging/app.tfstate", &TfState::new()).await;
    let networks = [&dev, &prod];
    let envs = ["dev", "prod", "staging", "qa", ""];
    let mut strays = Vec::new();
    for n in 0..10 {
        // Every environment twice; where and what at random.
        let env = envs[n % envs.len()];
        let name = format!("stray-{n}");
        let tags: Vec<(&str, &str)> =
            if env.is_empty() { vec![("Name", &name)] } else { vec![("Environment", env), ("Name", &name)] };
        let net = networks[rng.below(networks.len())];
        let id = match rng.below(3) {
            0 => {
                let mut run = ec2
                    .run_instances()
                    .image_id(AMI)
                    .min_count(1)
                    .max_count(1)
                    .subnet_id(&net.subnet)
                    .tag_specifications(tag_spec(ResourceType::Instance, &tags));
                if rng.below(2) == 0 {
                    run = run.security_group_ids(&net.sg);
                }
                run.send().await.unwrap().instances()[0].instance_id().unwrap().to_owned()
            }
            1 => {
                let create = ec2.create_volume().availability_zone("us-east-1a").size(8);
                create
                    .tag_specifications(tag_spec(ResourceType::Volume, &tags))
                    .send()
                    .await
                    .unwrap()
                    .volume_id()
                    .unwrap()
                    .to_owned()
            }
            _ => {
                let create = ec2.create_security_group().group_name(&name).description("by hand").vpc_id(&net.vpc);
                let create = create.tag_specifications(tag_spec(ResourceType::SecurityGroup, &tags));
                create.send().await.unwrap().group_id().unwrap().to_owned()
            }
        };
        strays.push((id, env));
    }

    let out =
        moto.leftover().args(["scan", "--state", "s3://tfstate", "--region", "us-east-1", "--format", "json"]).run();
    out.assert_code(1);
    assert_each_resource_reported_once(&out);
    let report = out.json();
    for (stray, env) in &strays {
        let leftover: Vec<&Value> = findings_of(&report, stray)
            .into_iter()
            .filter(|f| LEFTOVER_KINDS.contains(&f["kind"].as_str().unwrap()))
            .collect();
        assert_eq!(leftover.len(), 1, "{stray} (tagged {env:?}) is one leftover: {}", out.stdout);
        // Only staging is deleted on evidence; dev and prod are alive (prod by live tags).
        let expected_deleted = *env == "staging";
        assert_eq!(leftover[0]["kind"] == "deleted-env", expected_deleted, "{stray} ({env}): {}", leftover[0]);
    }
    for net in networks {
        for id in [&net.vpc, &net.subnet, &net.sg, &net.instance, &net.root_volume, &net.primary_eni] {
            let leftover: Vec<&Value> = findings_of(&report, id)
                .into_iter()
                .filter(|f| LEFTOVER_KINDS.contains(&f["kind"].as_str().unwrap()))
                .collect();
            assert!(leftover.is_empty(), "{id} is declared: {leftover:?}");
        }
    }
}

/// The largest EC2 answers are read lean, to what the inventory reads, instead of by the
/// SDK's deserializer (`aws::lean`): every field of every resource must read the same as
/// from the SDK's, for instances, network interfaces (attached and not, with a
/// description), volumes (attached and loose, from a snapshot) and snapshots.
#[tokio::test]
async fn issue_16_lean_answers_list_what_whole_answers_list() {
    let moto = Moto::start();
    let region = "us-east-1";
    let net = Network::seed(&moto.seeder(), region, "10.1", "dev").await;
    let ec2 = moto.seeder().ec2(region).await;
    let volume = ec2
        .create_volume()
        .availability_zone("us-east-1a")
        .size(8)
        .tag_specifications(tag_spec(ResourceType::Volume, &[("Name", "data"), ("env", "dev")]))
        .send()
        .await
        .unwrap()
        .volume_id
        .unwrap();
    let snapshot = ec2
        .create_snapshot()
        .volume_id(&volume)
        .description("nightly")
        .tag_specifications(tag_spec(ResourceType::Snapshot, &[("env", "dev")]))
        .send()
        .await
        .unwrap()
        .snapshot_id
        .unwrap();
    ec2.create_volume().availability_zone("us-east-1a").snapshot_id(&snapshot).send().await.unwrap();
    ec2.create_network_interface()
        .subnet_id(&net.subnet)
        .description("loose interface")
        .groups(&net.default_sg)
        .send()
        .await
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    let list = |name: &str, whole: bool| {
        let path = dir.path().join(name);
        let mut leftover = moto.leftover().env("LEFTOVER_LOG", "leftover=trace");
        if whole {
            leftover = leftover.env("LEFTOVER_WHOLE_ANSWERS", "1");
        }
        let out = leftover.args(["inventory", "--region", region, "--output", path.to_str().unwrap()]).run();
        out.assert_code(0);
        let saved: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        (saved["resources"].clone(), out.stderr)
    };
    let (lean, lean_log) = list("lean.json", false);
    let (whole, whole_log) = list("whole.json", true);
    for operation in ["DescribeInstances", "DescribeNetworkInterfaces", "DescribeVolumes", "DescribeSnapshots"] {
        assert!(
            lean_log.lines().any(|l| l.contains("answer read lean") && l.contains(operation)),
            "{operation} was not read lean:\n{lean_log}"
        );
    }
    assert!(!whole_log.contains("answer read lean"), "{whole_log}");
    let kinds = |resources: &Value| {
        let mut kinds: Vec<String> =
            resources.as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap().to_owned()).collect();
        kinds.dedup();
        kinds
    };
    for kind in ["ec2:instance", "ec2:network-interface", "ec2:volume", "ec2:snapshot"] {
        assert!(kinds(&whole).iter().any(|k| k == kind), "no {kind} listed: {whole:#}");
    }
    assert_eq!(lean, whole);
}
