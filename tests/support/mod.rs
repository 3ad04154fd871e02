//! support: the test harness. Starts moto's standalone server on a free loopback port,
//! seeds it through aws-sdk-rust, writes Terraform state into its S3, and runs the
//! `leftover` binary against it the way a user would.
#![allow(dead_code, clippy::missing_panics_doc, clippy::unwrap_used)]

pub mod tfstate;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, Region};
use aws_sdk_ec2::types::{ResourceType, Tag, TagSpecification};

pub use tfstate::TfState;

/// The account moto answers as.
pub const ACCOUNT: &str = "123456789012";

/// Where the pinned emulator lives: `$LEFTOVER_MOTO_SERVER`, or `.venv/bin/moto_server`.
pub fn moto_binary() -> PathBuf {
    if let Some(path) = std::env::var_os("LEFTOVER_MOTO_SERVER") {
        return PathBuf::from(path);
    }
    let local = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/moto_server");
    assert!(
        local.exists(),
        "the AWS emulator is not installed: run scripts/test (it installs the pinned moto[server] into .venv), \
         or set LEFTOVER_MOTO_SERVER to a moto_server binary"
    );
    local
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running moto server, stopped when dropped.
pub struct Moto {
    child: Child,
    pub port: u16,
    pub endpoint: String,
    pub log: PathBuf,
}

impl Moto {
    /// Starts a fresh server and waits until it answers.
    pub fn start() -> Self {
        let binary = moto_binary();
        let log_dir = Path::new(env!("CARGO_TARGET_TMPDIR"));
        for _attempt in 0..3 {
            let port = free_port();
            let log = log_dir.join(format!("moto-{port}.log"));
            let log_file = std::fs::File::create(&log).unwrap();
            let child = Command::new(&binary)
                .args(["-H", "127.0.0.1", "-p", &port.to_string()])
                .stdout(Stdio::from(log_file.try_clone().unwrap()))
                .stderr(Stdio::from(log_file))
                .spawn()
                .unwrap_or_else(|err| panic!("cannot start {}: {err}", binary.display()));
            let mut moto = Self { child, port, endpoint: format!("http://127.0.0.1:{port}"), log };
            if moto.wait_ready(Duration::from_secs(30)) {
                return moto;
            }
            let _ = moto.child.kill();
        }
        panic!("moto_server did not start; see the logs under {}", log_dir.display());
    }

    fn wait_ready(&mut self, limit: Duration) -> bool {
        let started = Instant::now();
        while started.elapsed() < limit {
            if let Ok(Some(_)) = self.child.try_wait() {
                return false;
            }
            if let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) {
                let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
                let request = "GET /moto-api/data.json HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
                if stream.write_all(request.as_bytes()).is_ok() {
                    let mut buf = [0u8; 12];
                    if stream.read(&mut buf).is_ok_and(|n| n > 0) && buf.starts_with(b"HTTP/1.") {
                        return true;
                    }
                }
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        false
    }

    /// The shared configuration of seeding clients.
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

    /// Creates a bucket (in us-east-1).
    pub async fn bucket(&self, name: &str) {
        self.s3().await.create_bucket().bucket(name).send().await.unwrap();
    }

    /// Puts an object.
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

    /// Writes a state into a bucket.
    pub async fn put_state(&self, bucket: &str, key: &str, state: &TfState) {
        self.put(bucket, key, state.to_json()).await;
    }

    /// A `leftover` invocation against this emulator.
    pub fn leftover(&self) -> Leftover {
        Leftover::new().env("AWS_ENDPOINT_URL", &self.endpoint)
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One run of the binary, built fluently.
pub struct Leftover {
    args: Vec<String>,
    envs: Vec<(String, String)>,
}

/// What a run printed and returned.
#[derive(Debug)]
pub struct Output {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|err| panic!("stdout is not JSON ({err}):\n{}\nstderr:\n{}", self.stdout, self.stderr))
    }

    /// `(kind, resource id)` of every finding, sorted.
    pub fn findings(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["kind"].as_str().unwrap().to_owned(), f["resource"]["id"].as_str().unwrap().to_owned()))
            .collect();
        out.sort();
        out
    }

    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, code, "exit code\nstdout:\n{}\nstderr:\n{}", self.stdout, self.stderr);
        self
    }
}

