//! IAM roles, customer-managed policies, instance profiles and users, listed once per
//! account (`ListRoles`, `ListPolicies --scope Local`, `ListInstanceProfiles`, `ListUsers`)
//! and placed in the region [`super::GLOBAL`]. Service-linked roles (path
//! `/aws-service-role/`) are AWS's, and AWS-managed policies are never listed. IAM's list
//! answers carry no tags, so IAM resources are judged by state and name, never by an
//! environment tag. Attachments, inline policies, keys and login profiles are parts of the
//! role, user or policy they belong to.

use super::{Cleanup, Declared, Import, Kind, PartKind, Price, by_arn, global, id, part, spec};
use crate::model::relation::RelationKind as R;

const ROLE: &str = "iam:role";
const POLICY: &str = "iam:policy";
const PROFILE: &str = "iam:instance-profile";
const USER: &str = "iam:user";

/// Why no IAM resource is deleted by a plan: each first needs what is attached to it
/// listed and detached, one call per attachment, which the scan does not read.
const DETACH_FIRST: &str = "its attached and inline policies (and instance profiles, for a role) must be removed first, \
                            which the scan does not list; delete it in the console, which does that for you";

pub const ROLE_KIND: Kind = Kind {
    spec: global(spec(ROLE, "iam", "role", Some("ListRoles"), None, &[], "IAM role")),
    declared_by: Declared::Types(&[
        id("aws_iam_role", ROLE),
        part("aws_iam_role_policies_exclusive", ROLE, "role_name", PartKind::Other("inline policy set")),
        part("aws_iam_role_policy", ROLE, "role", PartKind::Other("inline policy")),
        part("aws_iam_role_policy_attachment", ROLE, "role", PartKind::Other("policy attachment")),
        part("aws_iam_role_policy_attachments_exclusive", ROLE, "role_name", PartKind::Other("policy attachment set")),
        by_arn("aws_iam_service_linked_role", ROLE),
    ]),
    ownership: &[],
    price: Price::Free,
    cleanup: Cleanup::Refused(DETACH_FIRST),
    import: Import::Id("aws_iam_role"),
    needs: &[],
    iam: &["iam:ListRoles"],
};

pub const POLICY_KIND: Kind = Kind {
    spec: global(spec(POLICY, "iam", "policy", Some("ListPolicies"), None, &[], "IAM policy")),
    declared_by: Declared::Types(&[
        by_arn("aws_iam_policy", POLICY),
        part("aws_iam_policy_attachment", POLICY, "policy_arn", PartKind::Other("attachment")),
    ]),
    ownership: &[],
    price: Price::Free,
    cleanup: Cleanup::Refused(
        "it must be detached from every role, user and group and its other versions deleted first, which the scan \
         does not list",
    ),
    import: Import::Arn("aws_iam_policy"),
    needs: &[],
    iam: &["iam:ListPolicies"],
};

pub const INSTANCE_PROFILE: Kind = Kind {
    spec: global(spec(PROFILE, "iam", "instance-profile", Some("ListInstanceProfiles"), None, &[], "instance profile")),
    declared_by: Declared::Types(&[id("aws_iam_instance_profile", PROFILE)]),
    ownership: &[],
    price: Price::Free,
    cleanup: Cleanup::Refused("its role must be removed from it first; delete it with its role in the console"),
    import: Import::Id("aws_iam_instance_profile"),
    needs: &[(R::References, "iam:role")],
    iam: &["iam:ListInstanceProfiles"],
};

pub const USER_KIND: Kind = Kind {
    spec: global(spec(USER, "iam", "user", Some("ListUsers"), None, &[], "IAM user")),
    declared_by: Declared::Types(&[
        part("aws_iam_access_key", USER, "user", PartKind::Other("access key")),
        id("aws_iam_user", USER),
        part("aws_iam_user_group_membership", USER, "user", PartKind::Other("group membership")),
        part("aws_iam_user_login_profile", USER, "user", PartKind::Other("login profile")),
        part("aws_iam_user_policy", USER, "user", PartKind::Other("inline policy")),
        part("aws_iam_user_policy_attachment", USER, "user", PartKind::Other("policy attachment")),
        part("aws_iam_user_ssh_key", USER, "username", PartKind::Other("SSH key")),
    ]),
    ownership: &[],
    price: Price::Free,
    cleanup: Cleanup::Refused(
        "its access keys, login profile, policies and group memberships must be removed first, which the scan does \
         not list",
    ),
    import: Import::Id("aws_iam_user"),
    needs: &[],
    iam: &["iam:ListUsers"],
};
