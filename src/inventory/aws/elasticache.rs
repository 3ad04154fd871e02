//! elasticache: lists replication groups, cache clusters, cache subnet groups and
//! snapshots of one region. `ElastiCache` descriptions carry no tags: they are merged in
//! from the tagging API's listing of the same region (see `link`).

use aws_sdk_elasticache::Client;

use super::{Ctx, Listing};
use crate::aws::failure::failure;
use crate::inventory::LiveResource;
use crate::model::relation::RelationKind as R;

fn with_arn(mut r: LiveResource, arn: Option<&str>) -> LiveResource {
    if let Some(arn) = arn {
        arn.clone_into(&mut r.arn);
    }
    r
}

pub async fn replication_groups(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "elasticache",
        out,
        ctx,
        client.describe_replication_groups(),
        "DescribeReplicationGroups",
        &["elasticache:replication-group"],
        |page| {
            for group in page.replication_groups() {
                let Some(id) = group.replication_group_id() else { continue };
                let mut r = with_arn(
                    LiveResource::new("elasticache:replication-group", id, &ctx.account, &ctx.region),
                    group.arn(),
                );
                r.status = group.status().map(str::to_owned);
                r.set_created(group.replication_group_create_time());
                r.set_attr_opt("cache_node_type", group.cache_node_type());
                r.set_attr_opt("engine", group.engine());
                r.set_attr_opt("description", group.description());
                r.set_attr("member_clusters", group.member_clusters().to_vec());
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn cache_clusters(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "elasticache",
        out,
        ctx,
        client.describe_cache_clusters().show_cache_node_info(true),
        "DescribeCacheClusters",
        &["elasticache:cluster"],
        |page| {
            for cluster in page.cache_clusters() {
                let Some(id) = cluster.cache_cluster_id() else { continue };
                let mut r =
                    with_arn(LiveResource::new("elasticache:cluster", id, &ctx.account, &ctx.region), cluster.arn());
                r.status = cluster.cache_cluster_status().map(str::to_owned);
                r.set_created(cluster.cache_cluster_create_time());
                r.set_attr_opt("cache_node_type", cluster.cache_node_type());
                r.set_attr_opt("engine", cluster.engine());
                r.set_attr_opt("engine_version", cluster.engine_version());
                r.set_attr_opt("num_cache_nodes", cluster.num_cache_nodes());
                r.relate(R::MemberOf, "elasticache:replication-group", cluster.replication_group_id());
                r.relate(R::References, "elasticache:subnet-group", cluster.cache_subnet_group_name());
                for group in cluster.security_groups() {
                    r.relate(R::UsesSecurityGroup, "ec2:security-group", group.security_group_id());
                }
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn subnet_groups(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "elasticache",
        out,
        ctx,
        client.describe_cache_subnet_groups(),
        "DescribeCacheSubnetGroups",
        &["elasticache:subnet-group"],
        |page| {
            for group in page.cache_subnet_groups() {
                let Some(name) = group.cache_subnet_group_name() else { continue };
                let mut r = with_arn(
                    LiveResource::new("elasticache:subnet-group", name, &ctx.account, &ctx.region),
                    group.arn(),
                );
                r.relate(R::InVpc, "ec2:vpc", group.vpc_id());
                for subnet in group.subnets() {
                    r.relate(R::InSubnet, "ec2:subnet", subnet.subnet_identifier());
                }
                r.set_attr_opt("description", group.cache_subnet_group_description());
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn snapshots(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let mut marker: Option<String> = None;
    loop {
        let page = match client.describe_snapshots().set_marker(marker.take()).send().await {
            Ok(page) => page,
            Err(err) => {
                out.failures.push(failure("elasticache", "DescribeSnapshots", &["elasticache:snapshot"], &err));
                break;
            }
        };
        let Some(ctx) = ctx.known().await else { break };
        for snapshot in page.snapshots() {
            let Some(name) = snapshot.snapshot_name() else { continue };
            let mut r =
                with_arn(LiveResource::new("elasticache:snapshot", name, &ctx.account, &ctx.region), snapshot.arn());
            r.status = snapshot.snapshot_status().map(str::to_owned);
            r.set_attr_opt("snapshot_source", snapshot.snapshot_source());
            r.relate(R::CreatedBy, "elasticache:replication-group", snapshot.replication_group_id());
            if snapshot.replication_group_id().is_none() {
                r.relate(R::CreatedBy, "elasticache:cluster", snapshot.cache_cluster_id());
            }
            out.resources.push(r);
        }
        match page.marker() {
            Some(next) if !next.is_empty() => marker = Some(next.to_owned()),
            _ => break,
        }
    }
    out
}
