//! The network kinds of EC2: VPCs and what lives in them, each listed by its own `Describe*`
//! call. Parts (routes, rules, ACL entries, associations, attachments) match inside the
//! resource they belong to.

use super::{Cleanup, Declared, Import, Kind, PartKind, Price, adopt, delete, id, part, planned, spec, waiting};
use crate::model::relation::RelationKind as R;

pub const VPC: Kind = Kind {
    spec: spec("ec2:vpc", "ec2", "vpc", Some("DescribeVpcs"), Some("vpc-"), &[], "VPC"),
    declared_by: Declared::Types(&[
        adopt("aws_default_vpc", "ec2:vpc"),
        id("aws_vpc", "ec2:vpc"),
        part("aws_vpc_ipv4_cidr_block_association", "ec2:vpc", "vpc_id", PartKind::Other("CIDR association")),
    ]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(8, "ec2", "delete-vpc", "--vpc-id"),
    import: Import::Id("aws_vpc"),
    needs: &[],
    iam: &["ec2:DescribeVpcs"],
};

pub const SUBNET: Kind = Kind {
    spec: spec("ec2:subnet", "ec2", "subnet", Some("DescribeSubnets"), Some("subnet-"), &[], "subnet"),
    declared_by: Declared::Types(&[adopt("aws_default_subnet", "ec2:subnet"), id("aws_subnet", "ec2:subnet")]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(5, "ec2", "delete-subnet", "--subnet-id"),
    import: Import::Id("aws_subnet"),
    needs: &[],
    iam: &["ec2:DescribeSubnets"],
};

pub const ROUTE_TABLE: Kind = Kind {
    spec: spec("ec2:route-table", "ec2", "route-table", Some("DescribeRouteTables"), Some("rtb-"), &[], "route table"),
    declared_by: Declared::Types(&[
        adopt("aws_default_route_table", "ec2:route-table"),
        part(
            "aws_main_route_table_association",
            "ec2:route-table",
            "route_table_id",
            PartKind::Other("main association"),
        ),
        part("aws_route", "ec2:route-table", "route_table_id", PartKind::Route),
        id("aws_route_table", "ec2:route-table"),
        part("aws_route_table_association", "ec2:route-table", "route_table_id", PartKind::Other("association")),
        part(
            "aws_vpc_endpoint_route_table_association",
            "ec2:route-table",
            "route_table_id",
            PartKind::Other("endpoint association"),
        ),
        part("aws_vpn_gateway_route_propagation", "ec2:route-table", "route_table_id", PartKind::Other("propagation")),
    ]),
    ownership: &[],
    price: Price::Free,
    cleanup: planned(6),
    import: Import::Id("aws_route_table"),
    needs: &[],
    iam: &["ec2:DescribeRouteTables"],
};

pub const INTERNET_GATEWAY: Kind = Kind {
    spec: spec(
        "ec2:internet-gateway",
        "ec2",
        "internet-gateway",
        Some("DescribeInternetGateways"),
        Some("igw-"),
        &[],
        "internet gateway",
    ),
    declared_by: Declared::Types(&[
        id("aws_internet_gateway", "ec2:internet-gateway"),
        part(
            "aws_internet_gateway_attachment",
            "ec2:internet-gateway",
            "internet_gateway_id",
            PartKind::Other("attachment"),
        ),
    ]),
    ownership: &["ec2:vpc"],
    price: Price::Free,
    cleanup: planned(7),
    import: Import::Id("aws_internet_gateway"),
    needs: &[],
    iam: &["ec2:DescribeInternetGateways"],
};

pub const NAT_GATEWAY: Kind = Kind {
    spec: spec(
        "ec2:natgateway",
        "ec2",
        "natgateway",
        Some("DescribeNatGateways"),
        Some("nat-"),
        &["deleting", "deleted", "failed"],
        "NAT gateway",
    ),
    declared_by: Declared::Types(&[id("aws_nat_gateway", "ec2:natgateway")]),
    ownership: &[],
    price: Price::Table("per hour"),
    cleanup: waiting(
        delete(1, "ec2", "delete-nat-gateway", "--nat-gateway-id"),
        "nat-gateway-deleted",
        "--nat-gateway-ids",
        true,
    ),
    import: Import::Id("aws_nat_gateway"),
    needs: &[],
    iam: &["ec2:DescribeNatGateways"],
};

pub const ELASTIC_IP: Kind = Kind {
    spec: spec("ec2:elastic-ip", "ec2", "elastic-ip", Some("DescribeAddresses"), Some("eipalloc-"), &[], "Elastic IP"),
    declared_by: Declared::Types(&[
        id("aws_eip", "ec2:elastic-ip"),
        part("aws_eip_association", "ec2:elastic-ip", "allocation_id", PartKind::Other("association")),
    ]),
    ownership: &[],
    price: Price::Table("per public IPv4 address-hour"),
    cleanup: planned(3),
    import: Import::Id("aws_eip"),
    needs: &[],
    iam: &["ec2:DescribeAddresses"],
};

pub const NETWORK_INTERFACE: Kind = Kind {
    spec: spec(
        "ec2:network-interface",
        "ec2",
        "network-interface",
        Some("DescribeNetworkInterfaces"),
        Some("eni-"),
        &[],
        "network interface",
    ),
    declared_by: Declared::Types(&[
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
    ]),
    ownership: &[
        "ec2:instance",
        "ec2:natgateway",
        "ec2:vpc-endpoint",
        "eks:cluster",
        "elasticloadbalancing:loadbalancer",
        "rds:db",
    ],
    price: Price::Free,
    cleanup: planned(2),
    import: Import::Id("aws_network_interface"),
    needs: &[],
    iam: &["ec2:DescribeNetworkInterfaces"],
};

pub const SECURITY_GROUP: Kind = Kind {
    spec: spec(
        "ec2:security-group",
        "ec2",
        "security-group",
        Some("DescribeSecurityGroups"),
        Some("sg-"),
        &[],
        "security group",
    ),
    declared_by: Declared::Types(&[
        adopt("aws_default_security_group", "ec2:security-group"),
        id("aws_security_group", "ec2:security-group"),
        part("aws_security_group_rule", "ec2:security-group", "security_group_id", PartKind::Rule),
        part("aws_vpc_security_group_egress_rule", "ec2:security-group", "security_group_id", PartKind::RuleEgress),
        part("aws_vpc_security_group_ingress_rule", "ec2:security-group", "security_group_id", PartKind::RuleIngress),
    ]),
    ownership: &["eks:cluster", "eks:nodegroup"],
    price: Price::Free,
    cleanup: planned(4),
    import: Import::Id("aws_security_group"),
    needs: &[(R::References, "ec2:security-group")],
    iam: &["ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroupRules"],
};

pub const NETWORK_ACL: Kind = Kind {
    spec: spec("ec2:network-acl", "ec2", "network-acl", Some("DescribeNetworkAcls"), Some("acl-"), &[], "network ACL"),
    declared_by: Declared::Types(&[
        adopt("aws_default_network_acl", "ec2:network-acl"),
        id("aws_network_acl", "ec2:network-acl"),
        part("aws_network_acl_association", "ec2:network-acl", "network_acl_id", PartKind::Other("association")),
        part("aws_network_acl_rule", "ec2:network-acl", "network_acl_id", PartKind::AclRule),
    ]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(6, "ec2", "delete-network-acl", "--network-acl-id"),
    import: Import::Id("aws_network_acl"),
    needs: &[],
    iam: &["ec2:DescribeNetworkAcls"],
};

pub const VPC_PEERING_CONNECTION: Kind = Kind {
    spec: spec(
        "ec2:vpc-peering-connection",
        "ec2",
        "vpc-peering-connection",
        Some("DescribeVpcPeeringConnections"),
        Some("pcx-"),
        &["deleted", "deleting", "rejected", "failed", "expired"],
        "VPC peering connection",
    ),
    declared_by: Declared::Types(&[
        id("aws_vpc_peering_connection", "ec2:vpc-peering-connection"),
        adopt("aws_vpc_peering_connection_accepter", "ec2:vpc-peering-connection"),
        part(
            "aws_vpc_peering_connection_options",
            "ec2:vpc-peering-connection",
            "vpc_peering_connection_id",
            PartKind::Other("options"),
        ),
    ]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(7, "ec2", "delete-vpc-peering-connection", "--vpc-peering-connection-id"),
    import: Import::Id("aws_vpc_peering_connection"),
    needs: &[],
    iam: &["ec2:DescribeVpcPeeringConnections"],
};

pub const VPC_ENDPOINT: Kind = Kind {
    spec: spec(
        "ec2:vpc-endpoint",
        "ec2",
        "vpc-endpoint",
        Some("DescribeVpcEndpoints"),
        Some("vpce-"),
        &["deleted", "deleting", "failed", "rejected", "expired"],
        "VPC endpoint",
    ),
    declared_by: Declared::Types(&[id("aws_vpc_endpoint", "ec2:vpc-endpoint")]),
    ownership: &[],
    price: Price::Unknown(
        "interface endpoints are charged per zone-hour, gateway endpoints are free; not in the price table",
    ),
    cleanup: delete(1, "ec2", "delete-vpc-endpoints", "--vpc-endpoint-ids"),
    import: Import::Id("aws_vpc_endpoint"),
    needs: &[],
    iam: &["ec2:DescribeVpcEndpoints"],
};

pub const TRANSIT_GATEWAY: Kind = Kind {
    spec: spec(
        "ec2:transit-gateway",
        "ec2",
        "transit-gateway",
        Some("DescribeTransitGateways"),
        Some("tgw-"),
        &["deleted", "deleting"],
        "transit gateway",
    ),
    declared_by: Declared::Types(&[id("aws_ec2_transit_gateway", "ec2:transit-gateway")]),
    ownership: &[],
    price: Price::Unknown("charged per attachment-hour, and the attachments are not listed"),
    cleanup: Cleanup::Refused(
        "cannot delete safely: a transit gateway joins VPCs and accounts through attachments this scan does not \
         list; delete its attachments first",
    ),
    import: Import::Id("aws_ec2_transit_gateway"),
    needs: &[],
    iam: &["ec2:DescribeTransitGateways"],
};
