//! A scenario of about fifty live resources in two regions and several states: every
//! leftover and every missing resource is found, and nothing else.

use aws_sdk_ec2::types::{DomainType, ResourceType};
use serde_json::json;

use crate::support::{ACCOUNT, AMI, Moto, Network, TfState, tag_spec};

const BUCKET: &str = "acme-tfstate";

fn arn(region: &str, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{region}:{ACCOUNT}:{kind}/{id}")
}

#[tokio::test]
async fn fifty_resources_two_regions_several_states() {
    let moto = Moto::start();
    let seeder = moto.seeder();
    moto.bucket(BUCKET).await;
    let east = Network::seed(&seeder, "us-east-1", "10.0", "dev").await;
    let west = Network::seed(&seeder, "eu-west-1", "10.1", "qa").await;
    let ec2 = moto.ec2("us-east-1").await;
    let ec2_west = moto.ec2("eu-west-1").await;

    // us-east-1: a public subnet with an internet gateway and a NAT gateway.
    let public = ec2
        .create_subnet()
        .vpc_id(&east.vpc)
        .cidr_block("10.0.2.0/24")
        .availability_zone("us-east-1b")
        .send()
        .await
        .unwrap()
        .subnet
        .unwrap()
        .subnet_id
        .unwrap();
    let igw =
        ec2.create_internet_gateway().send().await.unwrap().internet_gateway.unwrap().internet_gateway_id.unwrap();
    ec2.attach_internet_gateway().internet_gateway_id(&igw).vpc_id(&east.vpc).send().await.unwrap();
    let public_rt =
        ec2.create_route_table().vpc_id(&east.vpc).send().await.unwrap().route_table.unwrap().route_table_id.unwrap();
    ec2.create_route()
        .route_table_id(&public_rt)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    let assoc = ec2.associate_route_table().route_table_id(&public_rt).subnet_id(&public).send().await.unwrap();
    let nat_eip = ec2.allocate_address().domain(DomainType::Vpc).send().await.unwrap().allocation_id.unwrap();
    let nat = ec2
        .create_nat_gateway()
        .subnet_id(&public)
        .allocation_id(&nat_eip)
        .send()
        .await
        .unwrap()
        .nat_gateway
        .unwrap()
        .nat_gateway_id
        .unwrap();
    // Declared, then released by hand.
    let gone_eip = ec2.allocate_address().domain(DomainType::Vpc).send().await.unwrap().allocation_id.unwrap();
    ec2.release_address().allocation_id(&gone_eip).send().await.unwrap();
    ec2.create_key_pair().key_name("deploy").send().await.unwrap();
    let template = ec2
        .create_launch_template()
        .launch_template_name("web")
        .launch_template_data(aws_sdk_ec2::types::RequestLaunchTemplateData::builder().image_id(AMI).build())
        .send()
        .await
        .unwrap()
        .launch_template
        .unwrap()
        .launch_template_id
        .unwrap();
    // EKS with a managed nodegroup and its instances.
    let eks = moto.eks("us-east-1").await;
    let cluster = eks
        .create_cluster()
        .name("dev")
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/eks"))
        .resources_vpc_config(
            aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids(&east.subnet).subnet_ids(&public).build(),
        )
        .send()
        .await
        .unwrap()
        .cluster
        .unwrap();
    let nodegroup = eks
        .create_nodegroup()
        .cluster_name("dev")
        .nodegroup_name("general")
        .node_role(format!("arn:aws:iam::{ACCOUNT}:role/node"))
        .subnets(&east.subnet)
        .send()
        .await
        .unwrap()
        .nodegroup
        .unwrap();
    ec2.run_instances()
        .image_id(AMI)
        .min_count(3)
        .max_count(3)
        .subnet_id(&east.subnet)
        .tag_specifications(tag_spec(
            ResourceType::Instance,
            &[
                ("eks:cluster-name", "dev"),
                ("eks:nodegroup-name", "general"),
                ("aws:autoscaling:groupName", "eks-general"),
            ],
        ))
        .send()
        .await
        .unwrap();
    // ElastiCache.
    let cache = moto.elasticache("us-east-1").await;
    cache
        .create_cache_subnet_group()
        .cache_subnet_group_name("sessions")
        .cache_subnet_group_description("sessions")
        .subnet_ids(&east.subnet)
        .send()
        .await
        .unwrap();
    let redis = cache
        .create_replication_group()
        .replication_group_id("sessions")
        .replication_group_description("sessions")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(1)
        .cache_subnet_group_name("sessions")
        .send()
        .await
        .unwrap()
        .replication_group
        .unwrap();

    // The leftovers: two in us-east-1, one in eu-west-1; and a key pair nobody declared.
    let stray_volume =
        ec2.create_volume().availability_zone("us-east-1a").size(50).send().await.unwrap().volume_id.unwrap();
    let stray_sg =
        ec2.create_security_group().group_name("debug").description("x").vpc_id(&east.vpc).send().await.unwrap();
    let stray_sg = stray_sg.group_id().unwrap().to_owned();
    ec2.create_key_pair().key_name("laptop").send().await.unwrap();
    let stray_instance = ec2_west
        .run_instances()
        .image_id(AMI)
        .min_count(1)
        .max_count(1)
        .subnet_id(&west.subnet)
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();

    // The states.
    let network = east
        .declare(TfState::new(), Some("module.vpc"), "dev")
        .module(Some("module.vpc"))
        .managed("aws_subnet", "public", json!({"id": public, "arn": arn("us-east-1", "subnet", &public), "vpc_id": east.vpc}))
        .managed("aws_internet_gateway", "this", json!({"id": igw, "arn": arn("us-east-1", "internet-gateway", &igw), "vpc_id": east.vpc}))
        .managed(
            "aws_route_table",
            "public",
            json!({"id": public_rt, "arn": arn("us-east-1", "route-table", &public_rt), "vpc_id": east.vpc,
                   "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": igw}]}),
        )
        .managed(
            "aws_route_table_association",
            "public",
            json!({"id": assoc.association_id().unwrap(), "route_table_id": public_rt, "subnet_id": public}),
        )
        .managed_each(
            "aws_eip",
            "nat",
            vec![
                (json!(0), json!({"id": nat_eip, "domain": "vpc"})),
                (json!(1), json!({"id": gone_eip, "domain": "vpc", "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:elastic-ip/{gone_eip}")})),
            ],
        )
        .managed("aws_nat_gateway", "this", json!({"id": nat, "allocation_id": nat_eip, "subnet_id": public}))
        .module(None);
    moto.put_state(BUCKET, "dev/network/terraform.tfstate", &network).await;
    let platform = TfState::new()
        .managed("aws_eks_cluster", "dev", json!({"id": "dev", "arn": cluster.arn().unwrap()}))
        .managed("aws_eks_node_group", "general", json!({"id": "dev:general", "arn": nodegroup.nodegroup_arn().unwrap()}))
        .managed(
            "aws_elasticache_subnet_group",
            "sessions",
            json!({"id": "sessions", "arn": format!("arn:aws:elasticache:us-east-1:{ACCOUNT}:subnetgroup:sessions"), "subnet_ids": [east.subnet]}),
        )
        .managed(
            "aws_elasticache_replication_group",
            "sessions",
            json!({"id": "sessions", "arn": redis.arn().unwrap(), "node_type": "cache.t3.micro", "subnet_group_name": "sessions"}),
        )
        .managed("aws_key_pair", "deploy", json!({"id": "deploy", "key_name": "deploy", "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:key-pair/deploy")}))
        .managed("aws_launch_template", "web", json!({"id": template, "arn": arn("us-east-1", "launch-template", &template)}))
        .data("aws_ami", "base", json!({"id": AMI}))
        .data("aws_vpc", "main", json!({"id": east.vpc}));
    moto.put_state(BUCKET, "dev/platform/terraform.tfstate", &platform).await;
    let qa = west.declare(TfState::new(), None, "qa").managed(
        "aws_subnet",
        "spare",
        json!({"id": "subnet-0deadbeef00000001", "arn": arn("eu-west-1", "subnet", "subnet-0deadbeef00000001"), "vpc_id": west.vpc}),
    );
    moto.put_state(BUCKET, "env:/qa/network/terraform.tfstate", &qa).await;
    // What else a state bucket holds.
    moto.put(BUCKET, "dev/network/terraform.tfstate.tflock", "{}").await;
    moto.put(BUCKET, "plans/dev.tfplan", "PK\u{3}\u{4}").await;
    moto.put(BUCKET, "docs/owners.json", "{\"dev\": \"platform\"}").await;

    let out = moto
        .leftover()
        .args([
            "scan",
            "--state",
            &format!("s3://{BUCKET}"),
            "--region",
            "us-east-1",
            "--region",
            "eu-west-1",
            "--format",
            "json",
        ])
        .run();
    out.assert_code(1);
    let report = out.json();
    assert_eq!(report["coverage"]["complete"], true, "{}", out.stdout);
    assert_eq!(report["scope"]["states"].as_array().unwrap().len(), 3);
    let mut leftovers: Vec<(String, String)> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut other: Vec<String> = Vec::new();
    for f in report["findings"].as_array().unwrap() {
        let id = f["resource"]["id"].as_str().unwrap().to_owned();
        match f["kind"].as_str().unwrap() {
            "unmanaged" | "blocking-dependency" => {
                leftovers.push((id, f["resource"]["region"].as_str().unwrap().to_owned()));
            }
            "missing" => missing.push(id),
            kind => other.push(format!("{kind} {id}: {}", f["reason"])),
        }
    }
    leftovers.sort();
    let mut expected = vec![
        (stray_volume, "us-east-1".to_owned()),
        (stray_sg, "us-east-1".to_owned()),
        ("laptop".to_owned(), "us-east-1".to_owned()),
        (stray_instance, "eu-west-1".to_owned()),
    ];
    expected.sort();
    assert_eq!(leftovers, expected, "{}", out.stdout);
    missing.sort();
    let mut want_missing = vec![gone_eip, "subnet-0deadbeef00000001".to_owned()];
    want_missing.sort();
    assert_eq!(missing, want_missing, "{}", out.stdout);
    assert_eq!(other, Vec::<String>::new());
    assert_eq!(report["summary"]["missing"], 2);
    // The platform state builds on the network state's subnet: a plain link between live
    // states, counted and not reported.
    assert_eq!(report["summary"]["cross-state-links"], 1, "{}", out.stdout);

    // The listing really is about fifty resources (default VPCs, owned parts and all).
    let dir = tempfile::tempdir().unwrap();
    let inventory = dir.path().join("inventory.json");
    moto.leftover()
        .args(["inventory", "--region", "us-east-1", "--region", "eu-west-1", "--output", inventory.to_str().unwrap()])
        .run()
        .assert_code(0);
    let saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&inventory).unwrap()).unwrap();
    let count = saved["resources"].as_array().unwrap().len();
    assert!((45..=90).contains(&count), "{count} resources listed");

    // `states` lists the three states, and what it passed over.
    let states = moto.leftover().args(["states", "--state", &format!("s3://{BUCKET}"), "--format", "json"]).run();
    states.assert_code(0);
    let listing = states.json();
    assert_eq!(listing["states"].as_array().unwrap().len(), 3);
    assert_eq!(listing["skipped_by_reason"]["lock file"], 1);
    assert_eq!(listing["skipped_by_reason"]["plan"], 1);
    assert_eq!(listing["skipped_by_reason"]["not a Terraform state"], 1);
}
