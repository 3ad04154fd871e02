//! `leftover plan adopt` (issue 13): Terraform import blocks for what no state declares,
//! one file per state the resources sit in. On the emulator, with the incident's account
//! and, for the adoption tests, a few resources made by hand in dev and in the shared VPC.
//! The files are parsed with the crate that wrote them and with `python-hcl2`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use aws_sdk_ec2::types::{InstanceType, IpPermission, IpRange, ResourceType, VolumeType};
use hcl_edit::structure::Body;
use serde_json::Value;

use crate::support::incident::{self, BUCKET, Incident, REGION};
use crate::support::{AMI, Leftover, Moto, Output, tag_spec};

const POLICY: &str = "policies/demo.toml";

/// Kinds leftover cannot import (listed as comments): everything else it reports has a block.
const NOT_IMPORTABLE: [&str; 2] = ["elasticache:snapshot", "sqs:queue"];

/// What was made by hand on top of the incident.
struct HandMade {
    debug_boxes: Vec<String>,
    debug_volume: String,
    scratch_volume: String,
    shared_gateway: String,
    ssh_rule: String,
}

/// Made by hand: two instances named `débug box` in dev's subnet, a volume attached to one
/// of them, an unattached volume nothing places, an internet gateway in the shared VPC with
/// a default route to it in the shared (managed) route table, and an SSH rule added to the
/// shared Redis group.
async fn hand_made(moto: &Moto, seeded: &Incident) -> HandMade {
    let ec2 = moto.ec2(REGION).await;
    let run = ec2
        .run_instances()
        .image_id(AMI)
        .min_count(2)
        .max_count(2)
        .instance_type(InstanceType::T3Micro)
        .subnet_id(&seeded.dev_subnets[0])
        .tag_specifications(tag_spec(ResourceType::Instance, &[("Environment", "dev"), ("Name", "débug box")]))
        .send()
        .await
        .unwrap();
    let mut debug_boxes: Vec<String> = run.instances().iter().map(|i| i.instance_id().unwrap().to_owned()).collect();
    debug_boxes.sort();
    let volume = |name: &'static str, env: Option<&'static str>| {
        let ec2 = ec2.clone();
        async move {
            let mut tags = vec![("Name", name)];
            if let Some(env) = env {
                tags.push(("Environment", env));
            }
            ec2.create_volume()
                .availability_zone(format!("{REGION}a"))
                .size(20)
                .volume_type(VolumeType::Gp3)
                .tag_specifications(tag_spec(ResourceType::Volume, &tags))
                .send()
                .await
                .unwrap()
                .volume_id
                .unwrap()
        }
    };
    let debug_volume = volume("debug-data", Some("dev")).await;
    ec2.attach_volume().volume_id(&debug_volume).instance_id(&debug_boxes[0]).device("/dev/sdh").send().await.unwrap();
    let scratch_volume = volume("scratch", None).await;
    let shared_gateway = ec2
        .create_internet_gateway()
        .tag_specifications(tag_spec(ResourceType::InternetGateway, &[("Environment", "shared")]))
        .send()
        .await
        .unwrap()
        .internet_gateway
        .unwrap()
        .internet_gateway_id
        .unwrap();
    ec2.attach_internet_gateway().internet_gateway_id(&shared_gateway).vpc_id(&seeded.shared_vpc).send().await.unwrap();
    ec2.create_route()
        .route_table_id(&seeded.shared_route_table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&shared_gateway)
        .send()
        .await
        .unwrap();
    let rules = ec2
        .authorize_security_group_ingress()
        .group_id(&seeded.redis_sg)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(IpRange::builder().cidr_ip("10.9.0.0/16").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let ssh_rule = rules.security_group_rules()[0].security_group_rule_id().unwrap().to_owned();
    HandMade { debug_boxes, debug_volume, scratch_volume, shared_gateway, ssh_rule }
}

fn leftover(moto: &Moto, command: &[&str]) -> Leftover {
    moto.leftover().args(command.iter().copied()).args(["--state", &format!("s3://{BUCKET}"), "--policy", POLICY])
}

/// `plan adopt --output DIR` and the files it wrote, by name.
fn adopt(moto: &Moto, dir: &Path, extra: &[&str]) -> (Output, BTreeMap<String, String>) {
    let out = leftover(moto, &["plan", "adopt", "--output", dir.to_str().unwrap()]).args(extra.iter().copied()).run();
    (out, files(dir))
}

fn files(dir: &Path) -> BTreeMap<String, String> {
    let Ok(entries) = std::fs::read_dir(dir) else { return BTreeMap::new() };
    entries
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_str().unwrap().to_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

/// The import blocks of a file as `hcl-edit` reads them: (`to`, `id`), in order.
fn blocks(name: &str, text: &str) -> Vec<(String, String)> {
    let body: Body = text.parse().unwrap_or_else(|e| panic!("{name} does not parse: {e}\n{text}"));
    assert_eq!(body.to_string(), text, "{name} round-trips through the parser unchanged");
    body.blocks()
        .map(|b| {
            assert!(b.has_ident("import"), "{name}: only import blocks: {text}");
            let to = b.body.get_attribute("to").unwrap().value.to_string().trim().to_owned();
            let id = b.body.get_attribute("id").unwrap().value.as_str().unwrap().to_owned();
            (to, id)
        })
        .collect()
}

/// The python with `python-hcl2`: `$LEFTOVER_HCL2_PYTHON` (scripts/test sets it), else the
/// test environment's.
fn hcl2_python() -> String {
    let python = std::env::var("LEFTOVER_HCL2_PYTHON")
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python").display().to_string());
    let check = std::process::Command::new(&python).args(["-c", "import hcl2"]).output();
    assert!(
        check.is_ok_and(|o| o.status.success()),
        "python-hcl2 is not installed for {python}: run scripts/test (it installs the pinned python-hcl2 from \
         tests/requirements/hcl2.txt), or set LEFTOVER_HCL2_PYTHON to a python that has it"
    );
    python
}

/// The import blocks of every file as `python-hcl2` reads them: file → [(`to`, `id`)].
fn blocks_by_python(dir: &Path) -> BTreeMap<String, Vec<(String, String)>> {
    const SCRIPT: &str = r#"
import json, os, sys, hcl2
out = {}
for name in sorted(os.listdir(sys.argv[1])):
    with open(os.path.join(sys.argv[1], name)) as f:
        parsed = hcl2.load(f)
    out[name] = [[b["to"], b["id"]] for b in parsed.get("import", [])]
print(json.dumps(out))
"#;
    let out = std::process::Command::new(hcl2_python()).args(["-c", SCRIPT, dir.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "python-hcl2 could not parse the plan: {}", String::from_utf8_lossy(&out.stderr));
    let parsed: BTreeMap<String, Vec<(String, String)>> = serde_json::from_slice(&out.stdout).unwrap();
    // python-hcl2 keeps an expression's `${…}` and a string's quotes.
    parsed
        .into_iter()
        .map(|(name, blocks)| {
            let blocks = blocks
                .into_iter()
                .map(|(to, id)| {
                    let to = to.strip_prefix("${").and_then(|t| t.strip_suffix('}')).unwrap_or(&to).to_owned();
                    let id = id.strip_prefix('"').and_then(|i| i.strip_suffix('"')).unwrap_or(&id).to_owned();
                    (to, id)
                })
                .collect();
            (name, blocks)
        })
        .collect()
}

fn scan_json(moto: &Moto) -> Value {
    leftover(moto, &["scan", "--format", "json"]).run().json()
}

#[tokio::test]
async fn issue_13_plan_adopt_imports_every_unmanaged_resource_once_into_the_state_it_sits_in() {
    let moto = Moto::start();
    let seeded = incident::seed(&moto.seeder()).await;
    let made = hand_made(&moto, &seeded).await;
    let dir = tempfile::tempdir().unwrap();
    let (out, files) = adopt(&moto, dir.path(), &[]);
    out.assert_code(0);
    eprintln!("{}", out.stderr);
    let parsed: BTreeMap<&str, Vec<(String, String)>> =
        files.iter().map(|(name, text)| (name.as_str(), blocks(name, text))).collect();
    // Both parsers read the same blocks.
    let by_python = blocks_by_python(dir.path());
    for (name, blocks) in &parsed {
        assert_eq!(by_python.get(*name), Some(blocks), "{name}: python-hcl2 reads what hcl-edit reads");
    }
    // Names are unique per file.
    for (name, blocks) in &parsed {
        let to: BTreeSet<&str> = blocks.iter().map(|(to, _)| to.as_str()).collect();
        assert_eq!(to.len(), blocks.len(), "{name}: an address twice: {blocks:?}");
    }
    let ids_in = |file: &str| -> Vec<&str> {
        parsed.get(file).unwrap_or_else(|| panic!("no {file}: {files:?}")).iter().map(|(_, id)| id.as_str()).collect()
    };
    let all: Vec<&str> = parsed.values().flatten().map(|(_, id)| id.as_str()).collect();
    // Every unmanaged resource the scan reports, of a kind with an import, has exactly one
    // block with its id; those without are listed as comments.
    let report = scan_json(&moto);
    let text: String = files.values().cloned().collect();
    for f in report["findings"].as_array().unwrap() {
        let (kind, id) = (f["resource"]["kind"].as_str().unwrap(), f["resource"]["id"].as_str().unwrap());
        let adoptable = f["kind"] == "unmanaged"
            || f["kind"] == "blocking-dependency" && f["reason"].as_str().unwrap().starts_with("no state declares it");
        if !adoptable {
            assert!(!all.contains(&id), "{id} ({}) is not for adoption: {all:?}", f["kind"]);
        } else if NOT_IMPORTABLE.contains(&kind) {
            assert!(!all.contains(&id) && text.contains(&format!("# {kind} {id}: ")), "{kind} {id} listed: {text}");
        } else {
            assert_eq!(all.iter().filter(|i| **i == id).count(), 1, "one block for {kind} {id}: {all:?}");
        }
    }
    // Each goes to the state of what it sits in: dev's subnet, the shared VPC and group.
    let dev = ids_in("dev-platform.tf");
    for id in made.debug_boxes.iter().chain([&made.debug_volume]) {
        assert!(dev.contains(&id.as_str()), "{id} in dev-platform.tf: {dev:?}");
    }
    assert!(dev.contains(&format!("/dev/sdh:{}:{}", made.debug_volume, made.debug_boxes[0]).as_str()), "{dev:?}");
    let shared = ids_in("shared-redis.tf");
    assert!(shared.contains(&made.shared_gateway.as_str()), "{shared:?}");
    assert!(shared.contains(&made.ssh_rule.as_str()), "the rule by its sgr- id: {shared:?}");
    assert!(shared.contains(&format!("{}_0.0.0.0/0", seeded.shared_route_table).as_str()), "{shared:?}");
    assert!(ids_in("unassigned.tf").contains(&made.scratch_volume.as_str()));
    // The two `débug box` instances: one name made ASCII, made unique.
    let boxes: BTreeSet<&str> = parsed["dev-platform.tf"]
        .iter()
        .filter(|(_, id)| made.debug_boxes.contains(id))
        .map(|(to, _)| to.as_str())
        .collect();
    assert_eq!(boxes, BTreeSet::from(["aws_instance.debug_box", "aws_instance.debug_box_2"]));
    // The staging leftovers are for `plan cleanup`, not for adoption.
    assert!(!all.contains(&seeded.staging_instance.as_str()) && !all.contains(&seeded.staging_vpc.as_str()));

    // `--env dev`: only dev's.
    let env_dir = tempfile::tempdir().unwrap();
    let (out, env_files) = adopt(&moto, env_dir.path(), &["--env", "dev"]);
    out.assert_code(0);
    let names: Vec<&str> = env_files.keys().map(String::as_str).collect();
    assert_eq!(names, ["dev-platform.tf"], "{env_files:?}");
}

#[test]
fn issue_13_an_incomplete_scan_writes_no_plan_unless_allowed() {
    let dir = tempfile::tempdir().unwrap();
    let mut inventory: Value =
        serde_json::from_str(&std::fs::read_to_string("tests/fixtures/incident/inventory.json").unwrap()).unwrap();
    inventory["gaps"] = serde_json::json!([{
        "service": "ec2", "account": "123456789012", "region": "us-east-1",
        "operation": "DescribeVolumes", "error": "AccessDenied: not authorized",
        "cause": "denied", "kinds": ["ec2:volume"]
    }]);
    let saved = dir.path().join("incomplete.json");
    std::fs::write(&saved, serde_json::to_string(&inventory).unwrap()).unwrap();
    let plan = |out: &Path, extra: &[&str]| {
        Leftover::new()
            .args([
                "plan",
                "adopt",
                "--inventory",
                saved.to_str().unwrap(),
                "--state",
                "tests/fixtures/incident/states",
            ])
            .args(["--output", out.to_str().unwrap()])
            .args(extra.iter().copied())
            .run()
    };
    let refused = dir.path().join("refused");
    let out = plan(&refused, &[]);
    out.assert_code(3);
    assert!(out.stderr.contains("no plan written") && out.stderr.contains("DescribeVolumes"), "{}", out.stderr);
    assert!(files(&refused).is_empty(), "no file is written");
    let allowed = dir.path().join("allowed");
    let out = plan(&allowed, &["--allow-incomplete"]);
    out.assert_code(3);
    let written = files(&allowed);
    assert!(!written.is_empty(), "{}", out.stderr);
    for (name, text) in &written {
        assert!(text.contains("# INCOMPLETE: the scan had 1 coverage gap"), "{name} says it is partial: {text}");
        blocks(name, text);
    }
}

/// The adopt plan of the demo's account (the incident as `scripts/demo` seeds it): nothing
/// to adopt there (its leftovers are a deleted environment's); with the resources made by
/// hand added, the plan, with the ids the emulator makes up hidden.
#[tokio::test]
async fn issue_13_the_demos_adopt_plan() {
    let moto = Moto::start();
    let seeded = incident::seed(&moto.seeder()).await;
    let dir = tempfile::tempdir().unwrap();
    let (out, files) = adopt(&moto, dir.path(), &[]);
    out.assert_code(0);
    assert!(files.is_empty(), "the demo's leftovers are staging's, for plan cleanup: {files:?}");
    assert!(out.stderr.contains("0 import block(s) in 0 file(s)"), "{}", out.stderr);

    let made = hand_made(&moto, &seeded).await;
    let (out, files) = adopt(&moto, dir.path(), &[]);
    out.assert_code(0);
    let mut text = String::new();
    for (name, body) in &files {
        text.push_str(&format!("==> {name} <==\n{body}\n"));
    }
    // Known ids by role, the rest by their prefix.
    let known = [
        (&seeded.dev_vpc, "vpc-DEV"),
        (&seeded.shared_vpc, "vpc-SHARED"),
        (&seeded.dev_subnets[0], "subnet-DEV-A"),
        (&seeded.dev_subnets[1], "subnet-DEV-B"),
        (&seeded.shared_subnet, "subnet-SHARED-A"),
        (&seeded.shared_route_table, "rtb-SHARED"),
        (&seeded.redis_sg, "sg-REDIS"),
        (&seeded.dev_node_sg, "sg-DEV-NODES"),
        (&made.debug_volume, "vol-DEBUG"),
        (&made.scratch_volume, "vol-SCRATCH"),
        (&made.shared_gateway, "igw-SHARED"),
        (&made.ssh_rule, "sgr-SSH"),
    ];
    for (id, name) in known {
        text = text.replace(id.as_str(), name);
    }
    let mut settings = insta::Settings::clone_current();
    settings
        .add_filter(r"\b(vpc|subnet|sg|sgr|i|vol|eni|rtb|igw|eipalloc|nat|acl|pcx|snap|lt)-[0-9a-f]{8,17}", "$1-[ID]");
    settings.set_snapshot_path("snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("incident_adopt_plan", text));
}
