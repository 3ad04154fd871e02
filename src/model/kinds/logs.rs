//! `CloudWatch` Logs log groups, listed by `DescribeLogGroups` in each region with the bytes
//! they store (tags come from the tagging API). The groups AWS makes for a Lambda
//! function, an EKS cluster or an RDS database belong to it (see `policies/default.toml`).
//! Streams, filters and policies are parts of their group.

use super::{Declared, Import, Kind, PartKind, Price, colon, delete, id, losing, part, spec, tags_from_tagging};

const GROUP: &str = "logs:log-group";

const fn group_part(tf_type: &'static str, what: &'static str) -> super::TypeMapping {
    part(tf_type, GROUP, "log_group_name", PartKind::Other(what))
}

pub const LOG_GROUP: Kind = Kind {
    spec: tags_from_tagging(colon(spec(GROUP, "logs", "log-group", Some("DescribeLogGroups"), None, &[], "log group"))),
    declared_by: Declared::Types(&[
        id("aws_cloudwatch_log_group", GROUP),
        group_part("aws_cloudwatch_log_data_protection_policy", "data protection policy"),
        group_part("aws_cloudwatch_log_metric_filter", "metric filter"),
        group_part("aws_cloudwatch_log_stream", "stream"),
        group_part("aws_cloudwatch_log_subscription_filter", "subscription filter"),
    ]),
    ownership: &["lambda:function", "eks:cluster", "rds:db", "rds:cluster"],
    price: Price::Table("per GB stored (ingestion not counted)"),
    cleanup: losing(
        delete(0, "logs", "delete-log-group", "--log-group-name"),
        "deleting the group destroys its log events",
    ),
    import: Import::Id("aws_cloudwatch_log_group"),
    needs: &[],
    iam: &["logs:DescribeLogGroups"],
};
