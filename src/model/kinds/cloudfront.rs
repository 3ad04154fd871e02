//! `CloudFront` distributions, listed once per account (`ListDistributions`) and placed in
//! the region [`super::GLOBAL`]. Their list answer carries no tags.

use super::{Cleanup, Declared, Import, Kind, PartKind, Price, global, id, part, spec};

const DISTRIBUTION: &str = "cloudfront:distribution";

pub const DISTRIBUTION_KIND: Kind = Kind {
    spec: global(spec(
        DISTRIBUTION,
        "cloudfront",
        "distribution",
        Some("ListDistributions"),
        None,
        &[],
        "distribution",
    )),
    declared_by: Declared::Types(&[
        id("aws_cloudfront_distribution", DISTRIBUTION),
        part(
            "aws_cloudfront_monitoring_subscription",
            DISTRIBUTION,
            "distribution_id",
            PartKind::Other("monitoring subscription"),
        ),
    ]),
    ownership: &[],
    price: Price::Unknown("charged per request and byte served, which are not listed"),
    cleanup: Cleanup::Refused(
        "it must be disabled, and the change deployed (minutes), before it can be deleted with its ETag",
    ),
    import: Import::Id("aws_cloudfront_distribution"),
    needs: &[],
    iam: &["cloudfront:ListDistributions"],
};
