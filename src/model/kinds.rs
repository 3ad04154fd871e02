//! kinds: what leftover knows about each live kind, as one sorted table: its ARN shape, how
//! it is listed, its id prefix, and which statuses mean it is gone. Data, not branches.

/// The facts about one kind of live resource.
#[derive(Debug, PartialEq, Eq)]
pub struct KindSpec {
    /// `service:type`, the name reports use.
    pub kind: &'static str,
    /// The ARN's service.
    pub service: &'static str,
    /// The resource type as the ARN spells it (`replicationgroup`, `natgateway`).
    pub arn_type: &'static str,
    /// The separator between type and id in the ARN (`/` or `:`).
    pub arn_sep: char,
    /// Whether the ARN carries the account (EC2 images and snapshots do not).
    pub arn_has_account: bool,
    /// The operation that lists every resource of this kind, when leftover lists it
    /// itself. Only such kinds are authoritative: a declared resource of a kind that is not
    /// listed is never reported missing.
    pub listed_by: Option<&'static str>,
    /// The native id's prefix, for kinds whose ids carry one.
    pub id_prefix: Option<&'static str>,
    /// Statuses in which the resource is still listed but no longer exists.
    pub gone: &'static [&'static str],
    /// A short human name.
    pub label: &'static str,
}

const fn spec(
    kind: &'static str,
    service: &'static str,
    arn_type: &'static str,
    listed_by: Option<&'static str>,
    id_prefix: Option<&'static str>,
    gone: &'static [&'static str],
    label: &'static str,
) -> KindSpec {
    KindSpec { kind, service, arn_type, arn_sep: '/', arn_has_account: true, listed_by, id_prefix, gone, label }
}

const fn colon(mut s: KindSpec) -> KindSpec {
    s.arn_sep = ':';
    s
}

const fn no_account(mut s: KindSpec) -> KindSpec {
    s.arn_has_account = false;
    s
}

/// Every kind leftover lists or names, sorted by `kind` (a test keeps it sorted).
pub const KINDS: &[KindSpec] = &[
    spec("ec2:elastic-ip", "ec2", "elastic-ip", Some("DescribeAddresses"), Some("eipalloc-"), &[], "Elastic IP"),
    no_account(spec("ec2:image", "ec2", "image", Some("DescribeImages"), Some("ami-"), &["deregistered"], "AMI")),
    spec("ec2:instance", "ec2", "instance", Some("DescribeInstances"), Some("i-"), &["terminated"], "instance"),
    spec(
        "ec2:internet-gateway",
        "ec2",
        "internet-gateway",
        Some("DescribeInternetGateways"),
        Some("igw-"),
        &[],
        "internet gateway",
    ),
    spec("ec2:key-pair", "ec2", "key-pair", Some("DescribeKeyPairs"), None, &[], "key pair"),
    spec(
        "ec2:launch-template",
        "ec2",
        "launch-template",
        Some("DescribeLaunchTemplates"),
        Some("lt-"),
        &[],
        "launch template",
    ),
    spec(
        "ec2:natgateway",
        "ec2",
        "natgateway",
        Some("DescribeNatGateways"),
        Some("nat-"),
        &["deleting", "deleted", "failed"],
        "NAT gateway",
    ),
    spec("ec2:network-acl", "ec2", "network-acl", Some("DescribeNetworkAcls"), Some("acl-"), &[], "network ACL"),
    spec(
        "ec2:network-interface",
        "ec2",
        "network-interface",
        Some("DescribeNetworkInterfaces"),
        Some("eni-"),
        &[],
        "network interface",
    ),
    spec("ec2:route-table", "ec2", "route-table", Some("DescribeRouteTables"), Some("rtb-"), &[], "route table"),
    spec(
        "ec2:security-group",
        "ec2",
        "security-group",
        Some("DescribeSecurityGroups"),
        Some("sg-"),
        &[],
        "security group",
    ),
    no_account(spec("ec2:snapshot", "ec2", "snapshot", Some("DescribeSnapshots"), Some("snap-"), &[], "EBS snapshot")),
    spec("ec2:subnet", "ec2", "subnet", Some("DescribeSubnets"), Some("subnet-"), &[], "subnet"),
    spec(
        "ec2:transit-gateway",
        "ec2",
        "transit-gateway",
        Some("DescribeTransitGateways"),
        Some("tgw-"),
        &["deleted", "deleting"],
        "transit gateway",
    ),
    spec("ec2:volume", "ec2", "volume", Some("DescribeVolumes"), Some("vol-"), &["deleting", "deleted"], "EBS volume"),
    spec("ec2:vpc", "ec2", "vpc", Some("DescribeVpcs"), Some("vpc-"), &[], "VPC"),
    spec(
        "ec2:vpc-endpoint",
        "ec2",
        "vpc-endpoint",
        Some("DescribeVpcEndpoints"),
        Some("vpce-"),
        &["deleted", "deleting", "failed", "rejected", "expired"],
        "VPC endpoint",
    ),
    spec(
        "ec2:vpc-peering-connection",
        "ec2",
        "vpc-peering-connection",
        Some("DescribeVpcPeeringConnections"),
        Some("pcx-"),
        &["deleted", "deleting", "rejected", "failed", "expired"],
        "VPC peering connection",
    ),
    spec("eks:addon", "eks", "addon", None, None, &[], "EKS add-on"),
    spec("eks:cluster", "eks", "cluster", Some("DescribeCluster"), None, &["deleting"], "EKS cluster"),
    spec("eks:fargate-profile", "eks", "fargateprofile", None, None, &[], "EKS Fargate profile"),
    spec("eks:nodegroup", "eks", "nodegroup", Some("DescribeNodegroup"), None, &["deleting"], "EKS nodegroup"),
    colon(spec(
        "elasticache:cluster",
        "elasticache",
        "cluster",
        Some("DescribeCacheClusters"),
        None,
        &["deleting", "deleted"],
        "cache cluster",
    )),
    colon(spec(
        "elasticache:parameter-group",
        "elasticache",
        "parametergroup",
        None,
        None,
        &[],
        "cache parameter group",
    )),
    colon(spec(
        "elasticache:replication-group",
        "elasticache",
        "replicationgroup",
        Some("DescribeReplicationGroups"),
        None,
        &["deleting", "deleted"],
        "replication group",
    )),
    colon(spec(
        "elasticache:snapshot",
        "elasticache",
        "snapshot",
        Some("DescribeSnapshots"),
        None,
        &[],
        "cache snapshot",
    )),
    colon(spec(
        "elasticache:subnet-group",
        "elasticache",
        "subnetgroup",
        Some("DescribeCacheSubnetGroups"),
        None,
        &[],
        "cache subnet group",
    )),
    spec("elasticloadbalancing:loadbalancer", "elasticloadbalancing", "loadbalancer", None, None, &[], "load balancer"),
];

