//! `ElastiCache`: replication groups, cache clusters, subnet groups and snapshots, each listed
//! by its own `Describe*` call; parameter groups, known through the tagging API.

use super::{Declared, Import, Kind, Price, colon, delete, id, losing, spec, tags_from_tagging, waiting};
use crate::model::relation::RelationKind as R;

pub const CLUSTER: Kind = Kind {
    spec: tags_from_tagging(colon(spec(
        "elasticache:cluster",
        "elasticache",
        "cluster",
        Some("DescribeCacheClusters"),
        None,
        &["deleting", "deleted"],
        "cache cluster",
    ))),
    declared_by: Declared::Types(&[id("aws_elasticache_cluster", "elasticache:cluster")]),
    ownership: &["elasticache:replication-group"],
    price: Price::Table("per node-hour by node type"),
    cleanup: losing(
        waiting(
            delete(1, "elasticache", "delete-cache-cluster", "--cache-cluster-id"),
            "cache-cluster-deleted",
            "--cache-cluster-id",
            false,
        ),
        "deleting the cache cluster destroys its data",
    ),
    import: Import::Id("aws_elasticache_cluster"),
    needs: &[(R::UsesSecurityGroup, "ec2:security-group")],
    iam: &["elasticache:DescribeCacheClusters"],
};

pub const PARAMETER_GROUP: Kind = Kind {
    spec: tags_from_tagging(colon(spec(
        "elasticache:parameter-group",
        "elasticache",
        "parametergroup",
        None,
        None,
        &[],
        "cache parameter group",
    ))),
    declared_by: Declared::Types(&[id("aws_elasticache_parameter_group", "elasticache:parameter-group")]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(3, "elasticache", "delete-cache-parameter-group", "--cache-parameter-group-name"),
    import: Import::Id("aws_elasticache_parameter_group"),
    needs: &[],
    iam: &[],
};

pub const REPLICATION_GROUP: Kind = Kind {
    spec: tags_from_tagging(colon(spec(
        "elasticache:replication-group",
        "elasticache",
        "replicationgroup",
        Some("DescribeReplicationGroups"),
        None,
        &["deleting", "deleted"],
        "replication group",
    ))),
    declared_by: Declared::Types(&[id("aws_elasticache_replication_group", "elasticache:replication-group")]),
    ownership: &[],
    price: Price::Table("per node-hour by node type, for each member cluster"),
    cleanup: losing(
        waiting(
            delete(0, "elasticache", "delete-replication-group", "--replication-group-id"),
            "replication-group-deleted",
            "--replication-group-id",
            false,
        ),
        "deleting the replication group destroys its data",
    ),
    import: Import::Id("aws_elasticache_replication_group"),
    needs: &[],
    iam: &["elasticache:DescribeReplicationGroups"],
};

pub const SNAPSHOT: Kind = Kind {
    spec: tags_from_tagging(colon(spec(
        "elasticache:snapshot",
        "elasticache",
        "snapshot",
        Some("DescribeSnapshots"),
        None,
        &[],
        "cache snapshot",
    ))),
    declared_by: Declared::Never("the AWS provider has no resource type for an ElastiCache snapshot"),
    ownership: &["elasticache:replication-group", "elasticache:cluster"],
    price: Price::Unknown("backup storage beyond the free allowance; the snapshot's size is not listed"),
    cleanup: losing(
        delete(3, "elasticache", "delete-snapshot", "--snapshot-name"),
        "deleting the cache snapshot destroys the data it holds",
    ),
    import: Import::Unsupported("the AWS provider has no resource type for an ElastiCache snapshot"),
    needs: &[],
    iam: &["elasticache:DescribeSnapshots"],
};

pub const SUBNET_GROUP: Kind = Kind {
    spec: tags_from_tagging(colon(spec(
        "elasticache:subnet-group",
        "elasticache",
        "subnetgroup",
        Some("DescribeCacheSubnetGroups"),
        None,
        &[],
        "cache subnet group",
    ))),
    declared_by: Declared::Types(&[id("aws_elasticache_subnet_group", "elasticache:subnet-group")]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(4, "elasticache", "delete-cache-subnet-group", "--cache-subnet-group-name"),
    import: Import::Id("aws_elasticache_subnet_group"),
    needs: &[(R::InSubnet, "ec2:subnet")],
    iam: &["elasticache:DescribeCacheSubnetGroups"],
};
