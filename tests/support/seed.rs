//! seed: creates resources in an emulator through aws-sdk-rust, and declares them in
//! state the way the AWS provider writes it. Shared by the tests and the demo.
#![allow(dead_code, clippy::missing_panics_doc, clippy::unwrap_used)]

use aws_config::{BehaviorVersion, Region};
use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};

use super::tfstate::TfState;

/// The account moto answers as.
pub const ACCOUNT: &str = "123456789012";

/// Makes seeding clients for an endpoint.
#[derive(Clone, Debug)]
pub struct Seeder {
    pub endpoint: String,
}

impl Seeder {
    pub fn new(endpoint: &str) -> Self {
        Self { endpoint: endpoint.to_owned() }
    }

    /// Creates an SQS queue with tags. SQS is not among the crate's SDK clients, so this
    /// speaks its query protocol directly (the emulator does not check the signature).
    pub async fn create_queue(&self, region: &str, name: &str, tags: &[(&str, &str)]) {
        let mut body = format!("Action=CreateQueue&QueueName={name}&Version=2012-11-05");
        for (i, (k, v)) in tags.iter().enumerate() {
            body.push_str(&format!("&Tag.{n}.Key={k}&Tag.{n}.Value={v}", n = i + 1));
        }
        self.sqs(region, body).await;
    }

    /// Deletes an SQS queue of the test account.
    pub async fn delete_queue(&self, region: &str, name: &str) {
        let url = format!("{}/{ACCOUNT}/{name}", self.endpoint);
        self.sqs(region, format!("Action=DeleteQueue&QueueUrl={url}&Version=2012-11-05")).await;
    }

    /// Creates an IAM role Lambda may assume, returning its ARN. IAM is not among the
    /// crate's SDK clients either: its query protocol, directly.
    pub async fn create_role(&self, name: &str) -> String {
        let policy = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        let body = format!("Action=CreateRole&RoleName={name}&AssumeRolePolicyDocument={policy}&Version=2010-05-08");
        self.query("iam", "us-east-1", body).await;
        format!("arn:aws:iam::{ACCOUNT}:role/{name}")
    }

    async fn sqs(&self, region: &str, body: String) {
        self.query("sqs", region, body).await;
    }

    /// A Query-protocol call (IAM, Auto Scaling) with a form `body`; returns the answer.
    pub async fn query(&self, service: &str, region: &str, body: String) -> String {
        let headers = vec![("Content-Type", "application/x-www-form-urlencoded".to_owned())];
        self.send(service, region, "POST", "/", headers, body).await
    }

    /// A JSON 1.1 call (`target` is the service's `X-Amz-Target` prefix); returns the answer.
    pub async fn json(
        &self,
        service: &str,
        target: &str,
        region: &str,
        operation: &str,
        body: &serde_json::Value,
    ) -> serde_json::Value {
        let headers = vec![
            ("Content-Type", "application/x-amz-json-1.1".to_owned()),
            ("X-Amz-Target", format!("{target}.{operation}")),
        ];
        let answer = self.send(service, region, "POST", "/", headers, body.to_string()).await;
        serde_json::from_str(&answer).unwrap_or(serde_json::Value::Null)
    }

    /// A REST call (Route 53, EFS); returns the answer.
    pub async fn rest(&self, service: &str, region: &str, method: &str, path: &str, body: String) -> String {
        self.send(service, region, method, path, Vec::new(), body).await
    }

    /// One request, signed in name only (the emulator reads the service from the
    /// credential scope and does not check the signature), over HTTP/1.0 so the answer
    /// comes whole, not chunked.
    async fn send(
        &self,
        service: &str,
        region: &str,
        method: &str,
        path: &str,
        headers: Vec<(&str, String)>,
        body: String,
    ) -> String {
        let host = self.endpoint.trim_start_matches("http://").to_owned();
        let mut request = format!(
            "{method} {path} HTTP/1.0\r\nHost: {host}\r\n\
             Authorization: AWS4-HMAC-SHA256 Credential=testing/20260101/{region}/{service}/aws4_request, SignedHeaders=host, Signature=x\r\n\
             Content-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            request.push_str(&format!("{name}: {value}\r\n"));
        }
        request.push_str("\r\n");
        request.push_str(&body);
        tokio::task::spawn_blocking(move || {
            use std::io::{Read, Write};
            let mut stream = std::net::TcpStream::connect(&host).unwrap();
            stream.write_all(request.as_bytes()).unwrap();
            let mut response = String::new();
            let _ = stream.read_to_string(&mut response);
            let status = response.split_whitespace().nth(1).unwrap_or_default().to_owned();
            assert!(status.starts_with('2'), "{request} failed: {response}");
            response.split_once("\r\n\r\n").map(|(_, body)| body.to_owned()).unwrap_or_default()
        })
        .await
        .unwrap()
    }

