//! Seeds an AWS emulator for the end-to-end benchmark: in each of three regions, VPCs with
//! subnets and security groups, instances launched in batches (each with its root volume
//! and network interface) and loose volumes; and twenty Terraform states that declare most
//! of it. `scripts/bench` runs it against a local moto server; it writes, so it is never
//! part of the `leftover` binary.
//!
//! With `--tag-instances`, every instance also carries its environment's tag, as a provider's
//! `default_tags` would put there, so the Resource Groups Tagging API lists each region's 600
//! instances in pages of 100: the account `scripts/latency-bench --tagged` measures, whose
//! longest chain of dependent calls is those pages.
//!
//! Usage: `cargo run --release --example seed_bench -- http://127.0.0.1:PORT [INSTANCES_PER_REGION] [--tag-instances]`
#![allow(clippy::print_stdout, clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/support/seed.rs"]
mod seed;
#[path = "../tests/support/tfstate.rs"]
mod tfstate;

use aws_sdk_ec2::types::{InstanceType, ResourceType};
use serde_json::json;

use seed::{ACCOUNT, AMI, Seeder, tag_spec};
use tfstate::TfState;

pub const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];
pub const BUCKET: &str = "bench-tfstate";
const STATES: usize = 20;
const VPCS: usize = 10;
const GROUPS_PER_VPC: usize = 5;
const LOOSE_VOLUMES: usize = 100;
const BATCH: i32 = 100;

/// One region's seeded network, and the state file each part is declared in.
struct Seeded {
    states: Vec<TfState>,
    resources: usize,
}

fn arn(region: &str, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT}:{kind}/{id}")
}

