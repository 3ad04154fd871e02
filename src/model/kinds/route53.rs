//! Route 53 hosted zones, listed once per account (`ListHostedZones`) and placed in the
//! region [`super::GLOBAL`]. Records, associations and DNSSEC settings are parts of their
//! zone. Its list answer carries no tags: zones are judged by state and name.

use super::{Cleanup, Declared, Import, Kind, PartKind, Price, global, id, no_account, part, spec};

const ZONE: &str = "route53:hostedzone";

pub const HOSTED_ZONE: Kind = Kind {
    spec: no_account(global(spec(ZONE, "route53", "hostedzone", Some("ListHostedZones"), None, &[], "hosted zone"))),
    declared_by: Declared::Types(&[
        part("aws_route53_hosted_zone_dnssec", ZONE, "hosted_zone_id", PartKind::Other("DNSSEC")),
        part("aws_route53_query_log", ZONE, "zone_id", PartKind::Other("query log")),
        part("aws_route53_record", ZONE, "zone_id", PartKind::Other("record")),
        part("aws_route53_vpc_association_authorization", ZONE, "zone_id", PartKind::Other("VPC association")),
        id("aws_route53_zone", ZONE),
        part("aws_route53_zone_association", ZONE, "zone_id", PartKind::Other("VPC association")),
    ]),
    ownership: &[],
    price: Price::Table("per hosted zone per month (queries not counted)"),
    cleanup: Cleanup::Refused(
        "its records must be deleted first, one change per record set, which the scan does not list",
    ),
    import: Import::Id("aws_route53_zone"),
    needs: &[],
    iam: &["route53:ListHostedZones"],
};
