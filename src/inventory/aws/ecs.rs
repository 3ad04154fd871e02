//! ecs: lists the clusters of one region with their services (`ListClusters`, then
//! `DescribeClusters` a hundred at a time; per cluster `ListServices`, then
//! `DescribeServices` ten at a time, as the API allows), and the active task definitions.
//! Clusters and services carry their tags.

use serde_json::{Value, json};

use super::raw_pages::{Pages, epoch, items, json_tags, text};
use super::{Ctx, Known, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;
use crate::model::arn::Arn;
use crate::model::relation::RelationKind as R;

pub const ECS: Service = Service {
    name: "ecs",
    signing: "ecs",
    endpoint: Endpoint::Regional("ecs"),
    protocol: Protocol::Json { target: "AmazonEC2ContainerServiceV20141113" },
};

const KINDS: &[&str] = &["ecs:cluster", "ecs:service"];

/// The id an ECS ARN gives its resource (`CLUSTER/SERVICE`, `FAMILY:REVISION`).
fn id_of(arn: &str) -> Option<String> {
    Arn::parse(arn).map(|a| a.type_and_id().1.to_owned())
}

pub async fn clusters(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let mut arns: Vec<String> = Vec::new();
    let body = json!({"maxResults": 100});
    let pages = Pages { client: &client, ctx: &ctx, kinds: KINDS };
    pages
        .json("ListClusters", body, ("nextToken", "nextToken"), &mut out, |page, _, _| {
            arns.extend(items(page, "clusterArns").iter().filter_map(Value::as_str).map(str::to_owned));
        })
        .await;
    for batch in arns.chunks(100) {
        let answer = client.json("DescribeClusters", &json!({"clusters": batch, "include": ["TAGS"]})).await;
        let Some((answer, known)) = pages.read(answer, "DescribeClusters", &mut out).await else {
            return out;
        };
        for cluster in items(&answer, "clusters") {
            let Some(name) = text(cluster, "clusterName") else { continue };
            let mut r = LiveResource::new("ecs:cluster", name, &known.account, &known.region);
            if let Some(arn) = text(cluster, "clusterArn") {
                arn.clone_into(&mut r.arn);
            }
            r.status = text(cluster, "status").map(str::to_owned);
            r.set_tags(json_tags(cluster, "tags"));
            r.set_attr_opt("running_tasks", cluster.get("runningTasksCount").and_then(Value::as_u64));
            out.resources.push(r);
            services(&Pages { kinds: &["ecs:service"], ..pages }, &known, name, &mut out).await;
        }
    }
    out
}

async fn services(pages: &Pages<'_>, known: &Known, cluster: &str, out: &mut Listing) {
    let mut arns: Vec<String> = Vec::new();
    let body = json!({"cluster": cluster, "maxResults": 100});
    pages
        .json("ListServices", body, ("nextToken", "nextToken"), out, |page, _, _| {
            arns.extend(items(page, "serviceArns").iter().filter_map(Value::as_str).map(str::to_owned));
        })
        .await;
    for batch in arns.chunks(10) {
        let body = json!({"cluster": cluster, "services": batch, "include": ["TAGS"]});
        let answer = pages.client.json("DescribeServices", &body).await;
        let Some((answer, _)) = pages.read(answer, "DescribeServices", out).await else {
            return;
        };
        for service in items(&answer, "services") {
            let Some(name) = text(service, "serviceName") else { continue };
            let id = format!("{cluster}/{name}");
            let mut r = LiveResource::new("ecs:service", id, &known.account, &known.region);
            if let Some(arn) = text(service, "serviceArn") {
                arn.clone_into(&mut r.arn);
            }
            r.status = text(service, "status").map(str::to_owned);
            r.created = epoch(service.get("createdAt"), false);
            r.set_tags(json_tags(service, "tags"));
            r.set_attr_opt("desired_count", service.get("desiredCount").and_then(Value::as_u64));
            r.set_attr_opt("launch_type", text(service, "launchType"));
            r.relate(R::MemberOf, "ecs:cluster", Some(cluster));
            let task = text(service, "taskDefinition").and_then(id_of);
            r.relate(R::References, "ecs:task-definition", task.as_deref());
            if let Some(vpc) = service.pointer("/networkConfiguration/awsvpcConfiguration") {
                for subnet in items(vpc, "subnets").iter().filter_map(Value::as_str) {
                    r.relate(R::InSubnet, "ec2:subnet", Some(subnet));
                }
                for group in items(vpc, "securityGroups").iter().filter_map(Value::as_str) {
                    r.relate(R::UsesSecurityGroup, "ec2:security-group", Some(group));
                }
            }
            out.resources.push(r);
        }
    }
}

pub async fn task_definitions(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let body = json!({"status": "ACTIVE", "maxResults": 100});
    let kinds = &["ecs:task-definition"];
    let pages = Pages { client: &client, ctx: &ctx, kinds };
    pages
        .json("ListTaskDefinitions", body, ("nextToken", "nextToken"), &mut out, |page, known, out| {
            for arn in items(page, "taskDefinitionArns").iter().filter_map(Value::as_str) {
                let Some(id) = id_of(arn) else { continue };
                let mut r = LiveResource::new("ecs:task-definition", id, &known.account, &known.region);
                arn.clone_into(&mut r.arn);
                r.status = Some("ACTIVE".to_owned());
                out.resources.push(r);
            }
        })
        .await;
    out
}
