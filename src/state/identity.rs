//! identity: the table from Terraform resource type to live kind and how its identity is
//! read (gathered from the kinds' modules, `model::kinds`), plus the attribute paths by
//! which a resource declares things inline (an instance's root volume, a route table's
//! routes) and the attributes drift compares. Data, sorted by type; a test keeps each
//! table sorted.

pub use crate::model::kinds::{Key, PartKind, TypeMapping};

/// Terraform types leftover maps, from every kind's module, sorted by type. Any other
/// `aws_*` type with an `arn` attribute joins tagged resources by ARN.
static TYPES: std::sync::LazyLock<Vec<&'static TypeMapping>> = std::sync::LazyLock::new(|| {
    let mut types: Vec<_> = crate::model::kinds::type_mappings().collect();
    types.sort_by_key(|m| m.tf_type);
    types
});

/// The mapping of a Terraform type, if leftover knows it.
pub fn mapping(tf_type: &str) -> Option<&'static TypeMapping> {
    TYPES.binary_search_by(|m| m.tf_type.cmp(tf_type)).ok().map(|i| TYPES[i])
}

/// Things a resource brings into being as it is created, declared inline by an attribute
/// path (`*` steps into every list element): they are owned by the declaring resource. An
/// `aws_main_route_table_association` keeps the VPC's original main route table (it makes
/// it main again when destroyed). Sorted by type.
pub const INLINE: &[(&str, &str, &str)] = &[
    ("aws_eks_cluster", "vpc_config.*.cluster_security_group_id", "ec2:security-group"),
    ("aws_eks_node_group", "resources.*.remote_access_security_group_id", "ec2:security-group"),
    ("aws_elasticache_replication_group", "member_clusters.*", "elasticache:cluster"),
    ("aws_instance", "ebs_block_device.*.volume_id", "ec2:volume"),
    ("aws_instance", "primary_network_interface_id", "ec2:network-interface"),
    ("aws_instance", "root_block_device.*.volume_id", "ec2:volume"),
    ("aws_main_route_table_association", "original_route_table_id", "ec2:route-table"),
    ("aws_nat_gateway", "network_interface_id", "ec2:network-interface"),
    ("aws_vpc", "default_network_acl_id", "ec2:network-acl"),
    ("aws_vpc", "default_route_table_id", "ec2:route-table"),
    ("aws_vpc", "default_security_group_id", "ec2:security-group"),
    ("aws_vpc", "main_route_table_id", "ec2:route-table"),
];

/// Attributes drift compares: Terraform attribute path → live attribute. Sorted by type.
pub const CHECKED: &[(&str, &str, &str)] = &[
    ("aws_default_subnet", "cidr_block", "cidr_block"),
    ("aws_default_vpc", "cidr_block", "cidr_block"),
    ("aws_eks_cluster", "version", "version"),
    ("aws_eks_node_group", "version", "version"),
    ("aws_elasticache_cluster", "engine_version_actual", "engine_version"),
    ("aws_elasticache_cluster", "node_type", "cache_node_type"),
    ("aws_elasticache_replication_group", "node_type", "cache_node_type"),
    // Not listed by DescribeReplicationGroups: kept for connectivity checks.
    ("aws_elasticache_replication_group", "subnet_group_name", "cache_subnet_group_name"),
    ("aws_instance", "instance_type", "instance_type"),
    ("aws_subnet", "cidr_block", "cidr_block"),
    ("aws_vpc", "cidr_block", "cidr_block"),
    ("aws_vpc_peering_connection", "peer_vpc_id", "accepter_vpc_id"),
    ("aws_vpc_peering_connection", "vpc_id", "requester_vpc_id"),
];

/// References that name a resource of another account or region, and the attributes that
/// say which: (type, reference path, account attribute, region attribute). Sorted by type.
pub const PLACED_REFERENCES: &[(&str, &str, &str, &str)] = &[
    ("aws_vpc_peering_connection", "peer_vpc_id", "peer_owner_id", "peer_region"),
    ("aws_vpc_peering_connection_accepter", "peer_vpc_id", "peer_owner_id", "peer_region"),
];

/// The rows of a table sorted by type that are about `tf_type`, found by halves: every
/// instance of every state asks.
fn rows_of<'t, T>(table: &'t [T], tf_type: &str, type_of: impl Fn(&T) -> &str) -> &'t [T] {
    let start = table.partition_point(|row| type_of(row) < tf_type);
    let len = table[start..].partition_point(|row| type_of(row) == tf_type);
    &table[start..start + len]
}

/// The inline declarations of a type.
pub fn inline_of(tf_type: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    rows_of(INLINE, tf_type, |row| row.0).iter().map(|(_, path, kind)| (*path, *kind))
}

/// The checked attributes of a type.
pub fn checked_of(tf_type: &str) -> impl Iterator<Item = (&'static str, &'static str)> {
    rows_of(CHECKED, tf_type, |row| row.0).iter().map(|(_, path, live)| (*path, *live))
}

/// The references of a type placed by other attributes: (path, account attribute, region
/// attribute).
pub fn placed_of(tf_type: &str) -> impl Iterator<Item = (&'static str, &'static str, &'static str)> {
    rows_of(PLACED_REFERENCES, tf_type, |row| row.0).iter().map(|(_, path, account, region)| (*path, *account, *region))
}

/// Whether a type belongs to the AWS provider.
pub fn is_aws_type(tf_type: &str) -> bool {
    tf_type.starts_with("aws_")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted() {
        for pair in TYPES.windows(2) {
            assert!(pair[0].tf_type < pair[1].tf_type, "{} before {}", pair[0].tf_type, pair[1].tf_type);
        }
        for pair in INLINE.windows(2) {
            assert!(pair[0] <= pair[1], "{pair:?}");
        }
        for pair in CHECKED.windows(2) {
            assert!(pair[0] <= pair[1], "{pair:?}");
        }
        for pair in PLACED_REFERENCES.windows(2) {
            assert!(pair[0] <= pair[1], "{pair:?}");
        }
    }

    #[test]
    fn every_mapped_kind_is_known() {
        for m in TYPES.iter() {
            if m.kind != "*" {
                assert!(crate::model::kinds::spec_of(m.kind).is_some(), "{} maps to unknown {}", m.tf_type, m.kind);
            }
        }
        for (_, _, kind) in INLINE {
            assert!(crate::model::kinds::spec_of(kind).is_some(), "{kind}");
        }
    }

    #[test]
    fn lookups() {
        assert_eq!(mapping("aws_vpc").map(|m| m.kind), Some("ec2:vpc"));
        assert!(matches!(
            mapping("aws_route").map(|m| m.key),
            Some(Key::Part { part: PartKind::Route, parent_attr: "route_table_id", .. })
        ));
        assert!(mapping("aws_lbx").is_none());
        assert_eq!(inline_of("aws_vpc").count(), 4);
        assert_eq!(inline_of("aws_vp").count() + inline_of("aws_vpc_").count() + inline_of("zzz").count(), 0);
        assert_eq!(checked_of("aws_eks_cluster").collect::<Vec<_>>(), [("version", "version")]);
        assert_eq!(placed_of("aws_vpc_peering_connection").count(), 1);
        // Every row is found through its type.
        for (tf_type, path, kind) in INLINE {
            assert!(inline_of(tf_type).any(|row| row == (*path, *kind)), "{tf_type} {path}");
        }
        for (tf_type, path, live) in CHECKED {
            assert!(checked_of(tf_type).any(|row| row == (*path, *live)), "{tf_type} {path}");
        }
    }
}
