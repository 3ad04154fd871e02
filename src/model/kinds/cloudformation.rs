//! `CloudFormation` stacks, listed by `DescribeStacks` in each region with their tags. A
//! stack owns what it created (the `aws:cloudformation:stack-name` tag, see
//! `policies/default.toml`): a live stack's resources are its, and an undeclared stack is
//! one leftover that carries them. The CDK's bootstrap stack is the CDK's.

use super::{Declared, Import, Kind, Price, by_arn, delete, losing, spec, waiting};

pub const STACK: Kind = Kind {
    spec: spec(
        "cloudformation:stack",
        "cloudformation",
        "stack",
        Some("DescribeStacks"),
        None,
        &["DELETE_COMPLETE"],
        "stack",
    ),
    declared_by: Declared::Types(&[by_arn("aws_cloudformation_stack", "cloudformation:stack")]),
    ownership: &[],
    price: Price::Free,
    cleanup: losing(
        waiting(
            delete(0, "cloudformation", "delete-stack", "--stack-name"),
            "stack-delete-complete",
            "--stack-name",
            false,
        ),
        "deleting the stack deletes every resource it created",
    ),
    import: Import::Id("aws_cloudformation_stack"),
    needs: &[],
    iam: &["cloudformation:DescribeStacks"],
};
