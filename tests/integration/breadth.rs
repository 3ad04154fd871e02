//! Issue 30 (first kinds): databases and load balancers are listed natively, tagged or not.
//! An account where a team declares its network, a database in its own subnet group, an
//! application load balancer with a target group and a listener, and where people also made
//! things by hand in the console, untagged: a database and its subnet group inside the
//! declared network, one outside it, a load balancer and a target group in the declared
//! network, a classic load balancer. One declared database was deleted out of band.
//! Each resource gets exactly its finding; nothing declared is reported.

use serde_json::json;

use crate::support::proxy::{FaultPlan, Match};
use crate::support::{ACCOUNT, Moto, Network, Output, TfState, finding};

const REGION: &str = "us-east-1";
const BUCKET: &str = "tfstate-breadth";

struct Account {
    net: Network,
    /// A second subnet of the declared VPC (a load balancer spans two zones).
    subnet_b: String,
    lb_arn: String,
    tg_arn: String,
    listener_arn: String,
    hand_lb: String,
    hand_tg: String,
}

/// The native id inside a load balancer's or target group's ARN (`app/NAME/ID`).
fn arn_id(arn: &str) -> String {
    let (_, rest) = arn.rsplit_once(':').expect("an ARN");
    rest.split_once('/').expect("TYPE/ID").1.to_owned()
}

