//! workload: generated inventories and states for the benchmarks, shaped like a real
//! account: units of a VPC, a subnet, a security group, an instance and its volume, tagged
//! with one of twenty environments. Declared units are shifted by a tenth against the live
//! ones, so a tenth of what is live is unmanaged and a tenth of what is declared is missing;
//! the rest matches, tags and checked attributes included.
#![allow(dead_code, clippy::missing_panics_doc, clippy::unwrap_used, clippy::expect_used)]

use std::fmt::Write as _;
use std::io::Write;

use leftover::inventory::{Inventory, LiveResource, RelationKind};
use leftover::state::parse::{self, ParseOptions, Parsed};
use leftover::state::{StateFile, StateSet};
use serde_json::json;

pub const ACCOUNT: &str = "123456789012";
pub const REGION: &str = "us-east-1";
/// Resources in one unit.
pub const PER_UNIT: usize = 5;

fn ids(unit: usize) -> [String; 5] {
    [
        format!("vpc-{unit:017x}"),
        format!("subnet-{unit:017x}"),
        format!("sg-{unit:017x}"),
        format!("i-{unit:017x}"),
        format!("vol-{unit:017x}"),
    ]
}

/// States the declared units are spread over (`states(_, FILES)` in the benchmarks).
pub const FILES: usize = 20;

/// The environment of a unit: that of the state declaring it (`envNN`, from its key), or
/// `env00` for the live-only units before the declared ones.
fn env_of(unit: usize, units: usize) -> String {
    let shift = units / 10;
    let per_file = units.div_ceil(FILES);
    format!("env{:02}", (unit.saturating_sub(shift) / per_file.max(1)).min(FILES - 1))
}

/// About `resources` live resources (whole units).
pub fn inventory(resources: usize) -> Inventory {
    let units = resources.div_ceil(PER_UNIT);
    let mut inv = Inventory::new("2026-11-25T02:00:00Z".into(), vec![ACCOUNT.into()], vec![REGION.into()]);
    inv.resources.reserve(units * PER_UNIT);
    for unit in 0..units {
        let [vpc, subnet, sg, instance, volume] = ids(unit);
        let env = env_of(unit, units);
        let tagged = |mut r: LiveResource| {
            r.tags.insert("Environment".into(), env.clone());
            r.tags.insert("Name".into(), format!("unit-{unit}"));
            r
        };
        let mut vpc_r = tagged(LiveResource::new("ec2:vpc", &vpc, ACCOUNT, REGION));
        vpc_r.set_attr("cidr_block", "10.0.0.0/16");
        vpc_r.set_attr("is_default", false);
        let mut subnet_r = tagged(LiveResource::new("ec2:subnet", &subnet, ACCOUNT, REGION));
        subnet_r.relate(RelationKind::InVpc, "ec2:vpc", Some(&vpc));
        let mut sg_r = tagged(LiveResource::new("ec2:security-group", &sg, ACCOUNT, REGION));
        sg_r.relate(RelationKind::InVpc, "ec2:vpc", Some(&vpc));
        sg_r.set_attr("group_name", format!("app-{unit}"));
        let mut instance_r = tagged(LiveResource::new("ec2:instance", &instance, ACCOUNT, REGION));
        instance_r.status = Some("running".into());
        instance_r.relate(RelationKind::InSubnet, "ec2:subnet", Some(&subnet));
        instance_r.relate(RelationKind::InVpc, "ec2:vpc", Some(&vpc));
        instance_r.relate(RelationKind::UsesSecurityGroup, "ec2:security-group", Some(&sg));
        instance_r.set_attr("instance_type", "t3.micro");
        let mut volume_r = tagged(LiveResource::new("ec2:volume", &volume, ACCOUNT, REGION));
        volume_r.status = Some("in-use".into());
        volume_r.relate(RelationKind::AttachedTo, "ec2:instance", Some(&instance));
        inv.resources.extend([vpc_r, subnet_r, sg_r, instance_r, volume_r]);
    }
    inv.normalize();
    inv
}

fn arn(kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{id}")
}

