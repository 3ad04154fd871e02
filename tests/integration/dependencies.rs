//! The dependency graph: broken references, blocking dependencies, drift, cross-state
//! links, and `explain`.

use aws_sdk_ec2::types::{IpPermission, ResourceType, Tag, UserIdGroupPair};
use serde_json::json;

use crate::support::incident::{self, BUCKET};
use crate::support::{Moto, Network, TfState, tag_spec};

fn of_kind<'a>(report: &'a serde_json::Value, kind: &str) -> Vec<&'a serde_json::Value> {
    report["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == kind).collect()
}

#[tokio::test]
async fn the_incident_stale_peering_and_its_routes_are_broken_references() {
    let moto = Moto::start();
    let seeded = incident::seed(&moto.seeder()).await;
    let out = moto.leftover().args(["scan", "--state", &format!("s3://{BUCKET}"), "--format", "json"]).run();
    let report = out.json();
    let broken = of_kind(&report, "broken-reference");
    // The peering: deleted, its accepter VPC (the old dev VPC) gone, still routed into.
    let peering = broken.iter().find(|f| f["resource"]["id"] == seeded.stale_peering.as_str()).expect("peering");
    let reason = peering["reason"].as_str().unwrap();
    assert!(reason.contains("deleted") && reason.contains(&seeded.old_dev_vpc), "{reason}");
    assert!(reason.contains(&seeded.shared_route_table), "{reason}");
    // The shared route table still sends the dev CIDR into it.
    let route = broken.iter().find(|f| f["resource"]["id"] == seeded.shared_route_table.as_str()).expect("route table");
    let reason = route["reason"].as_str().unwrap();
    assert!(reason.contains("10.1.0.0/16") && reason.contains(&seeded.stale_peering), "{reason}");
    assert_eq!(route["subject"], "route 10.1.0.0/16");
    assert_eq!(route["state"]["address"], "aws_route_table.cache");
    // So does the recreated dev route table, for the shared CIDR.
    let dev_route =
        broken.iter().find(|f| f["resource"]["id"] == seeded.dev_route_table.as_str()).expect("dev route table");
    assert!(dev_route["reason"].as_str().unwrap().contains("10.30.0.0/16"));
    // The dev state reads the peering from the shared state: a cross-state link.
    let cross = of_kind(&report, "cross-state");
    let link = cross.iter().find(|f| f["resource"]["id"] == seeded.stale_peering.as_str()).expect("cross-state");
    assert_eq!(link["state"]["source"], "s3://rosey-tfstate/shared/redis.tfstate");
    assert!(
        link["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["state"]["address"] == "module.network.aws_route.to_shared_cache")
    );
    assert!(
        link["reason"]
            .as_str()
            .unwrap()
            .contains("destroy s3://rosey-tfstate/env:/dev/platform/terraform.tfstate before")
    );
    // Nothing in the fixture drifts: every tag and rule live is declared.
    assert!(of_kind(&report, "drift").is_empty(), "{}", out.stdout);
}

#[tokio::test]
async fn an_unmanaged_load_balancer_interface_blocks_its_subnet_and_explain_shows_the_chain() {
    let moto = Moto::start();
    moto.bucket("tfstate-d").await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "dev").await;
    moto.put_state("tfstate-d", "dev/network.tfstate", &net.declare(TfState::new(), None, "dev")).await;
    let ec2 = moto.ec2("us-east-1").await;
    let eni = ec2
        .create_network_interface()
        .subnet_id(&net.subnet)
        .description("ELB net/k8s-dev-api/1a2b3c4d5e6f7a8b")
        .groups(&net.sg)
        .send()
        .await
        .unwrap()
        .network_interface
        .unwrap()
        .network_interface_id
        .unwrap();
    let out = moto.leftover().args(["scan", "--state", "s3://tfstate-d", "--format", "json"]).run();
    out.assert_code(1);
    let report = out.json();
    let blocking = of_kind(&report, "blocking-dependency");
    assert_eq!(blocking.len(), 1, "{}", out.stdout);
    assert_eq!(blocking[0]["resource"]["id"], eni.as_str());
    let blocks: Vec<&str> = blocking[0]["related"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["relation"] == "blocks")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(blocks.contains(&net.subnet.as_str()) && blocks.contains(&net.sg.as_str()), "{blocks:?}");
    assert!(blocking[0]["reason"].as_str().unwrap().contains("load balancer net/k8s-dev-api/1a2b3c4d5e6f7a8b"));
    assert!(of_kind(&report, "unmanaged").is_empty(), "reported once, as blocking: {}", out.stdout);

    let explained =
        moto.leftover().args(["explain", &net.subnet, "--state", "s3://tfstate-d", "--format", "json"]).run();
    explained.assert_code(0);
    let e = explained.json();
    assert_eq!(e["class"], "managed");
    assert_eq!(e["declared_by"][0]["address"], "aws_subnet.app");
    assert!(e["blocked_by"].as_array().unwrap().iter().any(|b| b.as_str().unwrap().contains(&eni)), "{e}");
    assert!(
        e["relations_in"].as_array().unwrap().iter().any(|r| r["id"] == eni.as_str() && r["relation"] == "in-subnet")
    );
    let text = moto.leftover().args(["explain", &net.subnet, "--state", "s3://tfstate-d"]).run();
    assert!(text.stdout.contains("blocked by (delete in this order before destroying it):"), "{}", text.stdout);
    assert!(text.stdout.contains("class: managed"));

    // Unknown ids are a usage error.
    let unknown = moto.leftover().args(["explain", "vpc-00000000000000000", "--state", "s3://tfstate-d"]).run();
    unknown.assert_code(2);
    assert!(unknown.stderr.contains("vpc-00000000000000000"));
}

