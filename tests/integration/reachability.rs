//! Connectivity expectations: what must reach what, checked from the inventory alone.

use aws_sdk_ec2::types::{IpPermission, IpRange, ResourceType, RuleAction};

use crate::support::incident::{self, BUCKET};
use crate::support::{AMI, Moto, Seeder, tag_spec};

/// Two VPCs, an app subnet and a database subnet, peered with routes both ways, and a
/// database group that allows the app CIDR on 5432.
struct Peered {
    app_vpc: String,
    app_subnet: String,
    app_instance: String,
    db_vpc: String,
    db_subnet: String,
    db_sg: String,
    db_acl: String,
    peering: String,
}

async fn vpc(ec2: &aws_sdk_ec2::Client, cidr: &str) -> String {
    ec2.create_vpc().cidr_block(cidr).send().await.unwrap().vpc.unwrap().vpc_id.unwrap()
}

async fn subnet(ec2: &aws_sdk_ec2::Client, vpc: &str, cidr: &str) -> String {
    ec2.create_subnet()
        .vpc_id(vpc)
        .cidr_block(cidr)
        .availability_zone("us-east-1a")
        .send()
        .await
        .unwrap()
        .subnet
        .unwrap()
        .subnet_id
        .unwrap()
}

async fn table_for(ec2: &aws_sdk_ec2::Client, vpc: &str, subnet: &str) -> String {
    let table = ec2.create_route_table().vpc_id(vpc).send().await.unwrap().route_table.unwrap().route_table_id.unwrap();
    ec2.associate_route_table().route_table_id(&table).subnet_id(subnet).send().await.unwrap();
    table
}