/// The spec of `kind`, if leftover knows it.
pub fn spec_of(kind: &str) -> Option<&'static KindSpec> {
    KINDS.binary_search_by(|s| s.kind.cmp(kind)).ok().map(|i| &KINDS[i])
}

/// The kind named by an ARN's service and resource type (`elasticache` + `replicationgroup`).
pub fn kind_for_arn_type(service: &str, arn_type: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|s| s.service == service && s.arn_type == arn_type)
}

/// The kind of an EC2-style id from its prefix (`pcx-0abc` → `ec2:vpc-peering-connection`).
/// The rest of the id must look like an id (hex digits), so words such as `local` or
/// `sg-rule-name` are not taken for ids.
///
/// Every attribute value of every declared instance is asked, so the digits are checked
/// first (most values fail there) and the table is searched only for a value that has them.
/// Every prefix ends with its only dash (checked below as the table compiles), so the
/// prefix of an id is what comes up to its last dash.
pub fn kind_of_id(id: &str) -> Option<&'static KindSpec> {
    let dash = id.rfind('-')?;
    let (prefix, digits) = (&id[..=dash], &id[dash + 1..]);
    if !(8..=17).contains(&digits.len()) || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    KINDS.iter().find(|s| s.id_prefix == Some(prefix))
}

// What `kind_of_id` relies on: every id prefix ends with its only dash.
const _: () = {
    let mut n = 0;
    while n < KINDS.len() {
        if let Some(prefix) = KINDS[n].id_prefix {
            let bytes = prefix.as_bytes();
            let mut i = 0;
            while i < bytes.len() {
                assert!((bytes[i] == b'-') == (i + 1 == bytes.len()), "an id prefix ends with its only dash");
                i += 1;
            }
        }
        n += 1;
    }
};

/// A kind's name as the table spells it when the table knows it (no copy), else `kind`.
pub fn named(kind: String) -> std::borrow::Cow<'static, str> {
    spec_of(&kind).map_or(std::borrow::Cow::Owned(kind), |spec| std::borrow::Cow::Borrowed(spec.kind))
}

/// A human name for a kind: the label when known, the kind itself otherwise.
pub fn label(kind: &str) -> &str {
    spec_of(kind).map_or(kind, |s| s.label)
}

/// Whether a resource of `kind` in `status` no longer exists though it is still listed.
pub fn is_gone(kind: &str, status: Option<&str>) -> bool {
    // Without a status nothing is gone: the kind's spec need not be looked up.
    let Some(status) = status else { return false };
    spec_of(kind).is_some_and(|spec| spec.gone.iter().any(|g| g.eq_ignore_ascii_case(status)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_unique() {
        for pair in KINDS.windows(2) {
            assert!(pair[0].kind < pair[1].kind, "{} must sort before {}", pair[0].kind, pair[1].kind);
        }
    }

    #[test]
    fn ids_are_recognised_by_prefix() {
        assert_eq!(kind_of_id("vpc-0a1b2c3d4e5f60718").map(|s| s.kind), Some("ec2:vpc"));
        assert_eq!(kind_of_id("vpce-0a1b2c3d4e5f60718").map(|s| s.kind), Some("ec2:vpc-endpoint"));
        assert_eq!(kind_of_id("pcx-1a2b3c4d").map(|s| s.kind), Some("ec2:vpc-peering-connection"));
        assert_eq!(kind_of_id("i-0123456789abcdef0").map(|s| s.kind), Some("ec2:instance"));
        assert_eq!(kind_of_id("local"), None);
        assert_eq!(kind_of_id("sg-rule-name"), None);
        assert_eq!(kind_of_id("subnet-"), None);
        assert_eq!(kind_of_id("vpc-abc-0a1b2c3d"), None, "a prefix has one dash");
        assert_eq!(kind_of_id("my-vpc-0a1b2c3d"), None);
        assert_eq!(kind_of_id("0a1b2c3d"), None);
        assert_eq!(kind_of_id("vpc-0a1b2c3"), None, "seven digits");
        assert_eq!(kind_of_id("vpc-0a1b2c3d4e5f607182"), None, "eighteen digits");
        assert_eq!(kind_of_id("vpc-0a1b2c3g"), None);
    }

    #[test]
    fn gone_statuses() {
        assert!(is_gone("ec2:instance", Some("terminated")));
        assert!(!is_gone("ec2:instance", Some("running")));
        assert!(is_gone("ec2:vpc-peering-connection", Some("deleted")));
        assert!(!is_gone("sqs:queue", Some("deleted")));
    }
}