#[tokio::test]
async fn a_tag_changed_by_hand_is_drift_with_both_values() {
    let moto = Moto::start();
    moto.bucket("tfstate-d").await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "dev").await;
    moto.put_state("tfstate-d", "dev/network.tfstate", &net.declare(TfState::new(), None, "dev")).await;
    let ec2 = moto.ec2("us-east-1").await;
    ec2.create_tags()
        .resources(&net.subnet)
        .tags(Tag::builder().key("Environment").value("prod").build())
        .send()
        .await
        .unwrap();
    let out = moto.leftover().args(["scan", "--state", "s3://tfstate-d", "--format", "json"]).run();
    let report = out.json();
    let drift = of_kind(&report, "drift");
    assert_eq!(drift.len(), 1, "{}", out.stdout);
    assert_eq!(drift[0]["resource"]["id"], net.subnet.as_str());
    assert_eq!(drift[0]["drift"]["attribute"], "tags");
    assert_eq!(drift[0]["drift"]["declared"], json!({"Environment": "dev"}));
    assert_eq!(drift[0]["drift"]["live"], json!({"Environment": "prod"}));
    assert_eq!(drift[0]["state"]["address"], "aws_subnet.app");
}

#[tokio::test]
async fn a_rule_naming_a_deleted_group_is_a_broken_reference() {
    let moto = Moto::start();
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "dev").await;
    let ec2 = moto.ec2("us-east-1").await;
    let doomed =
        ec2.create_security_group().group_name("doomed").description("x").vpc_id(&net.vpc).send().await.unwrap();
    let doomed = doomed.group_id().unwrap().to_owned();
    ec2.authorize_security_group_ingress()
        .group_id(&net.sg)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(5432)
                .to_port(5432)
                .user_id_group_pairs(UserIdGroupPair::builder().group_id(&doomed).build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    // AWS refuses to delete a group other rules name; the emulator does not, which is the
    // state a group deleted in another account's VPC leaves behind.
    ec2.delete_security_group().group_id(&doomed).send().await.unwrap();
    let out = moto.leftover().args(["scan", "--format", "json"]).run();
    let report = out.json();
    let broken = of_kind(&report, "broken-reference");
    let rule = broken.iter().find(|f| f["resource"]["id"] == net.sg.as_str()).expect("the group with the dead rule");
    let reason = rule["reason"].as_str().unwrap();
    assert!(reason.contains(&doomed) && reason.contains("5432"), "{reason}");
}

