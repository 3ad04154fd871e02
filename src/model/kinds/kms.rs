//! KMS keys, listed by `ListKeys` in each region, each described (`DescribeKey`) for its
//! manager and state: AWS-managed keys (`alias/aws/*`) are AWS's, and a key pending
//! deletion is gone. Tags come from the tagging API. Aliases, grants and key policies are
//! parts of their key.

use super::{Declared, Import, Kind, PartKind, Price, delete, id, part, spec, tags_from_tagging, with_args};

const KEY: &str = "kms:key";

pub const KEY_KIND: Kind = Kind {
    spec: tags_from_tagging(spec(
        KEY,
        "kms",
        "key",
        Some("ListKeys"),
        None,
        &["PendingDeletion", "PendingReplicaDeletion"],
        "KMS key",
    )),
    declared_by: Declared::Types(&[
        part("aws_kms_alias", KEY, "target_key_id", PartKind::Other("alias")),
        part("aws_kms_grant", KEY, "key_id", PartKind::Other("grant")),
        id("aws_kms_key", KEY),
        part("aws_kms_key_policy", KEY, "key_id", PartKind::Other("key policy")),
    ]),
    ownership: &[],
    price: Price::Table("per key per month (requests not counted)"),
    // Scheduled, not deleted: AWS waits the window (7 to 30 days) before it deletes the
    // key, and `aws kms cancel-key-deletion` undoes it until then.
    cleanup: with_args(delete(0, "kms", "schedule-key-deletion", "--key-id"), &["--pending-window-in-days", "30"]),
    import: Import::Id("aws_kms_key"),
    needs: &[],
    iam: &["kms:DescribeKey", "kms:ListKeys"],
};
