//! Issue 30 (the rest of the account): IAM, log groups, repositories, keys, secrets, Auto
//! Scaling, ECS, EFS, Route 53 and S3 are listed natively, tagged or not. An account where a
//! team declares one of each, and where people also made one of each by hand, untagged; a
//! secret tagged for the decommissioned staging; a few declared ones deleted by hand; and
//! what AWS makes itself (a service-linked role, an Auto Scaling group's instances, a key
//! pending deletion). Each resource gets exactly its finding; nothing else is reported.

use serde_json::{Value, json};

use crate::support::proxy::{FaultPlan, Match};
use crate::support::{ACCOUNT, Moto, Output, Seeder, TfState, finding};

const REGION: &str = "us-east-1";
const BUCKET: &str = "tfstate-rest";
const POLICY_DOC: &str =
    r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}"#;

struct Account {
    /// What the second wave of kinds made: a certificate, a REST API, an HTTP API.
    certificate: String,
    rest_api: String,
    http_api: String,
    keys: Vec<String>,
    file_systems: Vec<String>,
    zones: Vec<String>,
    secret_arns: Vec<String>,
}

fn form(pairs: &[(&str, &str)]) -> String {
    let encode = |s: &str| {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
                    char::from(b).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect::<String>()
    };
    pairs.iter().map(|(k, v)| format!("{k}={}", encode(v))).collect::<Vec<_>>().join("&")
}

async fn iam(seeder: &Seeder, pairs: &[(&str, &str)]) {
    let mut all = pairs.to_vec();
    all.push(("Version", "2010-05-08"));
    seeder.query("iam", REGION, form(&all)).await;
}

async fn autoscaling(seeder: &Seeder, pairs: &[(&str, &str)]) {
    let mut all = pairs.to_vec();
    all.push(("Version", "2011-01-01"));
    seeder.query("autoscaling", REGION, form(&all)).await;
}

