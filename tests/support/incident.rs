//! incident: the account of the incident that leftover was born of, in one region.
//!
//! - `shared`: a VPC with the team's Redis replication group (`rosey-redis`), peered with
//!   the dev VPC; its route table sends 10.1.0.0/16 to the peering.
//! - `dev`: destroyed by a copy-pasted project name and recreated from Terraform: a new VPC
//!   with the same CIDR, a new EKS cluster. The old VPC and its peering are gone, but the
//!   shared state still declares the peering, and both route tables still route into it.
//! - `staging`: decommissioned; its state is empty, but leftovers stayed behind: its VPC and
//!   subnet (held by a load balancer's interface), a bastion instance, a detached volume, a
//!   security group, an EKS cluster, a cache cluster, an SQS queue, and, made by hand and
//!   never tagged, a database in its own subnet group and a load balancer.
#![allow(dead_code, clippy::missing_panics_doc, clippy::unwrap_used, clippy::too_many_lines)]

use aws_sdk_ec2::types::{InstanceType, IpPermission, IpRange, ResourceType, UserIdGroupPair};
use serde_json::json;

use super::seed::{ACCOUNT, AMI, Seeder, tag_spec};
use super::tfstate::TfState;

pub const REGION: &str = "us-east-1";
pub const BUCKET: &str = "rosey-tfstate";

/// The ids a test needs to check what the scan says.
#[derive(Debug, Clone)]
pub struct Incident {
    pub shared_vpc: String,
    pub shared_subnet: String,
    pub shared_route_table: String,
    pub redis_sg: String,
    pub old_dev_vpc: String,
    pub stale_peering: String,
    pub dev_vpc: String,
    pub dev_subnets: Vec<String>,
    pub dev_route_table: String,
    pub dev_node_sg: String,
    pub staging_vpc: String,
    pub staging_subnet: String,
    pub staging_instance: String,
    pub staging_volume: String,
    pub staging_sg: String,
    pub staging_lb_eni: String,
    /// The hand-made load balancer's id (`app/staging-web/…`).
    pub staging_lb: String,
}

fn arn(kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{REGION}:{ACCOUNT}:{kind}/{id}")
}

async fn vpc(ec2: &aws_sdk_ec2::Client, cidr: &str, env: &str, name: &str) -> String {
    ec2.create_vpc()
        .cidr_block(cidr)
        .tag_specifications(tag_spec(ResourceType::Vpc, &[("Environment", env), ("Name", name)]))
        .send()
        .await
        .unwrap()
        .vpc
        .unwrap()
        .vpc_id
        .unwrap()
}

async fn subnet(ec2: &aws_sdk_ec2::Client, vpc: &str, cidr: &str, az: &str, env: &str) -> String {
    ec2.create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .availability_zone(format!("{REGION}{az}"))
        .tag_specifications(tag_spec(ResourceType::Subnet, &[("Environment", env)]))
        .send()
        .await
        .unwrap()
        .subnet
        .unwrap()
        .subnet_id
        .unwrap()
}

async fn route_table(ec2: &aws_sdk_ec2::Client, vpc: &str, subnets: &[&str], env: &str) -> String {
    let table = ec2
        .create_route_table()
        .vpc_id(vpc)
        .tag_specifications(tag_spec(ResourceType::RouteTable, &[("Environment", env)]))
        .send()
        .await
        .unwrap()
        .route_table
        .unwrap()
        .route_table_id
        .unwrap();
    for s in subnets {
        ec2.associate_route_table().route_table_id(&table).subnet_id(*s).send().await.unwrap();
    }
    table
}

async fn group(ec2: &aws_sdk_ec2::Client, vpc: &str, name: &str, env: &str) -> String {
    ec2.create_security_group()
        .group_name(name)
        .description(name)
        .vpc_id(vpc)
        .tag_specifications(tag_spec(ResourceType::SecurityGroup, &[("Environment", env)]))
        .send()
        .await
        .unwrap()
        .group_id
        .unwrap()
}

