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

/// How a generated state is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One line per resource, no indentation: the densest text for the same resources.
    Compact,
    /// As Terraform writes a state (`json.MarshalIndent` with two spaces, as the S3
    /// backend stores it and `terraform state pull` prints it): one member per line.
    Terraform,
}

impl Layout {
    pub fn parse(name: &str) -> Self {
        match name {
            "compact" => Self::Compact,
            "terraform" => Self::Terraform,
            other => panic!("unknown layout {other:?} (compact or terraform)"),
        }
    }
}

/// A state declaring units `first..first + units` (of `total` live units), written to
/// `out` in one line per resource; returns bytes written.
pub fn write_state(out: &mut impl Write, first: usize, units: usize, total: usize) -> usize {
    write_state_in(out, first, units, total, Layout::Compact)
}

/// `write_state` in a chosen layout.
pub fn write_state_in(out: &mut impl Write, first: usize, units: usize, total: usize, layout: Layout) -> usize {
    let mut written = 0;
    let head = match layout {
        Layout::Compact => format!(
            "{{\"version\": 4, \"terraform_version\": \"1.9.8\", \"serial\": 42, \"lineage\": \"bench-{first}\", \
             \"outputs\": {{}}, \"resources\": ["
        ),
        Layout::Terraform => format!(
            "{{\n  \"version\": 4,\n  \"terraform_version\": \"1.9.8\",\n  \"serial\": 42,\n  \"lineage\": \
             \"bench-{first}\",\n  \"outputs\": {{}},\n  \"resources\": [\n"
        ),
    };
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
            match layout {
                Layout::Compact => write!(text, "{resource}").expect("fmt"),
                Layout::Terraform => {
                    let pretty = serde_json::to_string_pretty(resource).expect("json");
                    for (i, line) in pretty.lines().enumerate() {
                        if i > 0 {
                            text.push('\n');
                        }
                        text.push_str("    ");
                        text.push_str(line);
                    }
                }
            }
            out.write_all(text.as_bytes()).expect("write");
            written += text.len();
        }
    }
    let tail = if layout == Layout::Compact { "]}\n" } else { "\n  ],\n  \"check_results\": null\n}\n" };
    out.write_all(tail.as_bytes()).expect("write");
    written + tail.len()
}

/// A state of at least `bytes` bytes, in memory, in a chosen layout.
pub fn state_of_size_in(bytes: usize, layout: Layout) -> Vec<u8> {
    let mut sample = Vec::new();
    let per_unit = write_state_in(&mut sample, 0, 10, 10, layout) / 10;
    let units = bytes.div_ceil(per_unit) + 1;
    let mut out = Vec::with_capacity(units * per_unit + 1024);
    write_state_in(&mut out, 0, units, units, layout);
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

/// The shape of a generated account for the end-to-end scale runs (`bench_memory
/// write-account`, `scripts/bench scale`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// The unmanaged security groups and volumes spread over every VPC.
    Spread,
    /// Every unmanaged security group in one VPC: tens of thousands of leftovers blocking
    /// the same resource.
    OneVpc,
}

impl Shape {
    pub fn parse(name: &str) -> Self {
        match name {
            "spread" => Self::Spread,
            "one-vpc" => Self::OneVpc,
            other => panic!("unknown shape {other:?} (spread or one-vpc)"),
        }
    }
}

/// Live resources per state of a generated account: 1,000,000 live make 2,000 states.
pub const LIVE_PER_STATE: usize = 500;
/// Live resources per VPC of a generated account.
pub const LIVE_PER_VPC: usize = 4_000;

/// The plan of a generated account of about `live` resources: 3/4 declared (VPCs, then
/// units of a subnet, a security group, an instance and its data volume), spread over
/// `live / 500` states, 1/4 unmanaged security groups and volumes in the same VPCs.
#[derive(Clone, Copy, Debug)]
pub struct Account {
    pub shape: Shape,
    pub vpcs: usize,
    pub units: usize,
    pub unmanaged: usize,
    pub states: usize,
}

impl Account {
    pub fn new(live: usize, shape: Shape) -> Self {
        let vpcs = (live / LIVE_PER_VPC).max(1);
        let declared = live * 3 / 4;
        let units = declared.saturating_sub(vpcs) / 4;
        let unmanaged = live - vpcs - units * 4;
        Self { shape, vpcs, units, unmanaged, states: (live / LIVE_PER_STATE).max(1) }
    }

    fn vpc_of_unit(&self, unit: usize) -> usize {
        unit * self.vpcs / self.units.max(1)
    }