async fn seed(moto: &Moto) -> Account {
    moto.bucket(BUCKET).await;
    let seeder = moto.seeder();
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#;
    for role in ["app-role", "hand-role"] {
        iam(&seeder, &[("Action", "CreateRole"), ("RoleName", role), ("AssumeRolePolicyDocument", trust)]).await;
    }
    iam(&seeder, &[("Action", "CreateServiceLinkedRole"), ("AWSServiceName", "autoscaling.amazonaws.com")]).await;
    for policy in ["app-policy", "hand-policy"] {
        iam(&seeder, &[("Action", "CreatePolicy"), ("PolicyName", policy), ("PolicyDocument", POLICY_DOC)]).await;
    }
    iam(&seeder, &[("Action", "CreateInstanceProfile"), ("InstanceProfileName", "hand-profile")]).await;
    iam(&seeder, &[("Action", "CreateUser"), ("UserName", "hand-user")]).await;

    for group in ["app/web", "hand/debug", "/aws/lambda/gone-fn"] {
        seeder.json("logs", "Logs_20140328", REGION, "CreateLogGroup", &json!({"logGroupName": group})).await;
    }
    for repo in ["app-repo", "hand-repo"] {
        let target = "AmazonEC2ContainerRegistry_V20150921";
        seeder.json("ecr", target, REGION, "CreateRepository", &json!({"repositoryName": repo})).await;
    }
    let mut keys = Vec::new();
    for description in ["app", "hand", "retired"] {
        let key = seeder.json("kms", "TrentService", REGION, "CreateKey", &json!({"Description": description})).await;
        keys.push(key["KeyMetadata"]["KeyId"].as_str().unwrap().to_owned());
    }
    let retire = json!({"KeyId": keys[2], "PendingWindowInDays": 7});
    seeder.json("kms", "TrentService", REGION, "ScheduleKeyDeletion", &retire).await;

    let mut secret_arns = Vec::new();
    for (name, tags) in [
        ("app/db", json!([{"Key": "Environment", "Value": "prod"}])),
        ("hand/secret", json!([])),
        ("staging/api-key", json!([{"Key": "Environment", "Value": "staging"}])),
    ] {
        let body = json!({"Name": name, "SecretString": "s3cr3t-in-aws", "Tags": tags});
        let secret = seeder.json("secretsmanager", "secretsmanager", REGION, "CreateSecret", &body).await;
        secret_arns.push(secret["ARN"].as_str().unwrap().to_owned());
    }

    for (config, group) in [("app-lc", "app-asg"), ("hand-lc", "hand-asg")] {
        autoscaling(
            &seeder,
            &[
                ("Action", "CreateLaunchConfiguration"),
                ("LaunchConfigurationName", config),
                ("ImageId", "ami-12c6146b"),
                ("InstanceType", "t3.micro"),
            ],
        )
        .await;
        autoscaling(
            &seeder,
            &[
                ("Action", "CreateAutoScalingGroup"),
                ("AutoScalingGroupName", group),
                ("LaunchConfigurationName", config),
                ("MinSize", "1"),
                ("MaxSize", "1"),
                ("DesiredCapacity", "1"),
                ("AvailabilityZones.member.1", "us-east-1a"),
            ],
        )
        .await;
    }

    let ecs = "AmazonEC2ContainerServiceV20141113";
    for cluster in ["app", "hand"] {
        seeder.json("ecs", ecs, REGION, "CreateCluster", &json!({"clusterName": cluster})).await;
    }
    for family in ["app-task", "hand-task"] {
        let body =
            json!({"family": family, "containerDefinitions": [{"name": "web", "image": "nginx", "memory": 128}]});
        seeder.json("ecs", ecs, REGION, "RegisterTaskDefinition", &body).await;
    }
    let service =
        json!({"cluster": "hand", "serviceName": "hand-svc", "taskDefinition": "hand-task:1", "desiredCount": 0});
    seeder.json("ecs", ecs, REGION, "CreateService", &service).await;

    let mut file_systems = Vec::new();
    for token in ["app", "hand"] {
        let body = json!({"CreationToken": token}).to_string();
        let fs = seeder.rest("elasticfilesystem", REGION, "POST", "/2015-02-01/file-systems", body).await;
        let fs: Value = serde_json::from_str(&fs).unwrap();
        file_systems.push(fs["FileSystemId"].as_str().unwrap().to_owned());
    }
    // The hand-made file system is mounted in the default VPC.
    let ec2 = moto.ec2(REGION).await;
    let subnets = ec2.describe_subnets().send().await.unwrap();
    let subnet = subnets.subnets()[0].subnet_id().unwrap().to_owned();
    let mount = json!({"FileSystemId": file_systems[1], "SubnetId": subnet}).to_string();
    seeder.rest("elasticfilesystem", REGION, "POST", "/2015-02-01/mount-targets", mount).await;

    let mut zones = Vec::new();
    for name in ["app.example.com", "hand.example.com"] {
        let body = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><CreateHostedZoneRequest xmlns="https://route53.amazonaws.com/doc/2013-04-01/"><Name>{name}</Name><CallerReference>{name}</CallerReference></CreateHostedZoneRequest>"#
        );
        let zone = seeder.rest("route53", REGION, "POST", "/2013-04-01/hostedzone", body).await;
        let id = zone.split("<Id>").nth(1).and_then(|rest| rest.split("</Id>").next()).unwrap();
        zones.push(id.trim_start_matches("/hostedzone/").to_owned());
    }

    let s3 = moto.s3().await;
    for bucket in ["app-assets", "hand-bucket"] {
        s3.create_bucket().bucket(bucket).send().await.unwrap();
    }

    for name in ["app-param", "hand-param"] {
        let body = json!({"Name": name, "Value": "v", "Type": "String"});
        seeder.json("ssm", "AmazonSSM", REGION, "PutParameter", &body).await;
    }
    let certificate = seeder
        .json("acm", "CertificateManager", REGION, "RequestCertificate", &json!({"DomainName": "hand.example.com"}))
        .await["CertificateArn"]
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let alarm = [
        ("Action", "PutMetricAlarm"),
        ("AlarmName", "hand-alarm"),
        ("MetricName", "CPUUtilization"),
        ("Namespace", "AWS/EC2"),
        ("Statistic", "Average"),
        ("Period", "60"),
        ("EvaluationPeriods", "1"),
        ("Threshold", "90"),
        ("ComparisonOperator", "GreaterThanThreshold"),
        ("Version", "2010-08-01"),
    ];
    seeder.query("monitoring", REGION, form(&alarm)).await;
    let template = r#"{"Resources":{"Handle":{"Type":"AWS::CloudFormation::WaitConditionHandle"}}}"#;
    let stack =
        [("Action", "CreateStack"), ("StackName", "hand-stack"), ("TemplateBody", template), ("Version", "2010-05-15")];
    seeder.query("cloudformation", REGION, form(&stack)).await;
    let rest = seeder.rest("apigateway", REGION, "POST", "/restapis", json!({"name": "hand-api"}).to_string()).await;
    let rest_api = serde_json::from_str::<Value>(&rest).unwrap()["id"].as_str().unwrap().to_owned();
    let body = json!({"name": "hand-http", "protocolType": "HTTP"}).to_string();
    let http = seeder.rest("apigateway", REGION, "POST", "/v2/apis", body).await;
    let http_api = serde_json::from_str::<Value>(&http).unwrap()["apiId"].as_str().unwrap().to_owned();
    Account { certificate, rest_api, http_api, keys, file_systems, zones, secret_arns }
}

