//! `CloudWatch` metric alarms, listed by `DescribeAlarms` in each region (tags come from the
//! tagging API).

use super::{Declared, Import, Kind, Price, colon, delete, id, spec, tags_from_tagging};

pub const ALARM: Kind = Kind {
    spec: tags_from_tagging(colon(spec(
        "cloudwatch:alarm",
        "cloudwatch",
        "alarm",
        Some("DescribeAlarms"),
        None,
        &[],
        "metric alarm",
    ))),
    declared_by: Declared::Types(&[id("aws_cloudwatch_metric_alarm", "cloudwatch:alarm")]),
    ownership: &[],
    price: Price::Table("per alarm per month (standard resolution)"),
    cleanup: delete(0, "cloudwatch", "delete-alarms", "--alarm-names"),
    import: Import::Id("aws_cloudwatch_metric_alarm"),
    needs: &[],
    iam: &["cloudwatch:DescribeAlarms"],
};