async fn peered(seeder: &Seeder, db_port: i32) -> Peered {
    let ec2 = seeder.ec2("us-east-1").await;
    let app_vpc = vpc(&ec2, "10.10.0.0/16").await;
    let app_subnet = subnet(&ec2, &app_vpc, "10.10.1.0/24").await;
    let db_vpc = vpc(&ec2, "10.20.0.0/16").await;
    let db_subnet = subnet(&ec2, &db_vpc, "10.20.1.0/24").await;
    let peering = ec2
        .create_vpc_peering_connection()
        .vpc_id(&app_vpc)
        .peer_vpc_id(&db_vpc)
        .send()
        .await
        .unwrap()
        .vpc_peering_connection
        .unwrap()
        .vpc_peering_connection_id
        .unwrap();
    ec2.accept_vpc_peering_connection().vpc_peering_connection_id(&peering).send().await.unwrap();
    let app_table = table_for(&ec2, &app_vpc, &app_subnet).await;
    let db_table = table_for(&ec2, &db_vpc, &db_subnet).await;
    for (table, cidr) in [(&app_table, "10.20.0.0/16"), (&db_table, "10.10.0.0/16")] {
        ec2.create_route()
            .route_table_id(table)
            .destination_cidr_block(cidr)
            .vpc_peering_connection_id(&peering)
            .send()
            .await
            .unwrap();
    }
    let db_sg = ec2.create_security_group().group_name("db").description("db").vpc_id(&db_vpc).send().await.unwrap();
    let db_sg = db_sg.group_id().unwrap().to_owned();
    ec2.authorize_security_group_ingress()
        .group_id(&db_sg)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(db_port)
                .to_port(db_port)
                .ip_ranges(IpRange::builder().cidr_ip("10.10.0.0/16").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    ec2.run_instances()
        .image_id(AMI)
        .min_count(1)
        .max_count(1)
        .subnet_id(&db_subnet)
        .security_group_ids(&db_sg)
        .tag_specifications(tag_spec(ResourceType::Instance, &[("Role", "db")]))
        .send()
        .await
        .unwrap();
    let app_instance = ec2
        .run_instances()
        .image_id(AMI)
        .min_count(1)
        .max_count(1)
        .subnet_id(&app_subnet)
        .tag_specifications(tag_spec(ResourceType::Instance, &[("Role", "app")]))
        .send()
        .await
        .unwrap()
        .instances()[0]
        .instance_id()
        .unwrap()
        .to_owned();
    let acls = ec2.describe_network_acls().filters(crate::support::seed::vpc_filter(&db_vpc)).send().await.unwrap();
    let db_acl = acls.network_acls()[0].network_acl_id().unwrap().to_owned();
    Peered { app_vpc, app_subnet, app_instance, db_vpc, db_subnet, db_sg, db_acl, peering }
}

fn policy(dir: &tempfile::TempDir, from: &str, to: &str, port: u16) -> String {
    let path = dir.path().join("expect.toml");
    std::fs::write(
        &path,
        format!("[[expect.reachable]]\nname = \"app reaches db\"\nfrom = \"{from}\"\nto = \"{to}\"\nport = {port}\n"),
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

fn unreachable(out: &crate::support::Output) -> Vec<String> {
    out.json()["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "unreachable")
        .map(|f| f["reason"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_peered_path_with_routes_both_ways_and_an_open_group_holds() {
    let moto = Moto::start();
    let p = peered(&moto.seeder(), 5432).await;
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(&dir, &format!("ec2:subnet/{}", p.app_subnet), "ec2:instance[tag:Role=db]", 5432);
    let out = moto.leftover().args(["scan", "--policy", &policy, "--format", "json"]).run();
    assert_eq!(unreachable(&out), Vec::<String>::new(), "{}", out.stdout);
    // The same from an instance, to the database group.
    let policy2 = self::policy(
        &dir,
        &format!("ec2:instance/{}", p.app_instance),
        &format!("ec2:security-group/{}", p.db_sg),
        5432,
    );
    let out = moto.leftover().args(["scan", "--policy", &policy2, "--format", "json"]).run();
    assert_eq!(unreachable(&out), Vec::<String>::new(), "{}", out.stdout);
    let _ = (&p.app_vpc, &p.db_vpc, &p.peering);
}

#[tokio::test]
async fn a_group_without_the_port_is_named() {
    let moto = Moto::start();
    let p = peered(&moto.seeder(), 3306).await;
    let dir = tempfile::tempdir().unwrap();
    let policy =
        policy(&dir, &format!("ec2:subnet/{}", p.app_subnet), &format!("ec2:security-group/{}", p.db_sg), 5432);
    let out = moto.leftover().args(["scan", "--policy", &policy, "--format", "json"]).run();
    let reasons = unreachable(&out);
    assert_eq!(reasons.len(), 1, "{}", out.stdout);
    assert!(reasons[0].contains(&p.db_sg) && reasons[0].contains("5432"), "{}", reasons[0]);
    out.assert_code(1);
}

#[tokio::test]
async fn a_network_acl_deny_is_named() {
    let moto = Moto::start();
    let p = peered(&moto.seeder(), 5432).await;
    let ec2 = moto.ec2("us-east-1").await;
    ec2.create_network_acl_entry()
        .network_acl_id(&p.db_acl)
        .rule_number(50)
        .protocol("6")
        .rule_action(RuleAction::Deny)
        .egress(false)
        .cidr_block("10.10.0.0/16")
        .port_range(aws_sdk_ec2::types::PortRange::builder().from(5432).to(5432).build())
        .send()
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(&dir, &format!("ec2:subnet/{}", p.app_subnet), &format!("ec2:subnet/{}", p.db_subnet), 5432);
    let out = moto.leftover().args(["scan", "--policy", &policy, "--format", "json"]).run();
    let reasons = unreachable(&out);
    assert_eq!(reasons.len(), 1, "{}", out.stdout);
    assert!(reasons[0].contains(&p.db_acl) && reasons[0].contains("rule 50"), "{}", reasons[0]);
}

#[tokio::test]
async fn a_path_inside_one_vpc_holds() {
    let moto = Moto::start();
    let p = peered(&moto.seeder(), 5432).await;
    let ec2 = moto.ec2("us-east-1").await;
    let web = subnet(&ec2, &p.db_vpc, "10.20.2.0/24").await;
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(&dir, &format!("ec2:subnet/{web}"), &format!("ec2:security-group/{}", p.db_sg), 5432);
    let out = moto.leftover().args(["scan", "--policy", &policy, "--format", "json"]).run();
    // 10.20.2.0/24 is not in the group's allowed 10.10.0.0/16: the group is the broken link.
    let reasons = unreachable(&out);
    assert!(reasons.len() == 1 && reasons[0].contains(&p.db_sg), "{reasons:?}");
    assert!(!reasons[0].contains("route"), "the local route carries it: {}", reasons[0]);
    // Allowing the VPC's own CIDR makes the same-VPC path hold.
    ec2.authorize_security_group_ingress()
        .group_id(&p.db_sg)
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(5432)
                .to_port(5432)
                .ip_ranges(IpRange::builder().cidr_ip("10.20.0.0/16").build())
                .build(),
        )
        .send()
        .await
        .unwrap();
    let out = moto.leftover().args(["scan", "--policy", &policy, "--format", "json"]).run();
    assert_eq!(unreachable(&out), Vec::<String>::new(), "{}", out.stdout);
}

#[tokio::test]
async fn the_incident_names_the_stale_peering_and_explain_marks_the_hop() {
    let moto = Moto::start();
    let seeded = incident::seed(&moto.seeder()).await;
    let policy = concat!(env!("CARGO_MANIFEST_DIR"), "/policies/demo.toml");
    let out = moto
        .leftover()
        .args(["scan", "--state", &format!("s3://{BUCKET}"), "--policy", policy, "--format", "json"])
        .run();
    let reasons = unreachable(&out);
    assert_eq!(reasons.len(), 1, "{}", out.stdout);
    assert!(reasons[0].contains(&seeded.stale_peering) && reasons[0].contains("deleted"), "{}", reasons[0]);
    assert!(reasons[0].contains(&seeded.dev_route_table), "{}", reasons[0]);
    let explained = moto
        .leftover()
        .args(["explain", "rosey-redis", "--state", &format!("s3://{BUCKET}"), "--policy", policy])
        .run();
    assert!(explained.stdout.contains("BROKEN"), "{}", explained.stdout);
    assert!(
        explained.stdout.contains(&format!("✗ route           ec2:route-table {}", seeded.dev_route_table)),
        "{}",
        explained.stdout
    );
}

#[tokio::test]
async fn an_expectation_that_matches_nothing_is_a_configuration_error() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(&dir, "ec2:subnet/subnet-00000000000000000", "eks:cluster/nowhere", 443);
    let out = moto.leftover().args(["scan", "--policy", &policy]).run();
    out.assert_code(2);
    assert!(out.stderr.contains("matches nothing"), "{}", out.stderr);
    assert!(out.stderr.contains("expect.toml:"), "{}", out.stderr);
}

/// Adds one network ACL entry for tcp `ports` from or to anywhere.
async fn acl_entry(
    ec2: &aws_sdk_ec2::Client,
    acl: &str,
    rule: i32,
    action: RuleAction,
    egress: bool,
    ports: (i32, i32),
) {
    ec2.create_network_acl_entry()
        .network_acl_id(acl)
        .rule_number(rule)
        .protocol("6")
        .rule_action(action)
        .egress(egress)
        .cidr_block("0.0.0.0/0")
        .port_range(aws_sdk_ec2::types::PortRange::builder().from(ports.0).to(ports.1).build())
        .send()
        .await
        .unwrap();
}

fn unreachable_findings(out: &crate::support::Output) -> Vec<serde_json::Value> {
    out.json()["findings"].as_array().unwrap().iter().filter(|f| f["kind"] == "unreachable").cloned().collect()
}

#[tokio::test]
async fn issue_12_a_hardened_network_acl_leaves_a_working_path_reachable() {
    let moto = Moto::start();
    let p = peered(&moto.seeder(), 443).await;
    let ec2 = moto.ec2("us-east-1").await;
    let acls = ec2.describe_network_acls().filters(crate::support::seed::vpc_filter(&p.app_vpc)).send().await.unwrap();
    let app_acl = acls.network_acls()[0].network_acl_id().unwrap().to_owned();
    // Hardened both ways on both sides: RDP denied at 90, before the default allow-all at 100.
    for acl in [&app_acl, &p.db_acl] {
        for egress in [false, true] {
            acl_entry(&ec2, acl, 90, RuleAction::Deny, egress, (3389, 3389)).await;
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let policy = policy(&dir, &format!("ec2:subnet/{}", p.app_subnet), "ec2:instance[tag:Role=db]", 443);
    let scan = ["scan", "--policy", &policy, "--format", "json", "--fail-on", "unreachable"];
    let out = moto.leftover().args(scan).run();
    assert_eq!(unreachable(&out), Vec::<String>::new(), "{}", out.stdout);
    out.assert_code(0);

    // Part of the default ephemeral range denied on the way back: reachable, with a warning
    // that names the ports and the rule.
    acl_entry(&ec2, &p.db_acl, 50, RuleAction::Deny, true, (1024, 40000)).await;
    let out = moto.leftover().args(scan).run();
    let found = unreachable_findings(&out);
    assert_eq!(found.len(), 1, "{}", out.stdout);
    assert_eq!(found[0]["severity"], "warning", "{}", found[0]);
    let reason = found[0]["reason"].as_str().unwrap();
    assert!(
        reason
            .contains(&format!("return traffic on ports 32768-40000 is denied by rule 50 of network ACL {}", p.db_acl)),
        "{reason}"
    );
    out.assert_code(1);
    // A run that fails only on errors lets it pass.
    moto.leftover().args(["scan", "--policy", &policy, "--fail-on", "error"]).run().assert_code(0);
    // Clients that pick ports from 1024 up lose more of them.
    let wide = dir.path().join("wide.toml");
    std::fs::write(
        &wide,
        format!(
            "[[expect.reachable]]\nfrom = \"ec2:subnet/{}\"\nto = \"ec2:instance[tag:Role=db]\"\nport = 443\nephemeral_ports = \"1024-65535\"\n",
            p.app_subnet
        ),
    )
    .unwrap();
    let out = moto.leftover().args(["scan", "--policy", wide.to_str().unwrap(), "--format", "json"]).run();
    let found = unreachable_findings(&out);
    assert_eq!(found.len(), 1, "{}", out.stdout);
    let reason = found[0]["reason"].as_str().unwrap();
    // Rule 50 decides 3389 on the database side before rule 90 can; the client side's rule 90
    // denies it on the way in as well.
    assert!(
        reason
            .contains(&format!("return traffic on ports 1024-40000 is denied by rule 50 of network ACL {}", p.db_acl)),
        "{reason}"
    );
    assert!(reason.contains(&format!("rule 90 of network ACL {app_acl}")), "{reason}");
}

#[tokio::test]
async fn issue_12_a_denied_security_group_rule_listing_withholds_reachability() {
    use crate::support::proxy::{Fate, FaultPlan, Match};
    let moto = Moto::start();
    let p = peered(&moto.seeder(), 5432).await;
    let dir = tempfile::tempdir().unwrap();
    let policy =
        policy(&dir, &format!("ec2:subnet/{}", p.app_subnet), &format!("ec2:security-group/{}", p.db_sg), 5432);
    let proxy = moto.proxy(FaultPlan::new(1).deny(Match::operation("ec2", "DescribeSecurityGroupRules")));
    let out = proxy.leftover().args(["scan", "--policy", &policy, "--format", "json"]).run();
    assert!(proxy.count(Fate::Denied) > 0);
    out.assert_code(3);
    let report = out.json();
    assert!(
        report["coverage"]["gaps"].as_array().unwrap().iter().any(|g| g["operation"] == "DescribeSecurityGroupRules"),
        "{}",
        report["coverage"]
    );
    // Without the rules every group would seem to allow nothing: no conclusion is drawn.
    assert_eq!(unreachable(&out), Vec::<String>::new(), "{}", out.stdout);
    assert!(report["summary"]["withheld"].as_u64().unwrap() >= 1, "{}", report["summary"]);
}
