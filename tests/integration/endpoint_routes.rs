//! Issue 34: the routes AWS writes for a declared resource are that resource's. A gateway
//! VPC endpoint writes a route to its service's prefix list into each of its route tables,
//! and the AWS provider leaves those routes out of `aws_route_table.route`: declared through
//! the endpoint (`route_table_ids` or `aws_vpc_endpoint_route_table_association`), they are
//! silent; anywhere else they are drift naming the endpoint. In v4 and v3 states alike.

use serde_json::{Value, json};

use crate::support::{ACCOUNT, Moto, Network, Output, TfState};

/// The account: a network, three route tables of its VPC and an S3 gateway endpoint
/// associated with the first two. The emulator's `CreateVpcEndpoint` writes the endpoint's
/// route into both, as AWS does.
struct Account {
    net: Network,
    tables: [String; 3],
    endpoint: String,
    prefix_list: String,
}

async fn seed(moto: &Moto, bucket: &str) -> Account {
    moto.bucket(bucket).await;
    let net = Network::seed(&moto.seeder(), "us-east-1", "10.40", "dev").await;
    let ec2 = moto.ec2("us-east-1").await;
    let mut tables = Vec::new();
    for _ in 0..3 {
        let table = ec2.create_route_table().vpc_id(&net.vpc).send().await.unwrap();
        tables.push(table.route_table.unwrap().route_table_id.unwrap());
    }
    let endpoint = ec2
        .create_vpc_endpoint()
        .vpc_id(&net.vpc)
        .service_name("com.amazonaws.us-east-1.s3")
        .vpc_endpoint_type(aws_sdk_ec2::types::VpcEndpointType::Gateway)
        .route_table_ids(&tables[0])
        .route_table_ids(&tables[1])
        .send()
        .await
        .unwrap()
        .vpc_endpoint
        .unwrap();
    let endpoint_id = endpoint.vpc_endpoint_id().unwrap().to_owned();
    let described = ec2.describe_route_tables().route_table_ids(&tables[0]).send().await.unwrap();
    let prefix_list = described.route_tables()[0]
        .routes()
        .iter()
        .find_map(|r| r.destination_prefix_list_id())
        .expect("the endpoint's route")
        .to_owned();
    Account { net, tables: tables.try_into().unwrap(), endpoint: endpoint_id, prefix_list }
}

impl Account {
    fn table(&self, n: usize) -> Value {
        let id = &self.tables[n];
        json!({"id": id, "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:route-table/{id}"), "vpc_id": self.net.vpc,
               "owner_id": ACCOUNT, "route": [], "propagating_vgws": [], "tags": {}, "tags_all": {}})
    }

    /// The network, its three tables, and the endpoint with the route tables given.
    fn declare(&self, endpoint_tables: &[usize]) -> TfState {
        let mut state = self.net.declare(TfState::new(), None, "dev");
        for (n, name) in ["a", "b", "c"].iter().enumerate() {
            state = state.managed("aws_route_table", name, self.table(n));
        }
        let tables: Vec<&String> = endpoint_tables.iter().map(|&n| &self.tables[n]).collect();
        state.managed(
            "aws_vpc_endpoint",
            "s3",
            json!({"id": self.endpoint, "arn": format!("arn:aws:ec2:us-east-1:{ACCOUNT}:vpc-endpoint/{}", self.endpoint),
                   "vpc_id": self.net.vpc, "service_name": "com.amazonaws.us-east-1.s3", "vpc_endpoint_type": "Gateway",
                   "prefix_list_id": self.prefix_list, "route_table_ids": tables, "tags": {}, "tags_all": {}}),
        )
    }

    /// Adds the endpoint to the third table by hand. On AWS that is `ModifyVpcEndpoint`
    /// (the console's "Manage route tables"), which writes the route; the emulator's does
    /// not write it, so the route is written as the emulator accepts it.
    async fn add_to_third_table_by_hand(&self, moto: &Moto) {
        let ec2 = moto.ec2("us-east-1").await;
        ec2.create_route()
            .route_table_id(&self.tables[2])
            .destination_prefix_list_id(&self.prefix_list)
            .gateway_id(&self.endpoint)
            .send()
            .await
            .unwrap();
    }
}

fn scan(moto: &Moto, bucket: &str) -> Output {
    moto.leftover().args(["scan", "--state", &format!("s3://{bucket}"), "--format", "json"]).run()
}