    pub async fn config(&self, region: &str) -> aws_config::SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(Region::new(region.to_owned()))
            .credentials_provider(aws_sdk_sts::config::Credentials::new("testing", "testing", None, None, "tests"))
            .load()
            .await
    }

    pub async fn ec2(&self, region: &str) -> aws_sdk_ec2::Client {
        aws_sdk_ec2::Client::new(&self.config(region).await)
    }

    pub async fn eks(&self, region: &str) -> aws_sdk_eks::Client {
        aws_sdk_eks::Client::new(&self.config(region).await)
    }

    pub async fn elasticache(&self, region: &str) -> aws_sdk_elasticache::Client {
        aws_sdk_elasticache::Client::new(&self.config(region).await)
    }

    pub async fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.config("us-east-1").await).force_path_style(true).build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    pub async fn bucket(&self, name: &str) {
        self.s3().await.create_bucket().bucket(name).send().await.unwrap();
    }

    pub async fn put(&self, bucket: &str, key: &str, body: impl Into<Vec<u8>>) {
        self.s3()
            .await
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(aws_sdk_s3::primitives::ByteStream::from(body.into()))
            .send()
            .await
            .unwrap();
    }

    pub async fn put_state(&self, bucket: &str, key: &str, state: &TfState) {
        self.put(bucket, key, state.to_json()).await;
    }
}

/// A `vpc-id` filter.
pub fn vpc_filter(vpc: &str) -> Filter {
    Filter::builder().name("vpc-id").values(vpc).build()
}

/// Tags for an EC2 create call.
pub fn tag_spec(resource: ResourceType, tags: &[(&str, &str)]) -> TagSpecification {
    let mut spec = TagSpecification::builder().resource_type(resource);
    for (k, v) in tags {
        spec = spec.tags(Tag::builder().key(*k).value(*v).build());
    }
    spec.build()
}

/// EC2 tags.
pub fn tags(tags: &[(&str, &str)]) -> Vec<Tag> {
    tags.iter().map(|(k, v)| Tag::builder().key(*k).value(*v).build()).collect()
}

/// An AMI moto knows.
pub const AMI: &str = "ami-12c6146b";

/// A small network: VPC, subnet, security group, instance, as seeded and as declared.
#[derive(Debug, Clone)]
pub struct Network {
    pub region: String,
    pub env: String,
    pub cidr: String,
    pub vpc: String,
    pub subnet: String,
    pub sg: String,
    pub instance: String,
    pub root_volume: String,
    pub primary_eni: String,
    pub main_route_table: String,
    pub default_sg: String,
    pub default_acl: String,
}

