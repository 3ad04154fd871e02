//! S3 buckets, listed in each region by `ListBuckets` asked for that region's buckets
//! (`bucket-region`), so each bucket is judged in its own region. Tags come from the
//! tagging API. Their configuration resources are parts of them.

use super::{
    Cleanup, Declared, Import, Kind, PartKind, Price, by_arn, no_account, part, regionless_arn, spec,
    tags_from_tagging, untyped,
};

const BUCKET: &str = "s3:bucket";

const fn bucket_part(tf_type: &'static str, what: &'static str) -> super::TypeMapping {
    part(tf_type, BUCKET, "bucket", PartKind::Other(what))
}

pub const S3_BUCKET: Kind = Kind {
    spec: tags_from_tagging(regionless_arn(untyped(no_account(spec(
        BUCKET,
        "s3",
        "bucket",
        Some("ListBuckets"),
        None,
        &[],
        "S3 bucket",
    ))))),
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
    needs: &[],
    iam: &["s3:ListAllMyBuckets"],
};
