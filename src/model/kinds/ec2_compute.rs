//! The compute kinds of EC2: instances, their disks and images, key pairs and launch
//! templates.

use super::{Declared, Import, Kind, PartKind, Price, delete, id, losing, no_account, part, planned, spec, waiting};

pub const INSTANCE: Kind = Kind {
    spec: spec("ec2:instance", "ec2", "instance", Some("DescribeInstances"), Some("i-"), &["terminated"], "instance"),
    declared_by: Declared::Types(&[id("aws_instance", "ec2:instance")]),
    ownership: &["eks:nodegroup"],
    price: Price::Table("per hour by instance type"),
    cleanup: waiting(
        delete(0, "ec2", "terminate-instances", "--instance-ids"),
        "instance-terminated",
        "--instance-ids",
        true,
    ),
    import: Import::Id("aws_instance"),
    needs: &[],
    iam: &["ec2:DescribeInstances"],
};

pub const VOLUME: Kind = Kind {
    spec: spec(
        "ec2:volume",
        "ec2",
        "volume",
        Some("DescribeVolumes"),
        Some("vol-"),
        &["deleting", "deleted"],
        "EBS volume",
    ),
    declared_by: Declared::Types(&[
        id("aws_ebs_volume", "ec2:volume"),
        part("aws_volume_attachment", "ec2:volume", "volume_id", PartKind::Other("attachment")),
    ]),
    ownership: &["ec2:instance"],
    price: Price::Table("per GB-month by volume type, plus provisioned IOPS and throughput"),
    cleanup: losing(planned(2), "deleting the volume destroys its data (SNAPSHOT=1 snapshots it first)"),
    import: Import::Id("aws_ebs_volume"),
    needs: &[],
    iam: &["ec2:DescribeVolumes"],
};

pub const SNAPSHOT: Kind = Kind {
    spec: no_account(spec(
        "ec2:snapshot",
        "ec2",
        "snapshot",
        Some("DescribeSnapshots"),
        Some("snap-"),
        &[],
        "EBS snapshot",
    )),
    declared_by: Declared::Types(&[id("aws_ebs_snapshot", "ec2:snapshot")]),
    ownership: &["ec2:image"],
    price: Price::Table("per GB-month of the volume's size"),
    cleanup: losing(
        delete(3, "ec2", "delete-snapshot", "--snapshot-id"),
        "deleting the snapshot destroys the data it holds",
    ),
    import: Import::Id("aws_ebs_snapshot"),
    needs: &[],
    iam: &["ec2:DescribeSnapshots"],
};

pub const IMAGE: Kind = Kind {
    spec: no_account(spec("ec2:image", "ec2", "image", Some("DescribeImages"), Some("ami-"), &["deregistered"], "AMI")),
    declared_by: Declared::Types(&[
        id("aws_ami", "ec2:image"),
        id("aws_ami_copy", "ec2:image"),
        id("aws_ami_from_instance", "ec2:image"),
    ]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(2, "ec2", "deregister-image", "--image-id"),
    import: Import::Id("aws_ami"),
    needs: &[],
    iam: &["ec2:DescribeImages"],
};

pub const KEY_PAIR: Kind = Kind {
    spec: spec("ec2:key-pair", "ec2", "key-pair", Some("DescribeKeyPairs"), None, &[], "key pair"),
    declared_by: Declared::Types(&[id("aws_key_pair", "ec2:key-pair")]),
    ownership: &[],
    price: Price::Free,
    cleanup: delete(3, "ec2", "delete-key-pair", "--key-name"),
    import: Import::Id("aws_key_pair"),
    needs: &[],
    iam: &["ec2:DescribeKeyPairs"],
};

pub const LAUNCH_TEMPLATE: Kind = Kind {
    spec: spec(
        "ec2:launch-template",
        "ec2",
        "launch-template",
        Some("DescribeLaunchTemplates"),
        Some("lt-"),
        &[],
        "launch template",
    ),
    declared_by: Declared::Types(&[id("aws_launch_template", "ec2:launch-template")]),
    ownership: &["eks:nodegroup"],
    price: Price::Free,
    cleanup: delete(1, "ec2", "delete-launch-template", "--launch-template-id"),
    import: Import::Id("aws_launch_template"),
    needs: &[],
    iam: &["ec2:DescribeLaunchTemplates"],
};