impl Account {
    /// The team's state: one of each kind, a part inside a parent (a policy attachment, a
    /// record), and one of several kinds since deleted by hand. Only the secret was made
    /// with tags, so only it declares any.
    fn declare(&self) -> TfState {
        let arn = |service: &str, rest: &str| format!("arn:aws:{service}:{REGION}:{ACCOUNT}:{rest}");
        let iam_arn = |rest: &str| format!("arn:aws:iam::{ACCOUNT}:{rest}");
        let tags = json!({"Environment": "prod"});
        TfState::new()
            .managed("aws_iam_role", "app", json!({"id": "app-role", "name": "app-role", "arn": iam_arn("role/app-role")}))
            .managed(
                "aws_iam_role_policy_attachment",
                "app",
                json!({"id": "app-role-2026", "role": "app-role", "policy_arn": iam_arn("policy/app-policy")}),
            )
            .managed("aws_iam_role", "gone", json!({"id": "gone-role", "name": "gone-role", "arn": iam_arn("role/gone-role")}))
            .managed(
                "aws_iam_policy",
                "app",
                json!({"id": iam_arn("policy/app-policy"), "arn": iam_arn("policy/app-policy"), "name": "app-policy"}),
            )
            .managed(
                "aws_cloudwatch_log_group",
                "web",
                json!({"id": "app/web", "name": "app/web", "arn": arn("logs", "log-group:app/web")}),
            )
            .managed(
                "aws_cloudwatch_log_group",
                "gone",
                json!({"id": "app/gone", "name": "app/gone", "arn": arn("logs", "log-group:app/gone")}),
            )
            .managed(
                "aws_ecr_repository",
                "app",
                json!({"id": "app-repo", "name": "app-repo", "arn": arn("ecr", "repository/app-repo")}),
            )
            .managed(
                "aws_kms_key",
                "app",
                json!({"id": self.keys[0], "key_id": self.keys[0], "arn": arn("kms", &format!("key/{}", self.keys[0]))}),
            )
            .managed(
                "aws_secretsmanager_secret",
                "db",
                json!({"id": self.secret_arns[0], "arn": self.secret_arns[0], "name": "app/db", "tags": tags}),
            )
            .managed(
                "aws_launch_configuration",
                "app",
                json!({"id": "app-lc", "name": "app-lc", "image_id": "ami-12c6146b", "instance_type": "t3.micro",
                       "arn": arn("autoscaling", "launchConfiguration:0:launchConfigurationName/app-lc")}),
            )
            .managed(
                "aws_autoscaling_group",
                "app",
                json!({"id": "app-asg", "name": "app-asg", "launch_configuration": "app-lc",
                       "arn": arn("autoscaling", "autoScalingGroup:0:autoScalingGroupName/app-asg")}),
            )
            .managed(
                "aws_ecs_cluster",
                "app",
                json!({"id": arn("ecs", "cluster/app"), "arn": arn("ecs", "cluster/app"), "name": "app"}),
            )
            .managed(
                "aws_ecs_task_definition",
                "app",
                json!({"id": "app-task", "family": "app-task", "revision": 1,
                       "arn": arn("ecs", "task-definition/app-task:1")}),
            )
            .managed(
                "aws_efs_file_system",
                "app",
                json!({"id": self.file_systems[0], "arn": arn("elasticfilesystem", &format!("file-system/{}", self.file_systems[0])),
                       "creation_token": "app"}),
            )
            .managed(
                "aws_efs_file_system",
                "gone",
                json!({"id": "fs-0123456789abcdef0", "arn": arn("elasticfilesystem", "file-system/fs-0123456789abcdef0"),
                       "creation_token": "gone"}),
            )
            .managed(
                "aws_route53_zone",
                "app",
                json!({"id": self.zones[0], "zone_id": self.zones[0], "name": "app.example.com",
                       "arn": format!("arn:aws:route53:::hostedzone/{}", self.zones[0])}),
            )
            .managed(
                "aws_route53_record",
                "www",
                json!({"id": format!("{}_www.app.example.com_A", self.zones[0]), "zone_id": self.zones[0],
                       "name": "www.app.example.com", "type": "A", "records": ["10.0.0.1"], "ttl": 300}),
            )
            .managed(
                "aws_s3_bucket",
                "assets",
                json!({"id": "app-assets", "bucket": "app-assets", "arn": "arn:aws:s3:::app-assets"}),
            )
            .managed(
                "aws_s3_bucket",
                "gone",
                json!({"id": "gone-bucket", "bucket": "gone-bucket", "arn": "arn:aws:s3:::gone-bucket"}),
            )
            .managed(
                "aws_ssm_parameter",
                "app",
                json!({"id": "app-param", "name": "app-param", "type": "String", "arn": arn("ssm", "parameter/app-param")}),
            )
            .managed(
                "aws_s3_bucket_versioning",
                "assets",
                json!({"id": "app-assets", "bucket": "app-assets"}),
            )
    }
}

