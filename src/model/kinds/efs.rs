//! EFS file systems, listed by `DescribeFileSystems` in each region with their tags and
//! size, and their mount targets (`DescribeMountTargets` per file system), whose subnets
//! and security groups are the file system's: a hand-made file system in a declared
//! subnet blocks its destroy. Mount targets, access points and policies are parts.

use super::{Declared, Import, Kind, PartKind, Price, id, losing, part, planned, spec};

const FILE_SYSTEM: &str = "elasticfilesystem:file-system";

const fn fs_part(tf_type: &'static str, what: &'static str) -> super::TypeMapping {
    part(tf_type, FILE_SYSTEM, "file_system_id", PartKind::Other(what))
}

pub const FILE_SYSTEM_KIND: Kind = Kind {
    spec: spec(
        FILE_SYSTEM,
        "elasticfilesystem",
        "file-system",
        Some("DescribeFileSystems"),
        Some("fs-"),
        &["deleting", "deleted"],
        "EFS file system",
    ),
    declared_by: Declared::Types(&[
        fs_part("aws_efs_access_point", "access point"),
        fs_part("aws_efs_backup_policy", "backup policy"),
        id("aws_efs_file_system", FILE_SYSTEM),
        fs_part("aws_efs_file_system_policy", "policy"),
        fs_part("aws_efs_mount_target", "mount target"),
        part(
            "aws_efs_replication_configuration",
            FILE_SYSTEM,
            "source_file_system_id",
            PartKind::Other("replication configuration"),
        ),
    ]),
    ownership: &[],
    price: Price::Table("per GB stored (Standard storage class)"),
    cleanup: losing(planned(0), "deleting the file system destroys its files"),
    import: Import::Id("aws_efs_file_system"),
    needs: &[],
    iam: &["elasticfilesystem:DescribeFileSystems", "elasticfilesystem:DescribeMountTargets"],
};