/// Seeds the account and writes its states into `BUCKET`.
pub async fn seed(s: &Seeder) -> Incident {
    let ec2 = s.ec2(REGION).await;
    let eks = s.eks(REGION).await;
    let cache = s.elasticache(REGION).await;

    // ---- shared: the Redis everyone uses -------------------------------------------------
    let shared_vpc = vpc(&ec2, "10.30.0.0/16", "shared", "shared-cache").await;
    let shared_subnet = subnet(&ec2, &shared_vpc, "10.30.1.0/24", "a", "shared").await;
    let shared_subnet_b = subnet(&ec2, &shared_vpc, "10.30.2.0/24", "b", "shared").await;
    let shared_route_table = route_table(&ec2, &shared_vpc, &[&shared_subnet, &shared_subnet_b], "shared").await;
    let redis_sg = group(&ec2, &shared_vpc, "rosey-redis", "shared").await;
    ec2.authorize_security_group_ingress()
        .group_id(&redis_sg)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(6379)
                .to_port(6379)
                .ip_ranges(IpRange::builder().cidr_ip("10.1.0.0/16").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    cache
        .create_cache_subnet_group()
        .cache_subnet_group_name("rosey-redis")
        .cache_subnet_group_description("rosey redis")
        .subnet_ids(&shared_subnet)
        .subnet_ids(&shared_subnet_b)
        .send()
        .await
        .unwrap();
    let redis = cache
        .create_replication_group()
        .replication_group_id("rosey-redis")
        .replication_group_description("shared redis")
        .engine("redis")
        .cache_node_type("cache.t3.micro")
        .num_cache_clusters(2)
        .cache_subnet_group_name("rosey-redis")
        .security_group_ids(&redis_sg)
        .tags(aws_sdk_elasticache::types::Tag::builder().key("Environment").value("shared").build())
        .send()
        .await
        .unwrap()
        .replication_group
        .unwrap();

    // ---- the old dev VPC, peered with shared, then destroyed ------------------------------
    let old_dev_vpc = vpc(&ec2, "10.1.0.0/16", "dev", "dev").await;
    let stale_peering = ec2
        .create_vpc_peering_connection()
        .vpc_id(&shared_vpc)
        .peer_vpc_id(&old_dev_vpc)
        .tag_specifications(tag_spec(ResourceType::VpcPeeringConnection, &[("Name", "shared-to-dev")]))
        .send()
        .await
        .unwrap()
        .vpc_peering_connection
        .unwrap()
        .vpc_peering_connection_id
        .unwrap();
    ec2.accept_vpc_peering_connection().vpc_peering_connection_id(&stale_peering).send().await.unwrap();
    ec2.create_route()
        .route_table_id(&shared_route_table)
        .destination_cidr_block("10.1.0.0/16")
        .vpc_peering_connection_id(&stale_peering)
        .send()
        .await
        .unwrap();
    // The destroy: the peering and the VPC go. The shared route stays (AWS marks it
    // blackhole after a while; moto leaves it active).
    ec2.delete_vpc_peering_connection().vpc_peering_connection_id(&stale_peering).send().await.unwrap();
    ec2.delete_vpc().vpc_id(&old_dev_vpc).send().await.unwrap();

    // ---- dev, recreated ------------------------------------------------------------------
    let dev_vpc = vpc(&ec2, "10.1.0.0/16", "dev", "dev").await;
    let dev_a = subnet(&ec2, &dev_vpc, "10.1.1.0/24", "a", "dev").await;
    let dev_b = subnet(&ec2, &dev_vpc, "10.1.2.0/24", "b", "dev").await;
    let dev_route_table = route_table(&ec2, &dev_vpc, &[&dev_a, &dev_b], "dev").await;
    // The recreated dev state reads the peering id from the shared state: its route points
    // into the dead peering too.
    ec2.create_route()
        .route_table_id(&dev_route_table)
        .destination_cidr_block("10.30.0.0/16")
        .vpc_peering_connection_id(&stale_peering)
        .send()
        .await
        .unwrap();
    let dev_node_sg = group(&ec2, &dev_vpc, "dev-nodes", "dev").await;
    let cluster = eks
        .create_cluster()
        .name("dev")
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/eks-dev"))
        .resources_vpc_config(
            aws_sdk_eks::types::VpcConfigRequest::builder()
                .subnet_ids(&dev_a)
                .subnet_ids(&dev_b)
                .security_group_ids(&dev_node_sg)
                .build(),
        )
        .tags("Environment", "dev")
        .send()
        .await
        .unwrap()
        .cluster
        .unwrap();
    let nodegroup = eks
        .create_nodegroup()
        .cluster_name("dev")
        .nodegroup_name("dev-workers")
        .node_role(format!("arn:aws:iam::{ACCOUNT}:role/eks-node"))
        .subnets(&dev_a)
        .subnets(&dev_b)
        .tags("Environment", "dev")
        .send()
        .await
        .unwrap()
        .nodegroup
        .unwrap();
    ec2.run_instances()
        .image_id(AMI)
        .min_count(2)
        .max_count(2)
        .instance_type(InstanceType::M5Large)
        .subnet_id(&dev_a)
        .security_group_ids(&dev_node_sg)
        .tag_specifications(tag_spec(
            ResourceType::Instance,
            &[
                ("Environment", "dev"),
                ("eks:cluster-name", "dev"),
                ("eks:nodegroup-name", "dev-workers"),
                ("aws:autoscaling:groupName", "eks-dev-workers-4ac5"),
            ],
        ))
        .send()
        .await
        .unwrap();
    // The nodes may reach Redis (the shared group allows the dev CIDR as well).
    ec2.authorize_security_group_ingress()
        .group_id(&redis_sg)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(6379)
                .to_port(6379)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(&dev_node_sg).build())
                .build(),
        )
        .send()
        .await
        .unwrap_or_else(|_| panic!("authorize cross-VPC group reference"));

    // ---- staging: destroyed, but not all of it -------------------------------------------
    let staging_vpc = vpc(&ec2, "10.2.0.0/16", "staging", "staging").await;
    let staging_subnet = subnet(&ec2, &staging_vpc, "10.2.1.0/24", "a", "staging").await;
    let staging_sg = group(&ec2, &staging_vpc, "staging-lb", "staging").await;
    let staging_instance = ec2
        .run_instances()
        .image_id(AMI)
        .min_count(1)
        .max_count(1)
        .instance_type(InstanceType::T3Medium)
        .subnet_id(&staging_subnet)
        .security_group_ids(&staging_sg)
        .tag_specifications(tag_spec(
            ResourceType::Instance,
            &[("Environment", "staging"), ("Name", "staging-bastion")],
        ))
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();
    let staging_volume = ec2
        .create_volume()
        .availability_zone(format!("{REGION}a"))
        .size(100)
        .volume_type(aws_sdk_ec2::types::VolumeType::Gp3)
        .tag_specifications(tag_spec(ResourceType::Volume, &[("Environment", "staging"), ("Name", "staging-pg-data")]))
        .send()
        .await
        .unwrap()
        .volume_id
        .unwrap();
    // A load balancer's interface that a Kubernetes controller made: nothing declares the
    // load balancer, and the interface held the subnet (and so the VPC) in place.
    let staging_lb_eni = ec2
        .create_network_interface()
        .subnet_id(&staging_subnet)
        .description("ELB app/k8s-staging-web-1f2e3d/50dc6c495c0c9188")
        .groups(&staging_sg)
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap()
        .network_interface_id
        .unwrap();
    eks.create_cluster()
        .name("staging")
        .role_arn(format!("arn:aws:iam::{ACCOUNT}:role/eks-staging"))
        .resources_vpc_config(aws_sdk_eks::types::VpcConfigRequest::builder().subnet_ids(&staging_subnet).build())
        .tags("Environment", "staging")
        .send()
        .await
        .unwrap();
    cache
        .create_cache_cluster()
        .cache_cluster_id("staging-sessions")
        .engine("redis")
        .cache_node_type("cache.t3.small")
        .num_cache_nodes(1)
        .tags(aws_sdk_elasticache::types::Tag::builder().key("Environment").value("staging").build())
        .send()
        .await
        .unwrap();
    let sqs_url = format!("{}/{ACCOUNT}/staging-jobs", s.endpoint);
    let _ = sqs_url;
    s.create_queue(REGION, "staging-jobs", &[("Environment", "staging")]).await;
    // Made by hand in the console during a load test, never tagged, never declared: the
    // database (in its own subnet group) and the load balancer in front of it.
    let rds = aws_sdk_rds::Client::new(&s.config(REGION).await);
    rds.create_db_subnet_group()
        .db_subnet_group_name("staging-db")
        .db_subnet_group_description("staging load test")
        .subnet_ids(&staging_subnet)
        .send()
        .await
        .unwrap();
    rds.create_db_instance()
        .db_instance_identifier("staging-pg")
        .engine("postgres")
        .db_instance_class("db.t3.medium")
        .allocated_storage(50)
        .master_username("app")
        .master_user_password("not-a-real-password")
        .db_subnet_group_name("staging-db")
        .vpc_security_group_ids(&staging_sg)
        .send()
        .await
        .unwrap();
    let staging_lb = aws_sdk_elasticloadbalancingv2::Client::new(&s.config(REGION).await)
        .create_load_balancer()
        .name("staging-web")
        .subnets(&staging_subnet)
        .security_groups(&staging_sg)
        .send()
        .await
        .unwrap()
        .load_balancers()[0]
        .load_balancer_arn()
        .unwrap()
        .split_once(":loadbalancer/")
        .unwrap()
        .1
        .to_owned();

    // ---- the states ----------------------------------------------------------------------
    s.bucket(BUCKET).await;
    let shared_tags = json!({"Environment": "shared"});
    let shared = TfState::new()
        .managed(
            "aws_vpc",
            "cache",
            json!({"id": shared_vpc, "arn": arn("vpc", &shared_vpc), "cidr_block": "10.30.0.0/16",
                   "tags": {"Environment": "shared", "Name": "shared-cache"},
                   "tags_all": {"Environment": "shared", "Name": "shared-cache"}, "owner_id": ACCOUNT}),
        )
        .managed_each(
            "aws_subnet",
            "cache",
            vec![
                (json!("a"), json!({"id": shared_subnet, "arn": arn("subnet", &shared_subnet), "vpc_id": shared_vpc,
                    "cidr_block": "10.30.1.0/24", "tags": shared_tags})),
                (json!("b"), json!({"id": shared_subnet_b, "arn": arn("subnet", &shared_subnet_b), "vpc_id": shared_vpc,
                    "cidr_block": "10.30.2.0/24", "tags": shared_tags})),
            ],
        )
        .managed(
            "aws_route_table",
            "cache",
            json!({"id": shared_route_table, "arn": arn("route-table", &shared_route_table), "vpc_id": shared_vpc,
                   "route": [{"cidr_block": "10.1.0.0/16", "vpc_peering_connection_id": stale_peering, "gateway_id": ""}],
                   "tags": shared_tags}),
        )
        .managed_each(
            "aws_route_table_association",
            "cache",
            vec![
                (json!("a"), json!({"id": "rtbassoc-0a1", "route_table_id": shared_route_table, "subnet_id": shared_subnet})),
                (json!("b"), json!({"id": "rtbassoc-0b1", "route_table_id": shared_route_table, "subnet_id": shared_subnet_b})),
            ],
        )
        .managed(
            "aws_security_group",
            "redis",
            json!({"id": redis_sg, "arn": arn("security-group", &redis_sg), "vpc_id": shared_vpc, "name": "rosey-redis",
                   "ingress": [{"from_port": 6379, "to_port": 6379, "protocol": "tcp", "cidr_blocks": ["10.1.0.0/16"],
                                "ipv6_cidr_blocks": [], "prefix_list_ids": [], "security_groups": [dev_node_sg], "self": false}],
                   "egress": [], "tags": shared_tags}),
        )
        .managed(
            "aws_vpc_peering_connection",
            "dev",
            json!({"id": stale_peering, "vpc_id": shared_vpc, "peer_vpc_id": old_dev_vpc, "peer_owner_id": ACCOUNT,
                   "accept_status": "active", "tags": {"Name": "shared-to-dev"}}),
        )
        .managed(
            "aws_elasticache_subnet_group",
            "redis",
            json!({"id": "rosey-redis", "name": "rosey-redis",
                   "arn": format!("arn:aws:elasticache:{REGION}:{ACCOUNT}:subnetgroup:rosey-redis"),
                   "subnet_ids": [shared_subnet, shared_subnet_b]}),
        )
        .managed_sensitive(
            "aws_elasticache_replication_group",
            "redis",
            json!({"id": "rosey-redis", "arn": redis.arn().unwrap(), "node_type": "cache.t3.micro", "engine": "redis",
                   "subnet_group_name": "rosey-redis", "security_group_ids": [redis_sg],
                   "auth_token": "rosey-redis-auth-token-do-not-leak", "member_clusters": redis.member_clusters(),
                   "tags": shared_tags, "tags_all": shared_tags}),
            &["auth_token"],
        );
    s.put_state(BUCKET, "shared/redis.tfstate", &shared).await;

    let dev_tags = json!({"Environment": "dev"});
    let dev = TfState::new()
        .module(Some("module.network"))
        .managed(
            "aws_vpc",
            "this",
            json!({"id": dev_vpc, "arn": arn("vpc", &dev_vpc), "cidr_block": "10.1.0.0/16",
                   "tags": {"Environment": "dev", "Name": "dev"}, "tags_all": {"Environment": "dev", "Name": "dev"},
                   "owner_id": ACCOUNT}),
        )
        .managed_each(
            "aws_subnet",
            "private",
            vec![
                (json!(0), json!({"id": dev_a, "arn": arn("subnet", &dev_a), "vpc_id": dev_vpc, "cidr_block": "10.1.1.0/24", "tags": dev_tags})),
                (json!(1), json!({"id": dev_b, "arn": arn("subnet", &dev_b), "vpc_id": dev_vpc, "cidr_block": "10.1.2.0/24", "tags": dev_tags})),
            ],
        )
        .managed(
            "aws_route_table",
            "private",
            json!({"id": dev_route_table, "arn": arn("route-table", &dev_route_table), "vpc_id": dev_vpc, "route": [],
                   "tags": dev_tags}),
        )
        .managed_each(
            "aws_route_table_association",
            "private",
            vec![
                (json!(0), json!({"id": "rtbassoc-0d1", "route_table_id": dev_route_table, "subnet_id": dev_a})),
                (json!(1), json!({"id": "rtbassoc-0d2", "route_table_id": dev_route_table, "subnet_id": dev_b})),
            ],
        )
        .managed(
            "aws_route",
            "to_shared_cache",
            json!({"id": format!("r-{dev_route_table}1531198373"), "route_table_id": dev_route_table,
                   "destination_cidr_block": "10.30.0.0/16", "vpc_peering_connection_id": stale_peering}),
        )
        .module(Some("module.eks"))
        .managed(
            "aws_security_group",
            "nodes",
            json!({"id": dev_node_sg, "arn": arn("security-group", &dev_node_sg), "vpc_id": dev_vpc, "name": "dev-nodes",
                   "ingress": [], "egress": [], "tags": dev_tags}),
        )
        .managed(
            "aws_eks_cluster",
            "this",
            json!({"id": "dev", "name": "dev", "arn": cluster.arn().unwrap(), "version": cluster.version().unwrap_or("1.29"),
                   "vpc_config": [{"subnet_ids": [dev_a, dev_b], "security_group_ids": [dev_node_sg],
                                   "cluster_security_group_id": cluster.resources_vpc_config().and_then(|v| v.cluster_security_group_id()).unwrap_or("")}],
                   "tags": dev_tags}),
        )
        .managed(
            "aws_eks_node_group",
            "workers",
            json!({"id": "dev:dev-workers", "cluster_name": "dev", "node_group_name": "dev-workers",
                   "arn": nodegroup.nodegroup_arn().unwrap(), "subnet_ids": [dev_a, dev_b], "tags": dev_tags}),
        )
        .module(None)
        .data("terraform_remote_state", "shared", json!({"backend": "s3", "outputs": {"peering_id": stale_peering}}));
    s.put_state(BUCKET, "env:/dev/platform/terraform.tfstate", &dev).await;

    // Staging was destroyed: its state is empty.
    s.put_state(BUCKET, "env:/staging/platform/terraform.tfstate", &TfState::new()).await;
    s.put(BUCKET, "env:/dev/platform/terraform.tfstate.tflock", "{\"ID\":\"dev-lock\"}").await;
    s.put(BUCKET, "plans/staging-destroy.tfplan", "PK\u{3}\u{4}not a state").await;

    Incident {
        shared_vpc,
        shared_subnet,
        shared_route_table,
        redis_sg,
        old_dev_vpc,
        stale_peering,
        dev_vpc,
        dev_subnets: vec![dev_a, dev_b],
        dev_route_table,
        dev_node_sg,
        staging_vpc,
        staging_subnet,
        staging_instance,
        staging_volume,
        staging_sg,
        staging_lb_eni,
        staging_lb,
    }
}