/// One unit as Terraform declares it, with attributes of realistic size.
fn declare_unit(out: &mut Vec<serde_json::Value>, unit: usize, units: usize) {
    let [vpc, subnet, sg, instance, volume] = ids(unit);
    let env = env_of(unit, units);
    let tags = json!({"Environment": env, "Name": format!("unit-{unit}")});
    let resource = |tf_type: &str, name: &str, attributes: serde_json::Value| {
        json!({
            "mode": "managed", "type": tf_type, "name": name, "module": format!("module.unit_{unit}"),
            "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
            "instances": [{"schema_version": 1, "attributes": attributes, "sensitive_attributes": [],
                           "private": "eyJzY2hlbWFfdmVyc2lvbiI6IjEifQ=="}]
        })
    };
    out.push(resource(
        "aws_vpc",
        "main",
        json!({"id": vpc, "arn": arn("vpc", &vpc), "cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true,
               "enable_dns_support": true, "instance_tenancy": "default", "owner_id": ACCOUNT,
               "tags": tags, "tags_all": tags}),
    ));
    out.push(resource(
        "aws_subnet",
        "app",
        json!({"id": subnet, "arn": arn("subnet", &subnet), "vpc_id": vpc, "cidr_block": "10.0.1.0/24",
               "availability_zone": "us-east-1a", "map_public_ip_on_launch": false, "owner_id": ACCOUNT,
               "tags": tags, "tags_all": tags}),
    ));
    out.push(resource(
        "aws_security_group",
        "app",
        json!({"id": sg, "arn": arn("security-group", &sg), "vpc_id": vpc, "name": format!("app-{unit}"),
               "description": "application servers", "owner_id": ACCOUNT, "revoke_rules_on_delete": false,
               "ingress": [], "egress": [],
               "tags": tags, "tags_all": tags}),
    ));
    out.push(resource(
        "aws_instance",
        "app",
        json!({"id": instance, "arn": arn("instance", &instance), "ami": "ami-12c6146b",
               "instance_type": "t3.micro", "subnet_id": subnet, "vpc_security_group_ids": [sg],
               "availability_zone": "us-east-1a", "private_ip": "10.0.1.10", "instance_state": "running",
               "user_data": "c2V0IC1ldQphcHQtZ2V0IHVwZGF0ZQphcHQtZ2V0IGluc3RhbGwgLXkgbmdpbngK",
               "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required",
                                     "http_put_response_hop_limit": 2, "instance_metadata_tags": "disabled"}],
               "credit_specification": [{"cpu_credits": "unlimited"}],
               "root_block_device": [{"delete_on_termination": true, "device_name": "/dev/xvda",
                                      "encrypted": true, "iops": 3000, "throughput": 125,
                                      "volume_size": 8, "volume_type": "gp3"}],
               "tags": tags, "tags_all": tags}),
    ));
    out.push(resource(
        "aws_ebs_volume",
        "data",
        json!({"id": volume, "arn": arn("volume", &volume), "availability_zone": "us-east-1a", "size": 20,
               "type": "gp3", "encrypted": true, "iops": 3000, "throughput": 125, "tags": tags, "tags_all": tags}),
    ));
}

/// A state declaring units `first..first + units` (of `total` live units), written to
/// `out`; returns bytes written.
pub fn write_state(out: &mut impl Write, first: usize, units: usize, total: usize) -> usize {
    let mut written = 0;
    let head = format!(
        "{{\"version\": 4, \"terraform_version\": \"1.9.8\", \"serial\": 42, \"lineage\": \"bench-{first}\", \
         \"outputs\": {{}}, \"resources\": ["
    );
    out.write_all(head.as_bytes()).expect("write");
    written += head.len();
    let mut batch = Vec::with_capacity(PER_UNIT);
    for unit in first..first + units {
        batch.clear();
        declare_unit(&mut batch, unit, total);
        for (n, resource) in batch.iter().enumerate() {
            let mut text = String::new();
            if unit != first || n != 0 {
                text.push_str(",\n");
            }
            write!(text, "{resource}").expect("fmt");
            out.write_all(text.as_bytes()).expect("write");
            written += text.len();
        }
    }
    out.write_all(b"]}\n").expect("write");
    written + 3
}

/// A state of at least `bytes` bytes, in memory.
pub fn state_of_size(bytes: usize) -> Vec<u8> {
    let mut sample = Vec::new();
    let per_unit = write_state(&mut sample, 0, 10, 10) / 10;
    let units = bytes.div_ceil(per_unit) + 1;
    let mut out = Vec::with_capacity(units * per_unit + 1024);
    write_state(&mut out, 0, units, units);
    out
}

/// Parses a state held in memory.
pub fn parse_state(name: &str, text: &[u8]) -> StateFile {
    match parse::parse(name, text, &ParseOptions::default()).expect("generated states parse") {
        Parsed::State(file) => file,
        Parsed::NotState => panic!("generated state not recognised"),
    }
}

/// About `resources` declared resources over `files` states, shifted a tenth against
/// the live units of `inventory(resources)`.
pub fn states(resources: usize, files: usize) -> StateSet {
    let units = resources.div_ceil(PER_UNIT);
    let shift = units / 10;
    let per_file = units.div_ceil(files.max(1));
    assert_eq!(files, FILES, "the environments of the live units follow FILES states");
    let mut set = StateSet::default();
    let mut first = shift;
    while first < shift + units {
        let count = per_file.min(shift + units - first);
        let mut text = Vec::new();
        write_state(&mut text, first, count, units);
        let name = format!("s3://bench-tfstate/env{:02}/terraform.tfstate", set.files.len());
        set.files.push(parse_state(&name, &text));
        first += count;
    }
    set
}

/// Peak and current resident set size of this process, in MiB (Linux `/proc`).
pub fn rss_mib() -> (f64, f64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next())
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(0.0, |kb| kb / 1024.0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}