fn reasons(out: &Output) -> Vec<String> {
    out.json()["findings"].as_array().unwrap().iter().map(|f| f["reason"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn issue_34_a_gateway_endpoints_routes_are_silent_where_declared_and_drift_where_added_by_hand() {
    let moto = Moto::start();
    let account = seed(&moto, "tfstate-e").await;
    moto.put_state("tfstate-e", "dev/network.tfstate", &account.declare(&[0, 1])).await;
    let out = scan(&moto, "tfstate-e");
    assert_eq!(out.findings(), Vec::<(String, String)>::new(), "{}", out.stdout);
    out.assert_code(0);

    account.add_to_third_table_by_hand(&moto).await;
    let out = scan(&moto, "tfstate-e");
    assert_eq!(out.findings(), vec![("drift".to_owned(), account.tables[2].clone())], "{}", out.stdout);
    let reason = &reasons(&out)[0];
    assert!(
        reason.contains(&format!("no state declares VPC endpoint {} on this table", account.endpoint))
            && reason.contains(&account.prefix_list),
        "{reason}"
    );
    out.assert_code(1);
}

#[tokio::test]
async fn issue_34_endpoint_route_table_associations_declare_the_routes() {
    let moto = Moto::start();
    let account = seed(&moto, "tfstate-a").await;
    moto.put_state("tfstate-a", "dev/network.tfstate", &account.declare(&[])).await;
    // terraform-aws-modules/vpc's layout: the associations in a state of their own.
    let mut associations = TfState::new();
    for (n, name) in ["a", "b"].iter().enumerate() {
        associations = associations.managed(
            "aws_vpc_endpoint_route_table_association",
            name,
            json!({"id": format!("a-{}{}", account.endpoint, n), "vpc_endpoint_id": account.endpoint,
                   "route_table_id": account.tables[n]}),
        );
    }
    moto.put_state("tfstate-a", "dev/endpoints.tfstate", &associations).await;
    account.add_to_third_table_by_hand(&moto).await;
    let out = scan(&moto, "tfstate-a");
    assert_eq!(out.findings(), vec![("drift".to_owned(), account.tables[2].clone())], "{}", out.stdout);
    out.assert_code(1);
    // The associations are parts of their tables: `states` maps them.
    let states = moto.leftover().args(["states", "--state", "s3://tfstate-a", "--format", "json"]).run();
    assert!(!states.stdout.contains("\"aws_vpc_endpoint_route_table_association\""), "{}", states.stdout);
}

#[tokio::test]
async fn issue_34_a_route_into_an_endpoint_no_state_declares_names_it() {
    let moto = Moto::start();
    let account = seed(&moto, "tfstate-u").await;
    let mut state = account.net.declare(TfState::new(), None, "dev");
    for (n, name) in ["a", "b", "c"].iter().enumerate() {
        state = state.managed("aws_route_table", name, account.table(n));
    }
    moto.put_state("tfstate-u", "dev/network.tfstate", &state).await;
    let out = scan(&moto, "tfstate-u");
    let mut expected =
        vec![("drift".to_owned(), account.tables[0].clone()), ("drift".to_owned(), account.tables[1].clone())];
    let endpoint = out.findings().into_iter().find(|(_, id)| *id == account.endpoint).expect("the endpoint");
    // A hand-made endpoint in a managed VPC is a leftover that blocks its destroy.
    assert_eq!(endpoint.0, "blocking-dependency", "{}", out.stdout);
    expected.push(endpoint);
    expected.sort();
    assert_eq!(out.findings(), expected, "{}", out.stdout);
    for reason in reasons(&out).iter().filter(|r| r.starts_with("route ")) {
        assert!(reason.contains(&format!("nor VPC endpoint {}", account.endpoint)), "{reason}");
    }
    out.assert_code(1);
}

#[tokio::test]
async fn issue_34_a_legacy_v3_state_declares_the_endpoints_tables_too() {
    let moto = Moto::start();
    let account = seed(&moto, "tfstate-3").await;
    moto.put_state("tfstate-3", "dev/network.tfstate", &account.net.declare(TfState::new(), None, "dev")).await;
    // Terraform 0.11 wrote sets flat, each element under its hash.
    let mut resources = serde_json::Map::new();
    for (n, name) in ["a", "b", "c"].iter().enumerate() {
        resources.insert(
            format!("aws_route_table.{name}"),
            json!({"type": "aws_route_table", "primary": {"id": account.tables[n], "attributes": {
                "id": account.tables[n], "vpc_id": account.net.vpc, "route.#": "0", "propagating_vgws.#": "0",
                "tags.%": "0"}}}),
        );
    }
    resources.insert(
        "aws_vpc_endpoint.s3".to_owned(),
        json!({"type": "aws_vpc_endpoint", "primary": {"id": account.endpoint, "attributes": {
            "id": account.endpoint, "vpc_id": account.net.vpc, "service_name": "com.amazonaws.us-east-1.s3",
            "vpc_endpoint_type": "Gateway", "prefix_list_id": account.prefix_list,
            "route_table_ids.#": "2", "route_table_ids.1802745216": account.tables[0],
            "route_table_ids.3923118101": account.tables[1]}}}),
    );
    let v3 = json!({"version": 3, "terraform_version": "0.11.14", "serial": 4, "lineage": "legacy", "modules": [
        {"path": ["root"], "outputs": {}, "resources": resources}]});
    moto.put("tfstate-3", "dev/routing.tfstate", v3.to_string()).await;
    let out = scan(&moto, "tfstate-3");
    assert_eq!(out.findings(), Vec::<(String, String)>::new(), "{}", out.stdout);
    account.add_to_third_table_by_hand(&moto).await;
    let out = scan(&moto, "tfstate-3");
    assert_eq!(out.findings(), vec![("drift".to_owned(), account.tables[2].clone())], "{}", out.stdout);
    out.assert_code(1);
}