impl Leftover {
    pub fn new() -> Self {
        Self {
            args: Vec::new(),
            envs: vec![
                ("AWS_ACCESS_KEY_ID".into(), "testing".into()),
                ("AWS_SECRET_ACCESS_KEY".into(), "testing".into()),
                ("AWS_REGION".into(), "us-east-1".into()),
                ("AWS_EC2_METADATA_DISABLED".into(), "true".into()),
                ("NO_COLOR".into(), "1".into()),
            ],
        }
    }

    #[must_use]
    pub fn arg(mut self, arg: impl Into<String>) -> Self {
        self.args.push(arg.into());
        self
    }

    #[must_use]
    pub fn args<I: IntoIterator<Item = S>, S: Into<String>>(mut self, args: I) -> Self {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    #[must_use]
    pub fn env(mut self, key: &str, value: &str) -> Self {
        self.envs.retain(|(k, _)| k != key);
        self.envs.push((key.to_owned(), value.to_owned()));
        self
    }

    pub fn run(self) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_leftover"));
        command.args(&self.args).env_clear();
        for key in ["PATH", "HOME", "TMPDIR"] {
            if let Some(value) = std::env::var_os(key) {
                command.env(key, value);
            }
        }
        command.envs(self.envs.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let out = command.output().unwrap();
        Output {
            code: out.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

impl Default for Leftover {
    fn default() -> Self {
        Self::new()
    }
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
    pub async fn seed(moto: &Moto, region: &str, cidr: &str, env: &str) -> Self {
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
        let tables = ec2
            .describe_route_tables()
            .filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(&vpc).build())
            .send()
            .await
            .unwrap();
        let main_route_table = tables.route_tables()[0].route_table_id().unwrap().to_owned();
        let groups = ec2
            .describe_security_groups()
            .filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(&vpc).build())
            .filters(aws_sdk_ec2::types::Filter::builder().name("group-name").values("default").build())
            .send()
            .await
            .unwrap();
        let default_sg = groups.security_groups()[0].group_id().unwrap().to_owned();
        let acls = ec2
            .describe_network_acls()
            .filters(aws_sdk_ec2::types::Filter::builder().name("vpc-id").values(&vpc).build())
            .send()
            .await
            .unwrap();
        let default_acl = acls.network_acls()[0].network_acl_id().unwrap().to_owned();
        Self {
            region: region.to_owned(),
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
        let arn = |kind: &str, id: &str| format!("arn:aws:ec2:{}:{ACCOUNT}:{kind}/{id}", self.region);
        let tags = serde_json::json!({"Environment": env});
        state
            .module(module)
            .managed(
                "aws_vpc",
                "main",
                serde_json::json!({
                    "id": self.vpc, "arn": arn("vpc", &self.vpc), "cidr_block": "10.0.0.0/16",
                    "default_security_group_id": self.default_sg, "main_route_table_id": self.main_route_table,
                    "default_route_table_id": self.main_route_table, "default_network_acl_id": self.default_acl,
                    "tags": tags, "tags_all": tags, "owner_id": ACCOUNT
                }),
            )
            .managed(
                "aws_subnet",
                "app",
                serde_json::json!({"id": self.subnet, "arn": arn("subnet", &self.subnet), "vpc_id": self.vpc, "tags": tags}),
            )
            .managed(
                "aws_security_group",
                "app",
                serde_json::json!({"id": self.sg, "arn": arn("security-group", &self.sg), "vpc_id": self.vpc,
                    "ingress": [], "egress": [], "tags": tags}),
            )
            .managed(
                "aws_instance",
                "app",
                serde_json::json!({
                    "id": self.instance, "arn": arn("instance", &self.instance), "subnet_id": self.subnet,
                    "vpc_security_group_ids": [self.sg], "instance_type": "t3.micro", "ami": AMI,
                    "root_block_device": [{"volume_id": self.root_volume, "device_name": "/dev/sda1"}],
                    "primary_network_interface_id": self.primary_eni, "tags": tags
                }),
            )
            .module(None)
    }
}