    fn state_of_unit(&self, unit: usize) -> usize {
        unit * self.states / self.units.max(1)
    }

    fn ids(unit: usize) -> [String; 4] {
        [format!("subnet-{unit:017x}"), format!("sg-{unit:017x}"), format!("i-{unit:017x}"), format!("vol-{unit:017x}")]
    }

    /// The live side, as `leftover inventory --output` would save it.
    pub fn inventory(&self) -> Inventory {
        let mut inv = Inventory::new("2026-11-25T02:00:00Z".into(), vec![ACCOUNT.into()], vec![REGION.into()]);
        inv.resources.reserve(self.vpcs + self.units * 4 + self.unmanaged);
        let named = |mut r: LiveResource, name: String| {
            r.tags.insert("Name".into(), name);
            r
        };
        for v in 0..self.vpcs {
            let mut vpc =
                named(LiveResource::new("ec2:vpc", format!("vpc-{v:017x}"), ACCOUNT, REGION), format!("vpc-{v}"));
            vpc.set_attr("cidr_block", "10.0.0.0/16");
            vpc.set_attr("is_default", false);
            inv.resources.push(vpc);
        }
        for unit in 0..self.units {
            let [subnet, sg, instance, volume] = Self::ids(unit);
            let vpc = format!("vpc-{:017x}", self.vpc_of_unit(unit));
            let name = format!("unit-{unit}");
            let mut subnet_r = named(LiveResource::new("ec2:subnet", &subnet, ACCOUNT, REGION), name.clone());
            subnet_r.relate(RelationKind::InVpc, "ec2:vpc", Some(&vpc));
            let mut sg_r = named(LiveResource::new("ec2:security-group", &sg, ACCOUNT, REGION), name.clone());
            sg_r.relate(RelationKind::InVpc, "ec2:vpc", Some(&vpc));
            sg_r.set_attr("group_name", name.clone());
            let mut instance_r = named(LiveResource::new("ec2:instance", &instance, ACCOUNT, REGION), name.clone());
            instance_r.status = Some("running".into());
            instance_r.relate(RelationKind::InSubnet, "ec2:subnet", Some(&subnet));
            instance_r.relate(RelationKind::InVpc, "ec2:vpc", Some(&vpc));
            instance_r.relate(RelationKind::UsesSecurityGroup, "ec2:security-group", Some(&sg));
            instance_r.set_attr("instance_type", "t3.micro");
            let mut volume_r = named(LiveResource::new("ec2:volume", &volume, ACCOUNT, REGION), name);
            volume_r.status = Some("in-use".into());
            volume_r.relate(RelationKind::AttachedTo, "ec2:instance", Some(&instance));
            inv.resources.extend([subnet_r, sg_r, instance_r, volume_r]);
        }
        let groups = self.unmanaged.div_ceil(2);
        for k in 0..self.unmanaged {
            // Even: a hand-made security group in a VPC; odd: a hand-made volume attached
            // to a declared instance of the same VPCs.
            if k % 2 == 0 {
                let v = match self.shape {
                    Shape::Spread => (k / 2) * self.vpcs / groups.max(1),
                    Shape::OneVpc => 0,
                };
                let id = format!("sg-f{k:016x}");
                let mut sg =
                    named(LiveResource::new("ec2:security-group", &id, ACCOUNT, REGION), format!("manual-{k}"));
                sg.relate(RelationKind::InVpc, "ec2:vpc", Some(&format!("vpc-{v:017x}")));
                sg.set_attr("group_name", format!("manual-{k}"));
                inv.resources.push(sg);
            } else {
                let id = format!("vol-f{k:016x}");
                let mut volume = named(LiveResource::new("ec2:volume", &id, ACCOUNT, REGION), format!("manual-{k}"));
                if self.units > 0 {
                    let unit = k * self.units / self.unmanaged;
                    volume.status = Some("in-use".into());
                    volume.relate(RelationKind::AttachedTo, "ec2:instance", Some(&format!("i-{unit:017x}")));
                } else {
                    volume.status = Some("available".into());
                }
                inv.resources.push(volume);
            }
        }
        inv.normalize();
        inv
    }

