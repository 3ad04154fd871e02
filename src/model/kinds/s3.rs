//! S3 buckets, known through the tagging API only for now, so never judged missing: a
//! bucket is listed once per account and judged in its own region, which the per-region
//! collector does not do yet. Their configuration resources are parts of them.

use super::{Cleanup, Declared, Import, Kind, PartKind, Price, by_arn, no_account, part, spec, untyped};

const BUCKET: &str = "s3:bucket";

const fn bucket_part(tf_type: &'static str, what: &'static str) -> super::TypeMapping {
    part(tf_type, BUCKET, "bucket", PartKind::Other(what))
}

pub const S3_BUCKET: Kind = Kind {
    spec: untyped(no_account(spec(BUCKET, "s3", "bucket", None, None, &[], "S3 bucket"))),
    declared_by: Declared::Types(&[
        by_arn("aws_s3_bucket", BUCKET),
        bucket_part("aws_s3_bucket_accelerate_configuration", "accelerate configuration"),
        bucket_part("aws_s3_bucket_acl", "ACL"),
        bucket_part("aws_s3_bucket_cors_configuration", "CORS configuration"),
        bucket_part("aws_s3_bucket_lifecycle_configuration", "lifecycle configuration"),
        bucket_part("aws_s3_bucket_logging", "logging"),
        bucket_part("aws_s3_bucket_notification", "notification"),
        bucket_part("aws_s3_bucket_ownership_controls", "ownership controls"),
        bucket_part("aws_s3_bucket_policy", "policy"),
        bucket_part("aws_s3_bucket_public_access_block", "public access block"),
        bucket_part("aws_s3_bucket_replication_configuration", "replication configuration"),
        bucket_part("aws_s3_bucket_request_payment_configuration", "request payment configuration"),
        bucket_part("aws_s3_bucket_server_side_encryption_configuration", "encryption configuration"),
        bucket_part("aws_s3_bucket_versioning", "versioning"),
        bucket_part("aws_s3_bucket_website_configuration", "website configuration"),
    ]),
    ownership: &[],
    price: Price::Unknown("charged by the bytes stored, which are not listed"),
    cleanup: Cleanup::Refused(
        "cannot delete safely: a bucket must be emptied first, which destroys its objects; leftover does not plan \
         that",
    ),
    import: Import::Id("aws_s3_bucket"),
    iam: &[],
};
