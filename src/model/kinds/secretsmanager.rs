//! Secrets Manager secrets, listed by `ListSecrets` in each region with their tags (a
//! secret scheduled for deletion is not listed). Versions, policies and rotations are
//! parts of their secret.

use super::{By, Declared, Import, Kind, PartKind, Price, by_arn, colon, delete, naming, part, spec, with_args};
use crate::model::relation::RelationKind as R;

const SECRET: &str = "secretsmanager:secret";

pub const SECRET_KIND: Kind = Kind {
    spec: colon(spec(
        SECRET,
        "secretsmanager",
        "secret",
        Some("ListSecrets"),
        None,
        &["scheduled-for-deletion"],
        "secret",
    )),
    declared_by: Declared::Types(&[
        by_arn("aws_secretsmanager_secret", SECRET),
        part("aws_secretsmanager_secret_policy", SECRET, "secret_arn", PartKind::Other("policy")),
        part("aws_secretsmanager_secret_rotation", SECRET, "secret_id", PartKind::Other("rotation")),
        part("aws_secretsmanager_secret_version", SECRET, "secret_id", PartKind::Other("version")),
    ]),
    ownership: &[],
    price: Price::Table("per secret per month (API calls not counted)"),
    // Recoverable for the window (`aws secretsmanager restore-secret`), then gone.
    cleanup: with_args(
        naming(delete(0, "secretsmanager", "delete-secret", "--secret-id"), By::Arn),
        &["--recovery-window-in-days", "30"],
    ),
    import: Import::Arn("aws_secretsmanager_secret"),
    needs: &[(R::References, "kms:key")],
    iam: &["secretsmanager:ListSecrets"],
};