fn scan(leftover: crate::support::Leftover, policy: &std::path::Path) -> Output {
    leftover
        .args(["scan", "--state", &format!("s3://{BUCKET}"), "--format", "json", "--region", REGION, "--policy"])
        .arg(policy.to_str().unwrap())
        .run()
}

fn policy(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("policy.toml");
    std::fs::write(
        &path,
        "[environments.staging]\nstatus = \"decommissioned\"\n\n[environments.prod]\nstatus = \"alive\"\n",
    )
    .unwrap();
    path
}

#[tokio::test]
async fn issue_30_every_kind_made_by_hand_is_found_untagged_and_declared_ones_are_silent() {
    let moto = Moto::start();
    let account = seed(&moto).await;
    moto.put_state(BUCKET, "prod/app.tfstate", &account.declare()).await;
    let dir = tempfile::tempdir().unwrap();
    let out = scan(moto.leftover(), &policy(&dir));
    let hand_fs = account.file_systems[1].clone();
    let hand_zone = account.zones[1].clone();
    let mut expected: Vec<(String, String)> = [
        ("unmanaged", "hand-role"),
        ("unmanaged", "hand-policy"),
        ("unmanaged", "hand-profile"),
        ("unmanaged", "hand-user"),
        ("unmanaged", "hand/debug"),
        ("unmanaged", "/aws/lambda/gone-fn"),
        ("unmanaged", "hand-repo"),
        ("unmanaged", account.keys[1].as_str()),
        ("unmanaged", "hand/secret"),
        ("deleted-env", "staging/api-key"),
        ("unmanaged", "hand-asg"),
        ("unmanaged", "hand-lc"),
        ("unmanaged", "hand"),
        ("unmanaged", "hand-task:1"),
        ("unmanaged", "hand/hand-svc"),
        ("unmanaged", hand_fs.as_str()),
        ("unmanaged", hand_zone.as_str()),
        ("unmanaged", "hand-bucket"),
        ("unmanaged", "hand-param"),
        ("unmanaged", account.certificate.as_str()),
        ("unmanaged", "hand-alarm"),
        ("unmanaged", "hand-stack"),
        ("unmanaged", account.rest_api.as_str()),
        ("unmanaged", account.http_api.as_str()),
        ("missing", "gone-role"),
        ("missing", "app/gone"),
        ("missing", "fs-0123456789abcdef0"),
        ("missing", "gone-bucket"),
    ]
    .iter()
    .map(|(k, id)| ((*k).to_owned(), (*id).to_owned()))
    .collect();
    let mut found = out.findings();
    expected.sort();
    found.sort();
    assert_eq!(found, expected, "{}\n{}", out.stdout, out.stderr);
    out.assert_code(1);
    assert!(!out.stdout.contains("s3cr3t-in-aws"), "a secret's value leaked");

    let report = out.json();
    assert_eq!(report["coverage"]["complete"], true, "{}", report["coverage"]);
    // Global kinds are placed in no region, and IAM says what it is.
    let role = finding(&report, "hand-role");
    assert_eq!(role["resource"]["kind"], "iam:role");
    assert_eq!(role["resource"]["region"], "global");
    // The log group AWS would have made for a function that no longer exists says so.
    let orphan = finding(&report, "/aws/lambda/gone-fn");
    assert!(orphan["reason"].as_str().unwrap().contains("gone-fn"), "{orphan}");
    // The Auto Scaling group carries the instance it launched, reported once.
    let asg = finding(&report, "hand-asg");
    let carried = asg["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["relation"] == "owns" && r["kind"] == "ec2:instance")
        .count();
    assert_eq!(carried, 1, "{asg}");
    // Priced where AWS charges a flat rate.
    assert!(finding(&report, &account.keys[1])["cost"]["basis"].as_str().unwrap_or_default().contains("KMS key"));

    // The cleanup plan: keys scheduled with the 30-day window, secrets with their recovery
    // window, mount targets before their file system, IAM left with why.
    let script = dir.path().join("cleanup.sh");
    moto.leftover()
        .args(["plan", "cleanup", "--state", &format!("s3://{BUCKET}"), "--region", REGION, "--output"])
        .arg(script.to_str().unwrap())
        .run();
    let text = std::fs::read_to_string(&script).unwrap();
    let key = &account.keys[1];
    assert!(
        text.contains(&format!("aws kms schedule-key-deletion --key-id {key} --pending-window-in-days 30")),
        "{text}"
    );
    assert!(text.contains("--recovery-window-in-days 30"), "{text}");
    assert!(text.contains(&format!("aws efs delete-file-system --file-system-id {hand_fs}")), "{text}");
    let mount = text.find("aws efs delete-mount-target").expect("its mount target goes first");
    assert!(mount < text.find("aws efs delete-file-system").unwrap(), "{text}");
    assert!(
        text.contains("aws autoscaling delete-auto-scaling-group --auto-scaling-group-name hand-asg --force-delete"),
        "{text}"
    );
    assert!(text.contains("# NOT DELETED: iam:role hand-role"), "{text}");
    let asg = text.find("delete-auto-scaling-group").unwrap();
    let lc = text.find("delete-launch-configuration").unwrap();
    assert!(asg < lc, "the group goes before its launch configuration: {text}");

    // Adopt: import blocks for what can be imported.
    let adopted = dir.path().join("adopt");
    moto.leftover()
        .args(["plan", "adopt", "--state", &format!("s3://{BUCKET}"), "--region", REGION, "--output"])
        .arg(adopted.to_str().unwrap())
        .run();
    let mut blocks = String::new();
    for file in std::fs::read_dir(&adopted).unwrap() {
        blocks.push_str(&std::fs::read_to_string(file.unwrap().path()).unwrap_or_default());
    }
    for line in ["id = \"hand-role\"", "id = \"hand/debug\"", "id = \"hand-repo\"", "id = \"hand-bucket\""] {
        assert!(blocks.contains(line), "{line}: {blocks}");
    }
}

/// One service denied at a time, of each protocol the raw client speaks: the gap names the
/// service and operation, exit 3, and the other kinds are still judged.
#[tokio::test]
async fn issue_30_a_denied_service_of_any_protocol_is_a_gap_naming_it_and_the_rest_is_judged() {
    let moto = Moto::start();
    let account = seed(&moto).await;
    moto.put_state(BUCKET, "prod/app.tfstate", &account.declare()).await;
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&str, &str, &[&str]); 4] = [
        ("iam", "ListRoles", &["hand-role", "gone-role"]),
        ("logs", "DescribeLogGroups", &["hand/debug", "app/gone"]),
        ("elasticfilesystem", "DescribeFileSystems", &["fs-0123456789abcdef0"]),
        ("route53", "ListHostedZones", &[]),
    ];
    for (service, operation, withheld) in cases {
        let proxy = moto.proxy(FaultPlan::new(1).deny(Match::operation(service, operation)));
        let out = scan(proxy.leftover(), &policy(&dir));
        out.assert_code(3);
        let report = out.json();
        assert_eq!(report["coverage"]["complete"], false);
        let gaps = report["coverage"]["gaps"].as_array().unwrap();
        assert!(
            gaps.iter().any(|g| g["service"] == service && g["operation"] == operation && g["cause"] == "denied"),
            "{service}: {gaps:?}"
        );
        let found = out.findings();
        for id in withheld {
            assert!(!found.iter().any(|(_, f)| f == id), "{service} denied, yet {id} judged: {found:?}");
        }
        for id in ["hand-repo", "hand-bucket", "staging/api-key"] {
            assert!(found.iter().any(|(_, f)| f == id), "{service} denied: {id} not judged: {found:?}");
        }
    }
}