#[tokio::test]
async fn a_route_added_by_hand_and_a_changed_instance_type_are_drift() {
    let moto = Moto::start();
    moto.bucket("tfstate-d").await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "dev").await;
    let ec2 = moto.ec2("us-east-1").await;
    let igw = ec2
        .create_internet_gateway()
        .tag_specifications(tag_spec(ResourceType::InternetGateway, &[("Environment", "dev")]))
        .send()
        .await
        .unwrap()
        .internet_gateway
        .unwrap()
        .internet_gateway_id
        .unwrap();
    ec2.attach_internet_gateway().internet_gateway_id(&igw).vpc_id(&net.vpc).send().await.unwrap();
    ec2.create_route()
        .route_table_id(&net.main_route_table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    let state = net
        .declare(TfState::new(), None, "dev")
        .managed("aws_internet_gateway", "main", json!({"id": igw, "vpc_id": net.vpc, "tags": {"Environment": "dev"}}))
        .managed("aws_default_route_table", "main", json!({"id": net.main_route_table, "route": []}));
    // The state says t3.large; the instance is a t3.micro.
    let state_text = state.to_json().replace("\"t3.micro\"", "\"t3.large\"");
    moto.put("tfstate-d", "dev/network.tfstate", state_text).await;
    let out = moto.leftover().args(["scan", "--state", "s3://tfstate-d", "--format", "json"]).run();
    let report = out.json();
    let drift = of_kind(&report, "drift");
    let route = drift.iter().find(|f| f["drift"]["attribute"] == "route 0.0.0.0/0").expect("undeclared route");
    assert_eq!(route["drift"]["live"], igw.as_str());
    assert_eq!(route["drift"]["declared"], serde_json::Value::Null);
    let size = drift.iter().find(|f| f["drift"]["attribute"] == "instance_type").expect("instance type");
    assert_eq!(size["drift"]["declared"], "t3.large");
    assert_eq!(size["drift"]["live"], "t3.micro");
    assert_eq!(drift.len(), 2, "{}", out.stdout);
}

#[tokio::test]
async fn issue_14_hand_made_groups_in_a_managed_vpc_share_one_deletion_order() {
    let moto = Moto::start();
    moto.bucket("tfstate-b").await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.0", "dev").await;
    moto.put_state("tfstate-b", "dev/network.tfstate", &net.declare(TfState::new(), None, "dev")).await;
    let ec2 = moto.ec2("us-east-1").await;
    let mut groups = Vec::new();
    for n in 0..4 {
        let group = ec2
            .create_security_group()
            .group_name(format!("by-hand-{n}"))
            .description("made by hand")
            .vpc_id(&net.vpc)
            .send()
            .await
            .unwrap()
            .group_id
            .unwrap();
        groups.push(group);
    }
    for format in ["table", "markdown", "html"] {
        let out = moto.leftover().args(["scan", "--state", "s3://tfstate-b", "--format", format]).run();
        out.assert_code(1);
        let order = groups.iter().filter(|g| out.stdout.contains(g.as_str())).count();
        assert_eq!(order, 4, "{format} names every group:\n{}", out.stdout);
        assert_eq!(out.stdout.matches("delete first, in this order").count(), 1, "{format}:\n{}", out.stdout);
    }
    let out = moto.leftover().args(["scan", "--state", "s3://tfstate-b", "--format", "json"]).run();
    out.assert_code(1);
    let report = out.json();
    assert_eq!(report["schema"], "leftover.report/v2");
    let blocking = of_kind(&report, "blocking-dependency");
    let mine: Vec<&&serde_json::Value> =
        blocking.iter().filter(|f| groups.iter().any(|g| f["resource"]["id"] == g.as_str())).collect();
    assert_eq!(mine.len(), 4, "{}", out.stdout);
    for f in &mine {
        let id = f["resource"]["id"].as_str().unwrap();
        let reason = f["reason"].as_str().unwrap();
        for other in groups.iter().filter(|g| g.as_str() != id) {
            assert!(!reason.contains(other.as_str()), "{id}'s reason names {other}: {reason}");
        }
        assert!(f.get("order").is_none(), "no order repeated in {f}");
        assert!(
            f["related"].as_array().unwrap().iter().any(|r| r["relation"] == "blocks" && r["id"] == net.vpc.as_str()),
            "{f}"
        );
    }
    let entry = report["blocked"].as_array().unwrap().iter().find(|b| b["id"] == net.vpc.as_str()).expect("the VPC");
    assert_eq!(entry["kind"], "ec2:vpc");
    let mut order: Vec<&str> = entry["order"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    order.sort_unstable();
    let mut expected: Vec<&str> = groups.iter().map(String::as_str).collect();
    expected.sort_unstable();
    assert_eq!(order, expected);
}
