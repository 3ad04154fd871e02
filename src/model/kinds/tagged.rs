//! Kinds leftover knows only through the tagging API (it does not list them itself, so it
//! never judges one missing): S3 buckets, SNS topics and SQS queues. Their configuration
//! resources are parts of them.

use super::{
    By, Cleanup, Declared, Import, Kind, PartKind, Price, by_arn, delete, losing, naming, no_account, part, spec,
    untyped,
};

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

pub const SNS_TOPIC: Kind = Kind {
    spec: untyped(spec("sns:topic", "sns", "topic", None, None, &[], "SNS topic")),
    declared_by: Declared::Types(&[
        by_arn("aws_sns_topic", "sns:topic"),
        part("aws_sns_topic_data_protection_policy", "sns:topic", "arn", PartKind::Other("data protection policy")),
        part("aws_sns_topic_policy", "sns:topic", "arn", PartKind::Other("policy")),
        part("aws_sns_topic_subscription", "sns:topic", "topic_arn", PartKind::Other("subscription")),
    ]),
    ownership: &[],
    price: Price::Unknown("charged per request and delivery, which are not listed"),
    cleanup: naming(delete(1, "sns", "delete-topic", "--topic-arn"), By::Arn),
    import: Import::Arn("aws_sns_topic"),
    iam: &[],
};

pub const SQS_QUEUE: Kind = Kind {
    spec: untyped(spec("sqs:queue", "sqs", "queue", None, None, &[], "SQS queue")),
    declared_by: Declared::Types(&[
        by_arn("aws_sqs_queue", "sqs:queue"),
        part("aws_sqs_queue_policy", "sqs:queue", "queue_url", PartKind::Other("policy")),
        part("aws_sqs_queue_redrive_allow_policy", "sqs:queue", "queue_url", PartKind::Other("redrive allow policy")),
        part("aws_sqs_queue_redrive_policy", "sqs:queue", "queue_url", PartKind::Other("redrive policy")),
    ]),
    ownership: &[],
    price: Price::Unknown("charged per request, which is not listed"),
    cleanup: losing(
        naming(delete(1, "sqs", "delete-queue", "--queue-url"), By::QueueUrl),
        "deleting the queue destroys the messages in it",
    ),
    import: Import::QueueUrl,
    iam: &[],
};
