//! eks: lists EKS clusters and their managed nodegroups in one region. EKS has no listing
//! that returns details, so each cluster and nodegroup is described once: the one place
//! where calls grow with resources. Clusters are described a few at a time, and each
//! cluster's nodegroups a few at a time, listed beside the cluster's own description.

use aws_sdk_eks::Client;

use super::{Ctx, Listing};
use crate::aws::failure::failure;
use crate::bounded::Bounded;
use crate::inventory::LiveResource;
use crate::model::relation::RelationKind as R;

const CLUSTER_KINDS: &[&str] = &["eks:cluster", "eks:nodegroup"];

/// Clusters (each with its nodegroups) described at once in one region.
const CLUSTERS_AT_ONCE: usize = 4;

pub async fn clusters(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let mut names = Vec::new();
    let mut stream = client.list_clusters().into_paginator().send();
    while let Some(page) = stream.next().await {
        match page {
            Ok(page) => names.extend(page.clusters.unwrap_or_default()),
            Err(err) => {
                out.failures.push(failure("eks", "ListClusters", CLUSTER_KINDS, &err));
                return out;
            }
        }
    }
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(CLUSTERS_AT_ONCE));
    let mut described = Bounded::new();
    for name in names {
        let (client, ctx) = (client.clone(), ctx.clone());
        described.spawn(name.clone(), &limit, async move { cluster(&client, &ctx, name).await });
    }
    for (name, outcome) in described.join_all().await {
        match outcome {
            Ok(part) => {
                out.resources.extend(part.resources);
                out.failures.extend(part.failures);
            }
            Err(lost) => out.failures.push(crate::aws::Failure {
                service: "eks",
                operation: "DescribeCluster",
                cause: crate::inventory::GapCause::Failed,
                message: format!("describing cluster {name} failed: {lost}"),
                kinds: CLUSTER_KINDS.iter().map(|k| (*k).to_owned()).collect(),
            }),
        }
    }
    out.resources.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// One cluster and its nodegroups. The nodegroups are listed beside the cluster's
/// description (they need only its name), and kept only when the cluster is described.
async fn cluster(client: &Client, ctx: &Ctx, name: String) -> Listing {
    let mut out = Listing::default();
    let mut groups = Listing::default();
    let (described, ()) =
        tokio::join!(client.describe_cluster().name(&name).send(), nodegroups(client, ctx, &name, &mut groups));
    let cluster = match described {
        Ok(resp) => resp.cluster,
        Err(err) => {
            out.failures.push(failure("eks", "DescribeCluster", CLUSTER_KINDS, &err));
            return out;
        }
    };
    let Some(cluster) = cluster else { return out };
    let Some(ctx) = ctx.known().await else { return out };
    let mut r = LiveResource::new("eks:cluster", &name, &ctx.account, &ctx.region);
    if let Some(arn) = cluster.arn() {
        arn.clone_into(&mut r.arn);
    }
    if let Some(tags) = cluster.tags() {
        r.tags.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    r.status = cluster.status().map(|s| s.as_str().to_ascii_lowercase());
    r.set_created(cluster.created_at());
    r.set_attr_opt("version", cluster.version());
    if let Some(vpc) = cluster.resources_vpc_config() {
        r.relate(R::InVpc, "ec2:vpc", vpc.vpc_id());
        for subnet in vpc.subnet_ids() {
            r.relate(R::InSubnet, "ec2:subnet", Some(subnet));
        }
        for group in vpc.security_group_ids() {
            r.relate(R::UsesSecurityGroup, "ec2:security-group", Some(group));
        }
        if let Some(group) = vpc.cluster_security_group_id() {
            r.relate_detail(R::UsesSecurityGroup, "ec2:security-group", Some(group), "cluster security group");
            r.set_attr("cluster_security_group_id", group);
        }
    }
    out.resources.push(r);
    out.resources.extend(groups.resources);
    out.failures.extend(groups.failures);
    out
}

/// Nodegroups of one cluster described at once.
const NODEGROUPS_AT_ONCE: usize = 4;

async fn nodegroups(client: &Client, ctx: &Ctx, cluster: &str, out: &mut Listing) {
    let mut names = Vec::new();
    let mut stream = client.list_nodegroups().cluster_name(cluster).into_paginator().send();
    while let Some(page) = stream.next().await {
        match page {
            Ok(page) => names.extend(page.nodegroups.unwrap_or_default()),
            Err(err) => {
                out.failures.push(failure("eks", "ListNodegroups", &["eks:nodegroup"], &err));
                return;
            }
        }
    }
    // Each nodegroup is described apart from the others: none waits for another's answer.
    let limit = std::sync::Arc::new(tokio::sync::Semaphore::new(NODEGROUPS_AT_ONCE));
    let mut described = Bounded::new();
    for name in names {
        let request = client.describe_nodegroup().cluster_name(cluster).nodegroup_name(&name);
        described.spawn(name, &limit, async move { request.send().await });
    }
    let described = described.join_all().await;
    let Some(ctx) = ctx.known().await else { return };
    for (name, outcome) in described {
        let nodegroup = match outcome {
            Ok(Ok(resp)) => resp.nodegroup,
            Ok(Err(err)) => {
                out.failures.push(failure("eks", "DescribeNodegroup", &["eks:nodegroup"], &err));
                continue;
            }
            Err(lost) => {
                out.failures.push(crate::aws::Failure {
                    service: "eks",
                    operation: "DescribeNodegroup",
                    cause: crate::inventory::GapCause::Failed,
                    message: format!("describing nodegroup {cluster}:{name} failed: {lost}"),
                    kinds: vec!["eks:nodegroup".to_owned()],
                });
                continue;
            }
        };
        let Some(ng) = nodegroup else { continue };
        let mut r = LiveResource::new("eks:nodegroup", format!("{cluster}:{name}"), &ctx.account, &ctx.region);
        if let Some(arn) = ng.nodegroup_arn() {
            arn.clone_into(&mut r.arn);
        }
        if let Some(tags) = ng.tags() {
            r.tags.extend(tags.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        r.status = ng.status().map(|s| s.as_str().to_ascii_lowercase());
        r.set_created(ng.created_at());
        r.relate(R::MemberOf, "eks:cluster", Some(cluster));
        for subnet in ng.subnets() {
            r.relate(R::InSubnet, "ec2:subnet", Some(subnet));
        }
        r.set_attr_opt("version", ng.version());
        r.set_attr("instance_types", ng.instance_types().to_vec());
        r.set_attr_opt("capacity_type", ng.capacity_type().map(aws_sdk_eks::types::CapacityTypes::as_str));
        if let Some(scaling) = ng.scaling_config() {
            r.set_attr_opt("desired_size", scaling.desired_size());
        }
        if let Some(resources) = ng.resources() {
            let groups: Vec<&str> = resources.auto_scaling_groups().iter().filter_map(|g| g.name()).collect();
            r.set_attr("autoscaling_groups", groups);
            if let Some(group) = resources.remote_access_security_group() {
                r.relate(R::UsesSecurityGroup, "ec2:security-group", Some(group));
            }
        }
        if let Some(template) = ng.launch_template() {
            r.relate(R::References, "ec2:launch-template", template.id());
        }
        out.resources.push(r);
    }
}
