//! Auto Scaling groups and launch configurations, listed by `DescribeAutoScalingGroups`
//! and `DescribeLaunchConfigurations` in each region. A group's answer carries its tags,
//! its instances, subnets and launch template or configuration; the instances it launched
//! belong to it (see `policies/default.toml`). Policies, hooks, schedules and attachments
//! are parts of their group.

use super::{Declared, Import, Kind, PartKind, Price, delete, id, losing, part, spec, with_args};
use crate::model::relation::RelationKind as R;

const GROUP: &str = "autoscaling:group";
const CONFIGURATION: &str = "autoscaling:launch-configuration";

const fn group_part(tf_type: &'static str, what: &'static str) -> super::TypeMapping {
    part(tf_type, GROUP, "autoscaling_group_name", PartKind::Other(what))
}

pub const GROUP_KIND: Kind = Kind {
    spec: super::colon(spec(
        GROUP,
        "autoscaling",
        "autoScalingGroup",
        Some("DescribeAutoScalingGroups"),
        None,
        &["Delete in progress"],
        "Auto Scaling group",
    )),
    declared_by: Declared::Types(&[
        group_part("aws_autoscaling_attachment", "attachment"),
        id("aws_autoscaling_group", GROUP),
        group_part("aws_autoscaling_group_tag", "tag"),
        group_part("aws_autoscaling_lifecycle_hook", "lifecycle hook"),
        group_part("aws_autoscaling_policy", "scaling policy"),
        group_part("aws_autoscaling_schedule", "schedule"),
        group_part("aws_autoscaling_traffic_source_attachment", "traffic source attachment"),
    ]),
    ownership: &[],
    price: Price::Unknown("its instances are priced one by one"),
    cleanup: losing(
        with_args(
            delete(0, "autoscaling", "delete-auto-scaling-group", "--auto-scaling-group-name"),
            &["--force-delete"],
        ),
        "deleting the group terminates the instances it runs",
    ),
    import: Import::Id("aws_autoscaling_group"),
    needs: &[(R::References, "ec2:launch-template"), (R::References, "autoscaling:launch-configuration")],
    iam: &["autoscaling:DescribeAutoScalingGroups"],
};

pub const LAUNCH_CONFIGURATION: Kind = Kind {
    spec: super::colon(spec(
        CONFIGURATION,
        "autoscaling",
        "launchConfiguration",
        Some("DescribeLaunchConfigurations"),
        None,
        &[],
        "launch configuration",
    )),
    declared_by: Declared::Types(&[id("aws_launch_configuration", CONFIGURATION)]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(1, "autoscaling", "delete-launch-configuration", "--launch-configuration-name"),
    import: Import::Id("aws_launch_configuration"),
    needs: &[],
    iam: &["autoscaling:DescribeLaunchConfigurations"],
};