async fn seed(moto: &Moto) -> Account {
    moto.bucket(BUCKET).await;
    let net = Network::seed(&moto.seeder(), REGION, "10.50", "prod").await;
    let ec2 = moto.ec2(REGION).await;
    let subnet_b = ec2
        .create_subnet()
        .vpc_id(&net.vpc)
        .cidr_block("10.50.2.0/24")
        .availability_zone(format!("{REGION}b"))
        .send()
        .await
        .unwrap()
        .subnet
        .unwrap()
        .subnet_id
        .unwrap();
    let rds = moto.rds(REGION).await;
    for (group, subnets) in [("app-db-subnets", [&net.subnet, &subnet_b]), ("hand-subnets", [&net.subnet, &subnet_b])] {
        // Untagged: `DescribeDBSubnetGroups` carries no tags, which come from the tagging
        // API, and the emulator's tagging API does not list DB subnet groups (AWS's does).
        let mut request = rds.create_db_subnet_group().db_subnet_group_name(group).db_subnet_group_description(group);
        for subnet in subnets {
            request = request.subnet_ids(subnet);
        }
        request.send().await.unwrap();
    }
    for (db, group, tagged) in [("app-db", Some("app-db-subnets"), true), ("hand-db", Some("hand-subnets"), false)] {
        let mut request = rds
            .create_db_instance()
            .db_instance_identifier(db)
            .engine("postgres")
            .db_instance_class("db.t3.micro")
            .allocated_storage(20)
            .master_username("app")
            .master_user_password("not-a-real-password")
            .vpc_security_group_ids(&net.sg)
            .set_db_subnet_group_name(group.map(str::to_owned));
        if tagged {
            request = request.tags(aws_sdk_rds::types::Tag::builder().key("Environment").value("prod").build());
        }
        request.send().await.unwrap();
    }
    // Made by hand outside any network a state declares.
    rds.create_db_instance()
        .db_instance_identifier("scratch-db")
        .engine("mysql")
        .db_instance_class("db.t3.small")
        .allocated_storage(20)
        .master_username("admin")
        .master_user_password("not-a-real-password")
        .send()
        .await
        .unwrap();

    let elbv2 = moto.elbv2(REGION).await;
    let mut lbs = Vec::new();
    let prod = aws_sdk_elasticloadbalancingv2::types::Tag::builder().key("Environment").value("prod").build();
    for name in ["app-lb", "hand-lb"] {
        let lb = elbv2
            .create_load_balancer()
            .name(name)
            .set_tags((name == "app-lb").then(|| vec![prod.clone()]))
            .subnets(&net.subnet)
            .subnets(&subnet_b)
            .security_groups(&net.sg)
            .send()
            .await
            .unwrap();
        lbs.push(lb.load_balancers()[0].load_balancer_arn().unwrap().to_owned());
    }
    let mut tgs = Vec::new();
    for name in ["app-tg", "hand-tg"] {
        let tg = elbv2
            .create_target_group()
            .name(name)
            .set_tags((name == "app-tg").then(|| vec![prod.clone()]))
            .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
            .port(80)
            .vpc_id(&net.vpc)
            .send()
            .await
            .unwrap();
        tgs.push(tg.target_groups()[0].target_group_arn().unwrap().to_owned());
    }
    let listener = elbv2
        .create_listener()
        .load_balancer_arn(&lbs[0])
        .protocol(aws_sdk_elasticloadbalancingv2::types::ProtocolEnum::Http)
        .port(80)
        .default_actions(
            aws_sdk_elasticloadbalancingv2::types::Action::builder()
                .r#type(aws_sdk_elasticloadbalancingv2::types::ActionTypeEnum::Forward)
                .target_group_arn(&tgs[0])
                .build(),
        )
        .send()
        .await
        .unwrap();
    let listener_arn = listener.listeners()[0].listener_arn().unwrap().to_owned();

    let elb = moto.elb(REGION).await;
    elb.create_load_balancer()
        .load_balancer_name("old-web")
        .availability_zones(format!("{REGION}a"))
        .listeners(
            aws_sdk_elasticloadbalancing::types::Listener::builder()
                .protocol("HTTP")
                .load_balancer_port(80)
                .instance_port(8080)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();

    Account {
        hand_lb: arn_id(&lbs[1]),
        hand_tg: arn_id(&tgs[1]),
        net,
        subnet_b,
        lb_arn: lbs[0].clone(),
        tg_arn: tgs[0].clone(),
        listener_arn,
    }
}

impl Account {
    /// The team's state: the network, its second subnet, the database (with the id the
    /// provider v5 writes, `db-…`, and its identifier), its subnet group, the load balancer
    /// with its listener and target group, and a database since deleted by hand.
    fn declare(&self) -> TfState {
        let rds_arn = |kind: &str, name: &str| format!("arn:aws:rds:{REGION}:{ACCOUNT}:{kind}:{name}");
        let tags = json!({"Environment": "prod"});
        self.net
            .declare(TfState::new(), None, "prod")
            .managed(
                "aws_subnet",
                "b",
                json!({"id": self.subnet_b, "vpc_id": self.net.vpc, "cidr_block": "10.50.2.0/24", "tags": {}}),
            )
            .managed(
                "aws_db_subnet_group",
                "app",
                json!({"id": "app-db-subnets", "name": "app-db-subnets", "arn": rds_arn("subgrp", "app-db-subnets"),
                       "subnet_ids": [self.net.subnet, self.subnet_b], "tags": {}}),
            )
            .managed_sensitive(
                "aws_db_instance",
                "app",
                json!({"id": "db-ABCDEFGHIJKLMNOPQRSTUVWXY1", "identifier": "app-db", "arn": rds_arn("db", "app-db"),
                       "resource_id": "db-ABCDEFGHIJKLMNOPQRSTUVWXY1", "engine": "postgres",
                       "instance_class": "db.t3.micro", "db_subnet_group_name": "app-db-subnets",
                       "vpc_security_group_ids": [self.net.sg], "password": "hunter2-in-state", "tags": tags}),
                &["password"],
            )
            .managed(
                "aws_db_instance",
                "reports",
                json!({"id": "db-ZYXWVUTSRQPONMLKJIHGFEDCB2", "identifier": "reports-db",
                       "arn": rds_arn("db", "reports-db"), "engine": "postgres", "instance_class": "db.t3.micro",
                       "db_subnet_group_name": "app-db-subnets", "tags": tags}),
            )
            .managed(
                "aws_lb",
                "app",
                json!({"id": self.lb_arn, "arn": self.lb_arn, "name": "app-lb", "load_balancer_type": "application",
                       "subnets": [self.net.subnet, self.subnet_b], "security_groups": [self.net.sg], "tags": tags}),
            )
            .managed(
                "aws_lb_target_group",
                "app",
                json!({"id": self.tg_arn, "arn": self.tg_arn, "name": "app-tg", "port": 80, "protocol": "HTTP",
                       "vpc_id": self.net.vpc, "tags": tags}),
            )
            .managed(
                "aws_lb_listener",
                "http",
                json!({"id": self.listener_arn, "arn": self.listener_arn, "load_balancer_arn": self.lb_arn,
                       "port": 80, "protocol": "HTTP",
                       "default_action": [{"type": "forward", "target_group_arn": self.tg_arn}]}),
            )
    }
}

fn scan(leftover: crate::support::Leftover) -> Output {
    leftover.args(["scan", "--state", &format!("s3://{BUCKET}"), "--format", "json", "--region", REGION]).run()
}

#[tokio::test]
async fn issue_30_databases_and_load_balancers_made_by_hand_are_found_untagged_and_declared_ones_are_silent() {
    let moto = Moto::start();
    let account = seed(&moto).await;
    moto.put_state(BUCKET, "prod/app.tfstate", &account.declare()).await;
    let out = scan(moto.leftover());
    let mut expected = vec![
        ("blocking-dependency".to_owned(), "hand-db".to_owned()),
        ("blocking-dependency".to_owned(), "hand-subnets".to_owned()),
        ("blocking-dependency".to_owned(), account.hand_lb.clone()),
        ("blocking-dependency".to_owned(), account.hand_tg.clone()),
        ("missing".to_owned(), "reports-db".to_owned()),
        ("unmanaged".to_owned(), "old-web".to_owned()),
        ("unmanaged".to_owned(), "scratch-db".to_owned()),
    ];
    let mut found = out.findings();
    expected.sort();
    found.sort();
    assert_eq!(found, expected, "{}\n{}", out.stdout, out.stderr);
    out.assert_code(1);
    assert!(!out.stdout.contains("hunter2") && !out.stderr.contains("hunter2"), "a state's password leaked");

    let report = out.json();
    assert_eq!(report["coverage"]["complete"], true, "{}", report["coverage"]);
    let hand_db = finding(&report, "hand-db");
    assert_eq!(hand_db["resource"]["kind"], "rds:db");
    assert!(hand_db["reason"].as_str().unwrap().contains(&account.net.subnet), "{hand_db}");
    // Priced from the listed class and storage.
    let scratch = finding(&report, "scratch-db");
    let basis = scratch["cost"]["basis"].as_str().unwrap_or_default();
    assert!(basis.contains("db.t3.small") && basis.contains("20 GB"), "{scratch}");
    assert_eq!(finding(&report, &account.hand_lb)["resource"]["kind"], "elasticloadbalancing:loadbalancer");
    assert_eq!(finding(&report, "old-web")["resource"]["kind"], "elasticloadbalancing:loadbalancer");

    // The cleanup plan deletes the load balancer before its target group's turn, keeps a
    // final snapshot of each database, and marks the loss.
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("cleanup.sh");
    moto.leftover()
        .args(["plan", "cleanup", "--state", &format!("s3://{BUCKET}"), "--region", REGION, "--output"])
        .arg(script.to_str().unwrap())
        .run();
    let text = std::fs::read_to_string(&script).unwrap();
    assert!(text.contains("aws rds delete-db-instance --db-instance-identifier scratch-db"), "{text}");
    assert!(text.contains("--final-db-snapshot-identifier scratch-db-final"), "{text}");
    assert!(text.contains("# DATA LOSS: deleting the DB instance destroys its data"), "{text}");
    let lb = text.find("delete-load-balancer --load-balancer-arn").expect("the load balancer is deleted");
    let tg = text.find("delete-target-group").expect("the target group is deleted");
    assert!(lb < tg, "{text}");
    assert!(text.contains("aws elb delete-load-balancer --load-balancer-name old-web"), "{text}");
}

#[tokio::test]
async fn issue_30_a_denied_database_listing_is_a_gap_naming_it_and_load_balancers_are_still_judged() {
    let moto = Moto::start();
    let account = seed(&moto).await;
    moto.put_state(BUCKET, "prod/app.tfstate", &account.declare()).await;
    let proxy = moto.proxy(FaultPlan::new(1).deny(Match::operation("rds", "DescribeDBInstances")));
    let out = scan(proxy.leftover());
    out.assert_code(3);
    let report = out.json();
    assert_eq!(report["coverage"]["complete"], false);
    let gaps = report["coverage"]["gaps"].as_array().unwrap();
    assert!(
        gaps.iter().any(|g| g["service"] == "rds" && g["operation"] == "DescribeDBInstances" && g["cause"] == "denied"),
        "{gaps:?}"
    );
    let found = out.findings();
    // Nothing is concluded about databases: neither the hand-made ones nor the deleted one.
    assert!(!found.iter().any(|(_, id)| id.ends_with("-db")), "{found:?}");
    // Load balancers and subnet groups were listed, and are judged as before.
    for id in [&account.hand_lb, &"old-web".to_owned(), &"hand-subnets".to_owned()] {
        assert!(found.iter().any(|(_, f)| f == id), "{id} not judged: {found:?}");
    }
}

/// Queues, topics and tables: listed natively, so the hand-made ones are found untagged
/// and the declared ones deleted by hand are missing.
#[tokio::test]
async fn issue_30_queues_topics_and_tables_made_by_hand_are_found_and_deleted_ones_are_missing() {
    use aws_sdk_dynamodb::types::{AttributeDefinition, BillingMode, KeySchemaElement, KeyType, ScalarAttributeType};
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let seeder = moto.seeder();
    let sns = moto.sns(REGION).await;
    let dynamodb = moto.dynamodb(REGION).await;
    for name in ["orders", "tmp-debug"] {
        seeder.create_queue(REGION, name, &[]).await;
    }
    for name in ["alerts", "test-topic"] {
        sns.create_topic().name(name).send().await.unwrap();
    }
    for name in ["sessions", "scratch-table"] {
        dynamodb
            .create_table()
            .table_name(name)
            .billing_mode(BillingMode::PayPerRequest)
            .attribute_definitions(
                AttributeDefinition::builder()
                    .attribute_name("id")
                    .attribute_type(ScalarAttributeType::S)
                    .build()
                    .unwrap(),
            )
            .key_schema(KeySchemaElement::builder().attribute_name("id").key_type(KeyType::Hash).build().unwrap())
            .send()
            .await
            .unwrap();
    }
    let queue = |name: &str| {
        json!({"id": format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}"), "name": name,
               "arn": format!("arn:aws:sqs:{REGION}:{ACCOUNT}:{name}"),
               "url": format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/{name}")})
    };
    let topic = |name: &str| {
        let arn = format!("arn:aws:sns:{REGION}:{ACCOUNT}:{name}");
        json!({"id": arn, "arn": arn, "name": name})
    };
    let table = |name: &str| {
        json!({"id": name, "name": name, "arn": format!("arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"),
               "hash_key": "id", "billing_mode": "PAY_PER_REQUEST"})
    };
    let policy = json!({"id": format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/orders"),
                        "queue_url": format!("https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/orders"), "policy": "{}"});
    let subscription = json!({"id": format!("arn:aws:sns:{REGION}:{ACCOUNT}:alerts:0a1b2c3d"),
                              "topic_arn": format!("arn:aws:sns:{REGION}:{ACCOUNT}:alerts"), "protocol": "email"});
    let state = TfState::new()
        .managed("aws_sqs_queue", "orders", queue("orders"))
        .managed("aws_sqs_queue_policy", "orders", policy)
        .managed("aws_sqs_queue", "old", queue("old-jobs"))
        .managed("aws_sns_topic", "alerts", topic("alerts"))
        .managed("aws_sns_topic_subscription", "oncall", subscription)
        .managed("aws_sns_topic", "old", topic("old-alerts"))
        .managed("aws_dynamodb_table", "sessions", table("sessions"))
        .managed("aws_dynamodb_table", "old", table("old-table"));
    moto.put_state(BUCKET, "prod/app.tfstate", &state).await;
    let out = scan(moto.leftover());
    let mut found = out.findings();
    found.sort();
    let expected: Vec<(String, String)> = [
        ("missing", "old-alerts"),
        ("missing", "old-jobs"),
        ("missing", "old-table"),
        ("unmanaged", "scratch-table"),
        ("unmanaged", "test-topic"),
        ("unmanaged", "tmp-debug"),
    ]
    .map(|(k, id)| (k.to_owned(), id.to_owned()))
    .to_vec();
    assert_eq!(found, expected, "{}\n{}", out.stdout, out.stderr);
    let report = out.json();
    assert_eq!(report["coverage"]["complete"], true);
    assert_eq!(finding(&report, "tmp-debug")["resource"]["kind"], "sqs:queue");
    assert_eq!(finding(&report, "scratch-table")["resource"]["kind"], "dynamodb:table");
}

/// Functions: a hand-made one attached to a declared network blocks its destroy, one outside
/// any network is unmanaged, a declared one deleted by hand is missing, and a declared one
/// with its permission and alias (parts) is silent.
#[tokio::test]
async fn issue_30_functions_made_by_hand_are_found_and_block_the_network_they_sit_in() {
    use aws_sdk_lambda::primitives::Blob;
    use aws_sdk_lambda::types::{FunctionCode, Runtime, VpcConfig};
    let moto = Moto::start();
    moto.bucket(BUCKET).await;
    let net = Network::seed(&moto.seeder(), REGION, "10.60", "prod").await;
    let role = moto.seeder().create_role("fn-runner").await;
    let lambda = moto.lambda(REGION).await;
    // An empty zip archive: the emulator stores the code, it never runs it here.
    let zip = Blob::new(b"PK\x05\x06\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0".to_vec());
    for (name, in_vpc) in [("api", true), ("resize-debug", true), ("cron-hack", false)] {
        let mut request = lambda
            .create_function()
            .function_name(name)
            .runtime(Runtime::Python312)
            .role(&role)
            .handler("main.handler")
            .code(FunctionCode::builder().zip_file(zip.clone()).build());
        if in_vpc {
            request =
                request.vpc_config(VpcConfig::builder().subnet_ids(&net.subnet).security_group_ids(&net.sg).build());
        }
        request.send().await.unwrap();
    }
    let function = |name: &str| {
        json!({"id": name, "function_name": name, "arn": format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"),
               "role": role, "runtime": "python3.12",
               "vpc_config": [{"subnet_ids": [net.subnet], "security_group_ids": [net.sg], "vpc_id": net.vpc}]})
    };
    let state = net
        .declare(TfState::new(), None, "prod")
        .managed("aws_lambda_function", "api", function("api"))
        .managed(
            "aws_lambda_permission",
            "api",
            json!({"id": "AllowApiGateway", "statement_id": "AllowApiGateway", "action": "lambda:InvokeFunction",
                   "function_name": format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:api"),
                   "principal": "apigateway.amazonaws.com"}),
        )
        .managed(
            "aws_lambda_alias",
            "live",
            json!({"id": format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:api:live"), "name": "live",
                   "function_name": "api", "function_version": "$LATEST"}),
        )
        .managed("aws_lambda_function", "old", function("old-fn"));
    moto.put_state(BUCKET, "prod/app.tfstate", &state).await;
    let out = scan(moto.leftover());
    let mut found = out.findings();
    found.sort();
    // The role the functions run as was made by hand too, and IAM is listed: a leftover.
    let expected: Vec<(String, String)> = [
        ("blocking-dependency", "resize-debug"),
        ("missing", "old-fn"),
        ("unmanaged", "cron-hack"),
        ("unmanaged", "fn-runner"),
    ]
    .map(|(k, id)| (k.to_owned(), id.to_owned()))
    .to_vec();
    assert_eq!(found, expected, "{}\n{}", out.stdout, out.stderr);
    let report = out.json();
    let blocking = finding(&report, "resize-debug");
    assert!(blocking["reason"].as_str().unwrap().contains(&net.subnet), "{blocking}");
}
