//! rds: lists DB instances, DB clusters, manual DB and cluster snapshots, and DB subnet
//! groups of one region. RDS answers carry their tags (`TagList`) except subnet groups',
//! which the tagging API's listing of the same region fills in (see `link`). Automated
//! snapshots are RDS's own (they go with their instance or cluster) and are not listed.

use aws_sdk_rds::Client;

use super::{Ctx, Listing};
use crate::inventory::LiveResource;
use crate::model::relation::RelationKind as R;

fn tagged(r: &mut LiveResource, tags: &[aws_sdk_rds::types::Tag]) {
    r.set_tags(tags.iter().map(|t| (t.key(), t.value())));
}

fn with_arn(mut r: LiveResource, arn: Option<&str>) -> LiveResource {
    if let Some(arn) = arn {
        arn.clone_into(&mut r.arn);
    }
    r
}

pub async fn instances(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("rds", out, ctx, client.describe_db_instances(), "DescribeDBInstances", &["rds:db"], |page| {
        for db in page.db_instances() {
            let Some(id) = db.db_instance_identifier() else { continue };
            let mut r = with_arn(LiveResource::new("rds:db", id, &ctx.account, &ctx.region), db.db_instance_arn());
            r.status = db.db_instance_status().map(str::to_owned);
            r.set_created(db.instance_create_time());
            tagged(&mut r, db.tag_list());
            r.set_attr_opt("instance_class", db.db_instance_class());
            r.set_attr_opt("engine", db.engine());
            r.set_attr_opt("engine_version", db.engine_version());
            r.set_attr_opt("allocated_storage", db.allocated_storage());
            r.set_attr_opt("storage_type", db.storage_type());
            r.set_attr_opt("multi_az", db.multi_az());
            r.set_attr_opt("deletion_protection", db.deletion_protection());
            r.set_attr_opt("resource_id", db.dbi_resource_id());
            r.relate(R::MemberOf, "rds:cluster", db.db_cluster_identifier());
            if let Some(group) = db.db_subnet_group() {
                r.relate(R::InVpc, "ec2:vpc", group.vpc_id());
                r.relate(R::References, "rds:subgrp", group.db_subnet_group_name());
                for subnet in group.subnets() {
                    r.relate(R::InSubnet, "ec2:subnet", subnet.subnet_identifier());
                }
            }
            for group in db.vpc_security_groups() {
                r.relate(R::UsesSecurityGroup, "ec2:security-group", group.vpc_security_group_id());
            }
            out.resources.push(r);
        }
    });
    out
}

pub async fn clusters(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("rds", out, ctx, client.describe_db_clusters(), "DescribeDBClusters", &["rds:cluster"], |page| {
        for cluster in page.db_clusters() {
            let Some(id) = cluster.db_cluster_identifier() else { continue };
            let mut r =
                with_arn(LiveResource::new("rds:cluster", id, &ctx.account, &ctx.region), cluster.db_cluster_arn());
            r.status = cluster.status().map(str::to_owned);
            r.set_created(cluster.cluster_create_time());
            tagged(&mut r, cluster.tag_list());
            r.set_attr_opt("engine", cluster.engine());
            r.set_attr_opt("engine_version", cluster.engine_version());
            r.set_attr_opt("deletion_protection", cluster.deletion_protection());
            r.set_attr(
                "members",
                cluster.db_cluster_members().iter().filter_map(|m| m.db_instance_identifier()).collect::<Vec<_>>(),
            );
            r.relate(R::References, "rds:subgrp", cluster.db_subnet_group());
            for group in cluster.vpc_security_groups() {
                r.relate(R::UsesSecurityGroup, "ec2:security-group", group.vpc_security_group_id());
            }
            out.resources.push(r);
        }
    });
    out
}

pub async fn snapshots(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "rds",
        out,
        ctx,
        client.describe_db_snapshots().snapshot_type("manual"),
        "DescribeDBSnapshots",
        &["rds:snapshot"],
        |page| {
            for snapshot in page.db_snapshots() {
                let Some(id) = snapshot.db_snapshot_identifier() else { continue };
                let mut r = with_arn(
                    LiveResource::new("rds:snapshot", id, &ctx.account, &ctx.region),
                    snapshot.db_snapshot_arn(),
                );
                r.status = snapshot.status().map(str::to_owned);
                r.set_created(snapshot.snapshot_create_time());
                tagged(&mut r, snapshot.tag_list());
                r.set_attr_opt("allocated_storage", snapshot.allocated_storage());
                r.set_attr_opt("snapshot_type", snapshot.snapshot_type());
                r.relate(R::CreatedBy, "rds:db", snapshot.db_instance_identifier());
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn cluster_snapshots(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "rds",
        out,
        ctx,
        client.describe_db_cluster_snapshots().snapshot_type("manual"),
        "DescribeDBClusterSnapshots",
        &["rds:cluster-snapshot"],
        |page| {
            for snapshot in page.db_cluster_snapshots() {
                let Some(id) = snapshot.db_cluster_snapshot_identifier() else { continue };
                let mut r = with_arn(
                    LiveResource::new("rds:cluster-snapshot", id, &ctx.account, &ctx.region),
                    snapshot.db_cluster_snapshot_arn(),
                );
                r.status = snapshot.status().map(str::to_owned);
                r.set_created(snapshot.snapshot_create_time());
                tagged(&mut r, snapshot.tag_list());
                r.set_attr_opt("allocated_storage", snapshot.allocated_storage());
                r.set_attr_opt("snapshot_type", snapshot.snapshot_type());
                r.relate(R::CreatedBy, "rds:cluster", snapshot.db_cluster_identifier());
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn subnet_groups(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("rds", out, ctx, client.describe_db_subnet_groups(), "DescribeDBSubnetGroups", &["rds:subgrp"], |page| {
        for group in page.db_subnet_groups() {
            let Some(name) = group.db_subnet_group_name() else { continue };
            let mut r =
                with_arn(LiveResource::new("rds:subgrp", name, &ctx.account, &ctx.region), group.db_subnet_group_arn());
            r.status = group.subnet_group_status().map(str::to_owned);
            r.set_attr_opt("description", group.db_subnet_group_description());
            r.relate(R::InVpc, "ec2:vpc", group.vpc_id());
            for subnet in group.subnets() {
                r.relate(R::InSubnet, "ec2:subnet", subnet.subnet_identifier());
            }
            out.resources.push(r);
        }
    });
    out
}
