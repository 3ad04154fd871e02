//! SNS topics, listed by `ListTopics` in each region; subscriptions and policies are parts
//! of their topic. `ListTopics` gives ARNs only: tags come from the tagging API.

use super::{
    By, Declared, Import, Kind, PartKind, Price, by_arn, delete, naming, part, spec, tags_from_tagging, untyped,
};

pub const TOPIC: Kind = Kind {
    spec: tags_from_tagging(untyped(spec("sns:topic", "sns", "topic", Some("ListTopics"), None, &[], "SNS topic"))),
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
    needs: &[],
    iam: &["sns:ListTopics"],
};
