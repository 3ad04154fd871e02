//! iam: the IAM action each SDK operation needs, so that a run can say which permissions it
//! used (`--stats-json`) and `policies/iam-readonly.json` can be checked against what the
//! scanner really calls. Knowledge as data: sorted tables, no AWS calls.

/// IAM service prefixes of the service names the SDK puts in an operation's metadata,
/// sorted by SDK name.
const PREFIXES: &[(&str, &str)] = &[
    ("DynamoDB", "dynamodb"),
    ("EC2", "ec2"),
    ("EKS", "eks"),
    ("ElastiCache", "elasticache"),
    ("Elastic Load Balancing", "elasticloadbalancing"),
    ("Elastic Load Balancing v2", "elasticloadbalancing"),
    ("Lambda", "lambda"),
    ("Organizations", "organizations"),
    ("RDS", "rds"),
    ("Resource Groups Tagging API", "tag"),
    ("S3", "s3"),
    ("SNS", "sns"),
    ("SQS", "sqs"),
    ("STS", "sts"),
    // The services called without an SDK crate (`raw`) name themselves by their prefix.
    ("acm", "acm"),
    ("apigateway", "apigateway"),
    ("autoscaling", "autoscaling"),
    ("cloudformation", "cloudformation"),
    ("cloudfront", "cloudfront"),
    ("cloudtrail", "cloudtrail"),
    ("cloudwatch", "cloudwatch"),
    ("ecr", "ecr"),
    ("ecs", "ecs"),
    ("elasticfilesystem", "elasticfilesystem"),
    ("iam", "iam"),
    ("kms", "kms"),
    ("logs", "logs"),
    ("route53", "route53"),
    ("secretsmanager", "secretsmanager"),
    ("ssm", "ssm"),
];

/// Operations whose IAM action is not `prefix:Operation`, sorted by SDK service and
/// operation. S3 authorizes listing and heads through the bucket and object actions.
const RENAMED: &[(&str, &str, &str)] = &[
    ("S3", "HeadBucket", "s3:ListBucket"),
    ("S3", "HeadObject", "s3:GetObject"),
    ("S3", "ListBuckets", "s3:ListAllMyBuckets"),
    ("S3", "ListObjectVersions", "s3:ListBucketVersions"),
    ("S3", "ListObjects", "s3:ListBucket"),
    ("S3", "ListObjectsV2", "s3:ListBucket"),
    // API Gateway authorizes by HTTP method on the resource's path.
    ("apigateway", "GetApis", "apigateway:GET"),
    ("apigateway", "GetRestApis", "apigateway:GET"),
];

/// The IAM action that authorizes `operation` of the SDK service `service` (as the SDK
/// names it: `EC2`, `Resource Groups Tagging API`), or `None` for a service leftover has
/// no client for.
pub fn action(service: &str, operation: &str) -> Option<String> {
    if let Some((_, _, action)) = RENAMED.iter().find(|(s, o, _)| *s == service && *o == operation) {
        return Some((*action).to_owned());
    }
    PREFIXES.iter().find(|(s, _)| *s == service).map(|(_, prefix)| format!("{prefix}:{operation}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted() {
        assert!(PREFIXES.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(RENAMED.windows(2).all(|w| (w[0].0, w[0].1) < (w[1].0, w[1].1)));
    }

    #[test]
    fn operations_map_to_their_iam_actions() {
        assert_eq!(action("S3", "ListObjectsV2").as_deref(), Some("s3:ListBucket"));
        assert_eq!(action("S3", "GetObject").as_deref(), Some("s3:GetObject"));
        assert_eq!(action("S3", "GetBucketLocation").as_deref(), Some("s3:GetBucketLocation"));
        assert_eq!(action("Resource Groups Tagging API", "GetResources").as_deref(), Some("tag:GetResources"));
        assert_eq!(action("EKS", "DescribeNodegroup").as_deref(), Some("eks:DescribeNodegroup"));
        assert_eq!(action("EC2", "DescribeInstances").as_deref(), Some("ec2:DescribeInstances"));
        assert_eq!(action("ElastiCache", "DescribeSnapshots").as_deref(), Some("elasticache:DescribeSnapshots"));
        assert_eq!(action("STS", "AssumeRole").as_deref(), Some("sts:AssumeRole"));
        assert_eq!(action("Organizations", "ListAccounts").as_deref(), Some("organizations:ListAccounts"));
        assert_eq!(action("Lambda", "ListFunctions").as_deref(), Some("lambda:ListFunctions"));
        assert_eq!(action("CloudTrail", "LookupEvents"), None);
    }
}