impl Network {
    /// Seeds the network in `region` with tags `Environment=env`.
    pub async fn seed(moto: &Seeder, region: &str, cidr: &str, env: &str) -> Self {
        let ec2 = moto.ec2(region).await;
        let env_tags = [("Environment", env)];
        let vpc = ec2
            .create_vpc()
            .cidr_block(format!("{cidr}.0.0/16"))
            .tag_specifications(tag_spec(ResourceType::Vpc, &[("Environment", env), ("Name", &format!("{env}-vpc"))]))
            .send()
            .await
            .unwrap()
            .vpc
            .unwrap()
            .vpc_id
            .unwrap();
        let subnet = ec2
            .create_subnet()
            .vpc_id(&vpc)
            .cidr_block(format!("{cidr}.1.0/24"))
            .availability_zone(format!("{region}a"))
            .tag_specifications(tag_spec(ResourceType::Subnet, &env_tags))
            .send()
            .await
            .unwrap()
            .subnet
            .unwrap()
            .subnet_id
            .unwrap();
        let sg = ec2
            .create_security_group()
            .group_name(format!("{env}-app"))
            .description("app")
            .vpc_id(&vpc)
            .tag_specifications(tag_spec(ResourceType::SecurityGroup, &env_tags))
            .send()
            .await
            .unwrap()
            .group_id
            .unwrap();
        let run = ec2
            .run_instances()
            .image_id(AMI)
            .min_count(1)
            .max_count(1)
            .instance_type(aws_sdk_ec2::types::InstanceType::T3Micro)
            .subnet_id(&subnet)
            .security_group_ids(&sg)
            .tag_specifications(tag_spec(ResourceType::Instance, &env_tags))
            .send()
            .await
            .unwrap();
        let instance = run.instances()[0].instance_id().unwrap().to_owned();
        let described = ec2.describe_instances().instance_ids(&instance).send().await.unwrap();
        let inst = &described.reservations()[0].instances()[0];
        let root_volume = inst.block_device_mappings()[0].ebs().unwrap().volume_id().unwrap().to_owned();
        let primary_eni = inst.network_interfaces()[0].network_interface_id().unwrap().to_owned();
        let tables = ec2.describe_route_tables().filters(vpc_filter(&vpc)).send().await.unwrap();
        let main_route_table = tables.route_tables()[0].route_table_id().unwrap().to_owned();
        let groups = ec2
            .describe_security_groups()
            .filters(vpc_filter(&vpc))
            .filters(aws_sdk_ec2::types::Filter::builder().name("group-name").values("default").build())
            .send()
            .await
            .unwrap();
        let default_sg = groups.security_groups()[0].group_id().unwrap().to_owned();
        let acls = ec2.describe_network_acls().filters(vpc_filter(&vpc)).send().await.unwrap();
        let default_acl = acls.network_acls()[0].network_acl_id().unwrap().to_owned();
        Self {
            region: region.to_owned(),
            env: env.to_owned(),
            cidr: format!("{cidr}.0.0/16"),
            vpc,
            subnet,
            sg,
            instance,
            root_volume,
            primary_eni,
            main_route_table,
            default_sg,
            default_acl,
        }
    }

    /// Declares the network in a state, the way the AWS provider writes it.
    pub fn declare(&self, state: TfState, module: Option<&str>, env: &str) -> TfState {
        self.declare_tagged(state, module, Some(env))
    }

    /// Declares the network with tags `Environment=env` in its attributes, or with none
    /// (`None`: a state written by a configuration that sets no tags, or tags applied later
    /// by hand, so that they are only live).
    pub fn declare_tagged(&self, state: TfState, module: Option<&str>, env: Option<&str>) -> TfState {
        let arn = |kind: &str, id: &str| format!("arn:aws:ec2:{}:{ACCOUNT}:{kind}/{id}", self.region);
        let (tags, vpc_tags) = match env {
            Some(env) => (
                serde_json::json!({"Environment": env}),
                serde_json::json!({"Environment": self.env, "Name": format!("{}-vpc", self.env)}),
            ),
            None => (serde_json::Value::Null, serde_json::Value::Null),
        };
        // Without tags, the attributes carry no `tags` at all.
        let with_tags = |mut attributes: serde_json::Value, tags: &serde_json::Value, all: bool| {
            if !tags.is_null() {
                attributes["tags"] = tags.clone();
                if all {
                    attributes["tags_all"] = tags.clone();
                }
            }
            attributes
        };
        state
            .module(module)
            .managed(
                "aws_vpc",
                "main",
                with_tags(
                    serde_json::json!({
                        "id": self.vpc, "arn": arn("vpc", &self.vpc), "cidr_block": self.cidr,
                        "default_security_group_id": self.default_sg, "main_route_table_id": self.main_route_table,
                        "default_route_table_id": self.main_route_table, "default_network_acl_id": self.default_acl,
                        "owner_id": ACCOUNT
                    }),
                    &vpc_tags,
                    true,
                ),
            )
            .managed(
                "aws_subnet",
                "app",
                with_tags(
                    serde_json::json!({"id": self.subnet, "arn": arn("subnet", &self.subnet), "vpc_id": self.vpc}),
                    &tags,
                    false,
                ),
            )
            .managed(
                "aws_security_group",
                "app",
                with_tags(
                    serde_json::json!({"id": self.sg, "arn": arn("security-group", &self.sg), "vpc_id": self.vpc,
                        "ingress": [], "egress": []}),
                    &tags,
                    false,
                ),
            )
            .managed(
                "aws_instance",
                "app",
                with_tags(
                    serde_json::json!({
                        "id": self.instance, "arn": arn("instance", &self.instance), "subnet_id": self.subnet,
                        "vpc_security_group_ids": [self.sg], "instance_type": "t3.micro", "ami": AMI,
                        "root_block_device": [{"volume_id": self.root_volume, "device_name": "/dev/sda1"}],
                        "primary_network_interface_id": self.primary_eni
                    }),
                    &tags,
                    false,
                ),
            )
            .module(None)
    }
}