async fn seed_region(
    seeder: &Seeder,
    region: &str,
    instances: usize,
    tag_instances: bool,
    mut states: Vec<TfState>,
) -> Seeded {
    let ec2 = seeder.ec2(region).await;
    let mut resources = 0;
    let mut subnets = Vec::new();
    let mut groups = Vec::new();
    for v in 0..VPCS {
        let state = v * STATES / VPCS;
        let env = format!("env{state:02}");
        let vpc = ec2
            .create_vpc()
            .cidr_block(format!("10.{v}.0.0/16"))
            .tag_specifications(tag_spec(ResourceType::Vpc, &[("Environment", &env)]))
            .send()
            .await
            .unwrap()
            .vpc
            .unwrap()
            .vpc_id
            .unwrap();
        // A VPC comes with its default security group, main route table and default NACL.
        resources += 4;
        let mut take = std::mem::take(&mut states[state]);
        take = take.managed(
            "aws_vpc",
            &format!("vpc_{region}_{v}"),
            json!({"id": vpc, "arn": arn(region, "vpc", &vpc), "cidr_block": format!("10.{v}.0.0/16"),
                   "tags": {"Environment": env}}),
        );
        for s in 0..2 {
            let subnet = ec2
                .create_subnet()
                .vpc_id(&vpc)
                .cidr_block(format!("10.{v}.{s}.0/24"))
                .availability_zone(format!("{region}{}", ["a", "b"][s]))
                .send()
                .await
                .unwrap()
                .subnet
                .unwrap()
                .subnet_id
                .unwrap();
            resources += 1;
            take = take.managed(
                "aws_subnet",
                &format!("subnet_{region}_{v}_{s}"),
                json!({"id": subnet, "arn": arn(region, "subnet", &subnet), "vpc_id": vpc}),
            );
            subnets.push((subnet, state));
        }
        for g in 0..GROUPS_PER_VPC {
            let group = ec2
                .create_security_group()
                .group_name(format!("app-{v}-{g}"))
                .description("bench")
                .vpc_id(&vpc)
                .send()
                .await
                .unwrap()
                .group_id
                .unwrap();
            // The group and its allow-all egress rule.
            resources += 2;
            take = take.managed(
                "aws_security_group",
                &format!("sg_{region}_{v}_{g}"),
                json!({"id": group, "arn": arn(region, "security-group", &group), "vpc_id": vpc,
                       "ingress": [], "egress": [{"cidr_blocks": ["0.0.0.0/0"], "from_port": 0, "to_port": 0,
                                                  "protocol": "-1", "ipv6_cidr_blocks": [], "prefix_list_ids": [],
                                                  "security_groups": [], "self": false, "description": ""}]}),
            );
            groups.push(group);
        }
        states[state] = take;
    }
    let mut launched = 0;
    let mut batch_no = 0;
    while launched < instances {
        let count = BATCH.min(i32::try_from(instances - launched).unwrap());
        let (subnet, state) = &subnets[batch_no % subnets.len()];
        let env = format!("env{state:02}");
        let run = ec2
            .run_instances()
            .set_tag_specifications(
                tag_instances.then(|| vec![tag_spec(ResourceType::Instance, &[("Environment", &env)])]),
            )
            .image_id(AMI)
            .min_count(count)
            .max_count(count)
            .instance_type(InstanceType::T3Micro)
            .subnet_id(subnet)
            .security_group_ids(&groups[batch_no % groups.len()])
            .send()
            .await
            .unwrap();
        let mut take = std::mem::take(&mut states[*state]);
        for (n, instance) in run.instances().iter().enumerate() {
            let id = instance.instance_id().unwrap();
            // The instance, its root volume and its primary network interface.
            resources += 3;
            // A tenth of the instances were made by hand: no state declares them.
            if n % 10 == 9 {
                continue;
            }
            let root = instance
                .block_device_mappings()
                .first()
                .and_then(|m| m.ebs())
                .and_then(|e| e.volume_id())
                .unwrap_or_default();
            let mut attributes = json!({"id": id, "arn": arn(region, "instance", id), "ami": AMI,
                                        "instance_type": "t3.micro", "subnet_id": subnet,
                                        "root_block_device": [{"volume_id": root}]});
            if tag_instances {
                attributes["tags"] = json!({"Environment": env});
                attributes["tags_all"] = json!({"Environment": env});
            }
            take = take.managed("aws_instance", &format!("app_{region}_{batch_no}_{n}"), attributes);
        }
        states[*state] = take;
        launched += usize::try_from(count).unwrap();
        batch_no += 1;
    }
    for _ in 0..LOOSE_VOLUMES {
        ec2.create_volume().availability_zone(format!("{region}a")).size(8).send().await.unwrap();
        resources += 1;
    }
    Seeded { states, resources }
}

#[tokio::main]
async fn main() {
    let usage = "usage: seed_bench ENDPOINT_URL [INSTANCES_PER_REGION] [--tag-instances]";
    let (flags, args): (Vec<String>, Vec<String>) = std::env::args().skip(1).partition(|a| a.starts_with("--"));
    let tag_instances = match flags.as_slice() {
        [] => false,
        [flag] if flag == "--tag-instances" => true,
        _ => panic!("{usage}"),
    };
    let endpoint = args.first().expect(usage);
    let instances: usize = args.get(1).map_or(600, |n| n.parse().expect("a number"));
    let seeder = Seeder::new(endpoint);
    seeder.bucket(BUCKET).await;
    let mut states: Vec<TfState> = (0..STATES).map(|_| TfState::new()).collect();
    let mut resources = 0;
    for region in REGIONS {
        // Every region also has a default VPC with three subnets, its default group, main
        // route table and default NACL.
        resources += 7;
        let region_seeded = seed_region(&seeder, region, instances, tag_instances, states).await;
        states = region_seeded.states;
        resources += region_seeded.resources;
    }
    for (n, state) in states.iter().enumerate() {
        seeder.put_state(BUCKET, &format!("env{n:02}/terraform.tfstate"), state).await;
    }
    println!("seeded about {resources} resources in {} regions and {STATES} states in s3://{BUCKET}", REGIONS.len());
}
