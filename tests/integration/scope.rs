//! Scope is (account, region) pairs (issue 12): inventories read together list only their
//! own pairs, a narrower run does not resolve what it did not look at, and `explain` says
//! what is gone.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::{ACCOUNT, Leftover, Moto, TfState};

const A: &str = "111111111111";
const B: &str = "222222222222";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn vpc(id: &str, account: &str, region: &str) -> Value {
    json!({
        "kind": "ec2:vpc", "id": id, "arn": format!("arn:aws:ec2:{region}:{account}:vpc/{id}"),
        "account": account, "region": region, "attributes": {"is_default": false, "cidr_block": "10.0.0.0/16"}
    })
}

/// A saved inventory as `leftover inventory --output` writes it today: one account, one region.
fn inventory(account: &str, region: &str, resources: Vec<Value>) -> String {
    json!({
        "schema": "leftover.inventory/v1", "generated_at": "2026-11-25T02:00:00Z",
        "accounts": [account], "regions": [region], "resources": resources, "gaps": []
    })
    .to_string()
}

fn declared_vpc(state: TfState, name: &str, id: &str, account: &str, region: &str) -> TfState {
    state.managed(
        "aws_vpc",
        name,
        json!({"id": id, "arn": format!("arn:aws:ec2:{region}:{account}:vpc/{id}"), "cidr_block": "10.0.0.0/16",
               "owner_id": account}),
    )
}

#[test]
fn issue_12_two_inventories_of_different_accounts_and_regions_list_only_their_own_pairs() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.json", &inventory(A, "us-east-1", vec![vpc("vpc-a", A, "us-east-1")]));
    let b = write(dir.path(), "b.json", &inventory(B, "eu-west-1", vec![vpc("vpc-b", B, "eu-west-1")]));
    let states = dir.path().join("states");
    std::fs::create_dir(&states).unwrap();
    let mut state = TfState::new();
    state = declared_vpc(state, "a", "vpc-a", A, "us-east-1");
    state = declared_vpc(state, "b", "vpc-b", B, "eu-west-1");
    // Gone from listed pairs: missing.
    state = declared_vpc(state, "a_gone", "vpc-a-gone", A, "us-east-1");
    state = declared_vpc(state, "b_gone", "vpc-b-gone", B, "eu-west-1");
    // In pairs neither inventory listed: not known, so not missing.
    state = declared_vpc(state, "a_west", "vpc-a-west", A, "eu-west-1");
    state = declared_vpc(state, "b_east", "vpc-b-east", B, "us-east-1");
    write(&states, "net.tfstate", &state.to_json());

    let out = Leftover::new()
        .args(["scan", "--format", "json", "--state", states.to_str().unwrap()])
        .args(["--inventory", a.to_str().unwrap(), "--inventory", b.to_str().unwrap()])
        .run();
    out.assert_code(1);
    assert_eq!(
        out.findings(),
        [("missing".to_owned(), "vpc-a-gone".to_owned()), ("missing".to_owned(), "vpc-b-gone".to_owned())],
        "{}",
        out.stdout
    );
    let report = out.json();
    assert_eq!(report["scope"]["accounts"], json!([A, B]));
    assert_eq!(report["scope"]["regions"], json!(["eu-west-1", "us-east-1"]));
    assert_eq!(report["scope"]["listed"], json!({A: ["us-east-1"], B: ["eu-west-1"]}));
}