    /// The states, each as (file name, text), in order; `emit` is called once per state.
    pub fn write_states(&self, mut emit: impl FnMut(String, Vec<u8>)) {
        let mut unit = 0;
        let mut vpc = 0;
        for state in 0..self.states {
            let mut out = Vec::new();
            let head = format!(
                "{{\"version\": 4, \"terraform_version\": \"1.9.8\", \"serial\": 42, \"lineage\": \"scale-{state}\", \
                 \"outputs\": {{}}, \"resources\": ["
            );
            out.extend_from_slice(head.as_bytes());
            let mut first = true;
            let mut push = |out: &mut Vec<u8>, value: serde_json::Value| {
                if !first {
                    out.extend_from_slice(b",\n");
                }
                first = false;
                serde_json::to_writer(&mut *out, &value).expect("json");
            };
            // Each VPC is declared in the state of its first unit.
            while vpc < self.vpcs
                && (self.units == 0 || self.state_of_unit(self.first_unit_of(vpc).min(self.units - 1)) <= state)
            {
                let id = format!("vpc-{vpc:017x}");
                push(
                    &mut out,
                    state_resource(
                        "aws_vpc",
                        &format!("vpc_{vpc}"),
                        &json!({"id": id, "arn": arn("vpc", &id), "cidr_block": "10.0.0.0/16",
                               "enable_dns_hostnames": true, "enable_dns_support": true,
                               "instance_tenancy": "default", "owner_id": ACCOUNT,
                               "tags": {"Name": format!("vpc-{vpc}")}, "tags_all": {"Name": format!("vpc-{vpc}")}}),
                    ),
                );
                vpc += 1;
            }
            while unit < self.units && self.state_of_unit(unit) == state {
                for value in self.declare(unit) {
                    push(&mut out, value);
                }
                unit += 1;
            }
            out.extend_from_slice(b"]}\n");
            emit(format!("stack-{state:05}.tfstate"), out);
        }
    }

    fn first_unit_of(&self, vpc: usize) -> usize {
        (vpc * self.units).div_ceil(self.vpcs)
    }

    fn declare(&self, unit: usize) -> [serde_json::Value; 4] {
        let [subnet, sg, instance, volume] = Self::ids(unit);
        let vpc = format!("vpc-{:017x}", self.vpc_of_unit(unit));
        let name = format!("unit-{unit}");
        let tags = json!({"Name": name});
        let module = format!("unit_{unit}");
        [
            state_resource(
                "aws_subnet",
                &module,
                &json!({"id": subnet, "arn": arn("subnet", &subnet), "vpc_id": vpc, "cidr_block": "10.0.1.0/24",
                       "availability_zone": "us-east-1a", "map_public_ip_on_launch": false, "owner_id": ACCOUNT,
                       "tags": tags, "tags_all": tags}),
            ),
            state_resource(
                "aws_security_group",
                &module,
                &json!({"id": sg, "arn": arn("security-group", &sg), "vpc_id": vpc, "name": name,
                       "description": "application servers", "owner_id": ACCOUNT, "revoke_rules_on_delete": false,
                       "ingress": [], "egress": [], "tags": tags, "tags_all": tags}),
            ),
            state_resource(
                "aws_instance",
                &module,
                &json!({"id": instance, "arn": arn("instance", &instance), "ami": "ami-12c6146b",
                       "instance_type": "t3.micro", "subnet_id": subnet, "vpc_security_group_ids": [sg],
                       "availability_zone": "us-east-1a", "private_ip": "10.0.1.10", "instance_state": "running",
                       "metadata_options": [{"http_endpoint": "enabled", "http_tokens": "required",
                                             "http_put_response_hop_limit": 2, "instance_metadata_tags": "disabled"}],
                       "root_block_device": [{"delete_on_termination": true, "device_name": "/dev/xvda",
                                              "encrypted": true, "volume_size": 8, "volume_type": "gp3"}],
                       "tags": tags, "tags_all": tags}),
            ),
            state_resource(
                "aws_ebs_volume",
                &module,
                &json!({"id": volume, "arn": arn("volume", &volume), "availability_zone": "us-east-1a", "size": 20,
                       "type": "gp3", "encrypted": true, "tags": tags, "tags_all": tags}),
            ),
        ]
    }

    /// The states parsed in memory, for the benchmarks.
    pub fn states(&self) -> StateSet {
        let mut set = StateSet::default();
        self.write_states(|name, text| set.files.push(parse_state(&format!("/scale/{name}"), &text)));
        set
    }
}

/// One declared resource of a generated account.
fn state_resource(tf_type: &str, name: &str, attributes: &serde_json::Value) -> serde_json::Value {
    json!({
        "mode": "managed", "type": tf_type, "name": name,
        "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
        "instances": [{"schema_version": 1, "attributes": attributes, "sensitive_attributes": []}]
    })
}
