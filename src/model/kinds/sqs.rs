//! SQS queues, listed by `ListQueues` in each region (a queue is named by its URL, and
//! known by the name at its end); policies and redrive policies are parts of their queue.
//! `ListQueues` gives URLs only: tags come from the tagging API.

use super::{
    By, Declared, Import, Kind, PartKind, Price, by_arn, delete, losing, naming, part, spec, tags_from_tagging, untyped,
};

pub const QUEUE: Kind = Kind {
    spec: tags_from_tagging(untyped(spec("sqs:queue", "sqs", "queue", Some("ListQueues"), None, &[], "SQS queue"))),
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
    needs: &[],
    iam: &["sqs:ListQueues"],
};