#[tokio::test]
async fn issue_12_a_one_region_run_does_not_resolve_the_other_regions_findings() {
    let moto = Moto::start();
    let mut volumes = Vec::new();
    for (region, zone) in [("us-east-1", "us-east-1a"), ("eu-west-1", "eu-west-1a")] {
        let ec2 = moto.ec2(region).await;
        for _ in 0..2 {
            let volume = ec2.create_volume().availability_zone(zone).size(1).send().await.unwrap();
            volumes.push((region, volume.volume_id().unwrap().to_owned()));
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let first =
        moto.leftover().args(["scan", "--region", "us-east-1", "--region", "eu-west-1", "--format", "json"]).run();
    first.assert_code(1);
    for (_, id) in &volumes {
        assert!(first.findings().contains(&("unmanaged".to_owned(), id.clone())), "{id}: {}", first.stdout);
    }
    let baseline = write(dir.path(), "last.json", &first.stdout);

    // One leftover in each region is cleaned up; tonight only us-east-1 is scanned.
    let (east_gone, west_gone) = (&volumes[0].1, &volumes[2].1);
    moto.ec2("us-east-1").await.delete_volume().volume_id(east_gone).send().await.unwrap();
    moto.ec2("eu-west-1").await.delete_volume().volume_id(west_gone).send().await.unwrap();
    let out = moto
        .leftover()
        .args(["scan", "--region", "us-east-1", "--format", "json", "--baseline", baseline.to_str().unwrap()])
        .run();
    out.assert_code(1);
    let report = out.json();
    let resolved: Vec<&str> =
        report["resolved"].as_array().unwrap().iter().map(|f| f["resource"]["id"].as_str().unwrap()).collect();
    assert_eq!(resolved, [east_gone.as_str()], "the eu-west-1 findings were not rechecked: {}", out.stdout);
    assert_eq!(report["baseline"]["out_of_scope"], 2, "{}", report["baseline"]);
    let table = moto.leftover().args(["scan", "--region", "us-east-1", "--baseline", baseline.to_str().unwrap()]).run();
    assert!(table.stdout.contains("1 resolved since the baseline"), "{}", table.stdout);
    let words = table.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(words.contains("2 of its findings lie outside this run's scope"), "{}", table.stdout);
}

#[tokio::test]
async fn issue_12_explain_says_what_is_gone_where_it_is_declared_and_what_points_at_it() {
    let moto = Moto::start();
    moto.bucket("tfstate-x").await;
    let ec2 = moto.ec2("us-east-1").await;
    let vpc = ec2.create_vpc().cidr_block("10.9.0.0/16").send().await.unwrap().vpc.unwrap().vpc_id.unwrap();
    let table =
        ec2.create_route_table().vpc_id(&vpc).send().await.unwrap().route_table.unwrap().route_table_id.unwrap();
    let igw =
        ec2.create_internet_gateway().send().await.unwrap().internet_gateway.unwrap().internet_gateway_id.unwrap();
    ec2.attach_internet_gateway().internet_gateway_id(&igw).vpc_id(&vpc).send().await.unwrap();
    ec2.create_route()
        .route_table_id(&table)
        .destination_cidr_block("0.0.0.0/0")
        .gateway_id(&igw)
        .send()
        .await
        .unwrap();
    let arn = |kind: &str, id: &str| format!("arn:aws:ec2:us-east-1:{ACCOUNT}:{kind}/{id}");
    let network = TfState::new()
        .managed("aws_vpc", "main", json!({"id": vpc, "arn": arn("vpc", &vpc), "cidr_block": "10.9.0.0/16"}))
        .module(Some("module.edge"))
        .managed_each(
            "aws_internet_gateway",
            "this",
            vec![(json!("a"), json!({"id": igw, "arn": arn("internet-gateway", &igw), "vpc_id": vpc}))],
        );
    let app = TfState::new().managed(
        "aws_route_table",
        "public",
        json!({"id": table, "vpc_id": vpc, "route": [{"cidr_block": "0.0.0.0/0", "gateway_id": igw}]}),
    );
    moto.put_state("tfstate-x", "network.tfstate", &network).await;
    moto.put_state("tfstate-x", "app.tfstate", &app).await;
    // Deleted out of band: detached and deleted by hand; the route still names it.
    ec2.detach_internet_gateway().internet_gateway_id(&igw).vpc_id(&vpc).send().await.unwrap();
    ec2.delete_internet_gateway().internet_gateway_id(&igw).send().await.unwrap();

    let address = "module.edge.aws_internet_gateway.this[\"a\"]";
    for query in [igw.as_str(), address] {
        let out = moto.leftover().args(["explain", query, "--state", "s3://tfstate-x", "--format", "json"]).run();
        out.assert_code(0);
        let e = out.json();
        assert_eq!(e["class"], "missing", "{e}");
        assert_eq!(e["resource"]["id"], igw.as_str());
        assert_eq!(e["resource"]["kind"], "ec2:internet-gateway");
        assert_eq!(e["declared_by"][0]["source"], "s3://tfstate-x/network.tfstate");
        assert_eq!(e["declared_by"][0]["address"], address);
        let pointing: Vec<(&str, &str)> = e["relations_in"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| (l["relation"].as_str().unwrap(), l["id"].as_str().unwrap()))
            .collect();
        assert_eq!(pointing, [("routes-to", table.as_str())], "{e}");
        assert_eq!(e["referenced_in_states"][0]["address"], "aws_route_table.public", "{e}");
        assert_eq!(e["referenced_in_states"][0]["source"], "s3://tfstate-x/app.tfstate");
        assert!(e["findings"].as_array().unwrap().iter().any(|f| f["kind"] == "missing"), "{e}");
    }
    let text = moto.leftover().args(["explain", address, "--state", "s3://tfstate-x"]).run();
    text.assert_code(0);
    assert!(text.stdout.contains("class: missing"), "{}", text.stdout);
    assert!(text.stdout.contains(&format!("{address} in s3://tfstate-x/network.tfstate")), "{}", text.stdout);
    assert!(text.stdout.contains(&format!("routes-to            ec2:route-table {table}")), "{}", text.stdout);
    assert!(text.stdout.contains("aws_route_table.public (route.0.gateway_id) in s3://tfstate-x/app.tfstate"));
}
