//! RDS: DB instances, DB clusters, manual DB and cluster snapshots, and DB subnet groups,
//! each listed by its own `Describe*` call. Every RDS ARN is `rds:TYPE:NAME`, and the name
//! (the identifier) is the native id.

use super::{Declared, Import, Kind, Price, by_attr, colon, delete, id, losing, planned, spec, tags_from_tagging};

pub const INSTANCE: Kind = Kind {
    spec: colon(spec("rds:db", "rds", "db", Some("DescribeDBInstances"), None, &["deleting"], "RDS DB instance")),
    // The `id` of `aws_db_instance` is the resource id (`db-…`) since provider v5 and the
    // identifier before; `identifier` is the identifier in both.
    declared_by: Declared::Types(&[
        by_attr("aws_db_instance", "rds:db", "identifier"),
        by_attr("aws_rds_cluster_instance", "rds:db", "identifier"),
    ]),
    ownership: &["rds:cluster"],
    price: Price::Table("per hour by instance class, twice for multi-AZ, plus storage per GB-month"),
    cleanup: losing(
        planned(0),
        "deleting the DB instance destroys its data (a final snapshot is kept unless --no-final-snapshot)",
    ),
    import: Import::Id("aws_db_instance"),
    needs: &[],
    iam: &["rds:DescribeDBInstances"],
};

pub const CLUSTER: Kind = Kind {
    spec: colon(spec(
        "rds:cluster",
        "rds",
        "cluster",
        Some("DescribeDBClusters"),
        None,
        &["deleting"],
        "RDS DB cluster",
    )),
    declared_by: Declared::Types(&[id("aws_rds_cluster", "rds:cluster")]),
    ownership: &[],
    price: Price::Unknown("a cluster's instances are priced with them; its storage size is not listed"),
    cleanup: losing(
        planned(1),
        "deleting the DB cluster destroys its data (a final snapshot is kept unless --no-final-snapshot)",
    ),
    import: Import::Id("aws_rds_cluster"),
    needs: &[],
    iam: &["rds:DescribeDBClusters"],
};

pub const SNAPSHOT: Kind = Kind {
    spec: colon(spec(
        "rds:snapshot",
        "rds",
        "snapshot",
        Some("DescribeDBSnapshots"),
        None,
        &["deleting"],
        "RDS DB snapshot",
    )),
    declared_by: Declared::Types(&[id("aws_db_snapshot", "rds:snapshot")]),
    ownership: &["rds:db"],
    price: Price::Table("per GB-month of its allocated storage"),
    cleanup: losing(
        delete(3, "rds", "delete-db-snapshot", "--db-snapshot-identifier"),
        "deleting the DB snapshot destroys the data it holds",
    ),
    import: Import::Id("aws_db_snapshot"),
    needs: &[],
    iam: &["rds:DescribeDBSnapshots"],
};

pub const CLUSTER_SNAPSHOT: Kind = Kind {
    spec: colon(spec(
        "rds:cluster-snapshot",
        "rds",
        "cluster-snapshot",
        Some("DescribeDBClusterSnapshots"),
        None,
        &["deleting"],
        "RDS cluster snapshot",
    )),
    declared_by: Declared::Types(&[id("aws_db_cluster_snapshot", "rds:cluster-snapshot")]),
    ownership: &["rds:cluster"],
    price: Price::Unknown("cluster snapshot storage is charged by the size the cluster used, which is not listed"),
    cleanup: losing(
        delete(3, "rds", "delete-db-cluster-snapshot", "--db-cluster-snapshot-identifier"),
        "deleting the cluster snapshot destroys the data it holds",
    ),
    import: Import::Id("aws_db_cluster_snapshot"),
    needs: &[],
    iam: &["rds:DescribeDBClusterSnapshots"],
};

pub const SUBNET_GROUP: Kind = Kind {
    spec: tags_from_tagging(colon(spec(
        "rds:subgrp",
        "rds",
        "subgrp",
        Some("DescribeDBSubnetGroups"),
        None,
        &[],
        "DB subnet group",
    ))),
    declared_by: Declared::Types(&[id("aws_db_subnet_group", "rds:subgrp")]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(4, "rds", "delete-db-subnet-group", "--db-subnet-group-name"),
    import: Import::Id("aws_db_subnet_group"),
    needs: &[],
    iam: &["rds:DescribeDBSubnetGroups"],
};
