//! identity: the one table from Terraform resource type to live kind and how its identity
//! is read, plus the attribute paths by which a resource declares things inline (an
//! instance's root volume, a route table's routes) and the attributes drift compares.
//! Data, sorted by type; a test keeps each table sorted.

/// How a state resource finds its live counterpart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The `id` attribute is the live native id.
    Id,
    /// The `arn` attribute, read as the tagging API names the resource (`id` when there is
    /// no ARN): kinds leftover only knows through the tagging API (EKS add-ons and Fargate
    /// profiles, which provider `default_tags` tag).
    Arn,
    /// A part of a parent resource, matched inside it: the parent's kind (`*` to infer it
    /// from the id's prefix), the attribute holding the parent's id, and what the part is.
    Part { parent_kind: &'static str, parent_attr: &'static str, part: PartKind },
}

/// What kind of part a sub-resource is; routes, rules and ACL entries are checked one by
/// one inside their parent, other parts only need the parent to exist.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartKind {
    Route,
    /// `aws_security_group_rule`: `type` says ingress or egress; may expand to several rules.
    Rule,
    /// `aws_vpc_security_group_ingress_rule` / `_egress_rule`: one rule, with an `sgr-` id.
    RuleIngress,
    RuleEgress,
    AclRule,
    Other(&'static str),
}

/// One row of the identity table.
#[derive(Debug)]
pub struct TypeMapping {
    pub tf_type: &'static str,
    pub kind: &'static str,
    pub key: Key,
    /// Destroying it only forgets the resource (the `aws_default_*` family, peering
    /// accepters): a second declaration of the same resource by such a type is not double
    /// ownership.
    pub adopts: bool,
}

const fn id(tf_type: &'static str, kind: &'static str) -> TypeMapping {
    TypeMapping { tf_type, kind, key: Key::Id, adopts: false }
}

const fn by_arn(tf_type: &'static str, kind: &'static str) -> TypeMapping {
    TypeMapping { tf_type, kind, key: Key::Arn, adopts: false }
}

const fn adopt(tf_type: &'static str, kind: &'static str) -> TypeMapping {
    TypeMapping { tf_type, kind, key: Key::Id, adopts: true }
}

const fn part(
    tf_type: &'static str,
    parent_kind: &'static str,
    parent_attr: &'static str,
    part: PartKind,
) -> TypeMapping {
    TypeMapping { tf_type, kind: parent_kind, key: Key::Part { parent_kind, parent_attr, part }, adopts: false }
}

/// Terraform types leftover maps, sorted by type. Any other `aws_*` type with an `arn`
/// attribute joins tagged resources by ARN.
pub const TYPES: &[TypeMapping] = &[
    id("aws_ami", "ec2:image"),
    id("aws_ami_copy", "ec2:image"),
    id("aws_ami_from_instance", "ec2:image"),
    adopt("aws_default_network_acl", "ec2:network-acl"),
    adopt("aws_default_route_table", "ec2:route-table"),
    adopt("aws_default_security_group", "ec2:security-group"),
    adopt("aws_default_subnet", "ec2:subnet"),
    adopt("aws_default_vpc", "ec2:vpc"),
    id("aws_ebs_snapshot", "ec2:snapshot"),
    id("aws_ebs_volume", "ec2:volume"),
    part("aws_ec2_tag", "*", "resource_id", PartKind::Other("tag")),
    id("aws_ec2_transit_gateway", "ec2:transit-gateway"),
    id("aws_eip", "ec2:elastic-ip"),
    part("aws_eip_association", "ec2:elastic-ip", "allocation_id", PartKind::Other("association")),
    by_arn("aws_eks_addon", "eks:addon"),
    id("aws_eks_cluster", "eks:cluster"),
    by_arn("aws_eks_fargate_profile", "eks:fargate-profile"),
    id("aws_eks_node_group", "eks:nodegroup"),
    id("aws_elasticache_cluster", "elasticache:cluster"),
    id("aws_elasticache_parameter_group", "elasticache:parameter-group"),
    id("aws_elasticache_replication_group", "elasticache:replication-group"),
    id("aws_elasticache_subnet_group", "elasticache:subnet-group"),
    id("aws_instance", "ec2:instance"),
    id("aws_internet_gateway", "ec2:internet-gateway"),
    part(
        "aws_internet_gateway_attachment",
        "ec2:internet-gateway",
        "internet_gateway_id",
        PartKind::Other("attachment"),
    ),
    id("aws_key_pair", "ec2:key-pair"),
    id("aws_launch_template", "ec2:launch-template"),
    part("aws_main_route_table_association", "ec2:route-table", "route_table_id", PartKind::Other("main association")),
    id("aws_nat_gateway", "ec2:natgateway"),
    id("aws_network_acl", "ec2:network-acl"),
    part("aws_network_acl_association", "ec2:network-acl", "network_acl_id", PartKind::Other("association")),
    part("aws_network_acl_rule", "ec2:network-acl", "network_acl_id", PartKind::AclRule),
    id("aws_network_interface", "ec2:network-interface"),
    part(
        "aws_network_interface_attachment",
        "ec2:network-interface",
        "network_interface_id",
        PartKind::Other("attachment"),
    ),
    part(
        "aws_network_interface_sg_attachment",
        "ec2:network-interface",
        "network_interface_id",
        PartKind::Other("security group attachment"),
    ),
    part("aws_route", "ec2:route-table", "route_table_id", PartKind::Route),
    id("aws_route_table", "ec2:route-table"),
    part("aws_route_table_association", "ec2:route-table", "route_table_id", PartKind::Other("association")),
    id("aws_security_group", "ec2:security-group"),
    part("aws_security_group_rule", "ec2:security-group", "security_group_id", PartKind::Rule),
    id("aws_subnet", "ec2:subnet"),
    part("aws_volume_attachment", "ec2:volume", "volume_id", PartKind::Other("attachment")),
    id("aws_vpc", "ec2:vpc"),
    id("aws_vpc_endpoint", "ec2:vpc-endpoint"),
    part(
        "aws_vpc_endpoint_route_table_association",
        "ec2:route-table",
        "route_table_id",
        PartKind::Other("endpoint association"),
    ),
    part("aws_vpc_ipv4_cidr_block_association", "ec2:vpc", "vpc_id", PartKind::Other("CIDR association")),
    id("aws_vpc_peering_connection", "ec2:vpc-peering-connection"),
    adopt("aws_vpc_peering_connection_accepter", "ec2:vpc-peering-connection"),
    part(
        "aws_vpc_peering_connection_options",
        "ec2:vpc-peering-connection",
        "vpc_peering_connection_id",
        PartKind::Other("options"),
    ),
    part("aws_vpc_security_group_egress_rule", "ec2:security-group", "security_group_id", PartKind::RuleEgress),
    part("aws_vpc_security_group_ingress_rule", "ec2:security-group", "security_group_id", PartKind::RuleIngress),
    part("aws_vpn_gateway_route_propagation", "ec2:route-table", "route_table_id", PartKind::Other("propagation")),
];

/// The mapping of a Terraform type, if leftover knows it.
pub fn mapping(tf_type: &str) -> Option<&'static TypeMapping> {
    TYPES.binary_search_by(|m| m.tf_type.cmp(tf_type)).ok().map(|i| &TYPES[i])
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
        for m in TYPES {
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
        assert!(mapping("aws_lb").is_none());
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
