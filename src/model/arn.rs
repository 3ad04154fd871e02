//! arn: reading and writing Amazon Resource Names. Pure string work.

use super::kinds;

/// The parts of an ARN, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// Everything after the account: `instance/i-0abc`, `cluster:redis-001`, `my-topic`.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    /// Splits an ARN; `None` when the text is not one.
    pub fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next()?;
        let service = parts.next()?;
        let region = parts.next()?;
        let account = parts.next()?;
        let resource = parts.next()?;
        if partition.is_empty() || service.is_empty() || resource.is_empty() {
            return None;
        }
        Some(Self { partition, service, region, account, resource })
    }

    /// The resource type and id: `("instance", "i-0abc")`. ARNs without a type (an SQS
    /// queue, an SNS topic, an S3 bucket) get the service's conventional type.
    pub fn type_and_id(&self) -> (&'a str, &'a str) {
        // API Gateway's resources start with a slash: `/restapis/ID`.
        let resource = self.resource.strip_prefix('/').unwrap_or(self.resource);
        match resource.find(['/', ':']) {
            Some(at) => (&resource[..at], &resource[at + 1..]),
            None => (untyped_service_type(self.service), resource),
        }
    }

    /// The live kind and native id this ARN names. Known kinds use their table name
    /// (`elasticache:replication-group`); others are `service:type`.
    pub fn kind_and_id(&self) -> (String, String) {
        let (arn_type, id) = self.type_and_id();
        if let Some(spec) = kinds::kind_for_arn_type(self.service, arn_type) {
            // EKS nodegroup, add-on and Fargate profile ARNs are TYPE/CLUSTER/NAME/UUID; the
            // id is CLUSTER:NAME, as Terraform's `id` spells it.
            if matches!(spec.kind, "eks:nodegroup" | "eks:addon" | "eks:fargate-profile") {
                let mut parts = id.split('/');
                if let (Some(cluster), Some(name)) = (parts.next(), parts.next()) {
                    return (spec.kind.to_owned(), format!("{cluster}:{name}"));
                }
            }
            return (spec.kind.to_owned(), native_id(spec.kind, id).to_owned());
        }
        (format!("{}:{arn_type}", self.service), id.to_owned())
    }
}

/// The native id within an ARN's resource part, where the kind's ARN says more than it:
/// IAM names end a path (`role/service-role/NAME`), Auto Scaling names follow a UUID
/// (`UUID:autoScalingGroupName/NAME`), a log group's ARN may end with `:*`.
fn native_id<'a>(kind: &str, id: &'a str) -> &'a str {
    match kind {
        "iam:role" | "iam:policy" | "iam:user" | "iam:instance-profile" => id.rsplit('/').next().unwrap_or(id),
        "autoscaling:group" | "autoscaling:launch-configuration" => id.split_once('/').map_or(id, |(_, name)| name),
        "logs:log-group" => id.strip_suffix(":*").unwrap_or(id),
        _ => id,
    }
}

/// The type an ARN without a type stands for.
fn untyped_service_type(service: &str) -> &'static str {
    match service {
        "sqs" => "queue",
        "sns" => "topic",
        "s3" => "bucket",
        _ => "resource",
    }
}

/// The partition a region belongs to.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// The URL of an SQS queue, as `aws_sqs_queue`'s `id` and the SQS API name it.
pub fn queue_url(region: &str, account: &str, name: &str) -> String {
    let domain = if partition(region) == "aws-cn" { "amazonaws.com.cn" } else { "amazonaws.com" };
    format!("https://sqs.{region}.{domain}/{account}/{name}")
}

/// Builds the ARN of a resource of a known kind.
pub fn build(kind: &str, region: &str, account: &str, id: &str) -> String {
    if let Some(spec) = kinds::spec_of(kind) {
        let account = if spec.arn_has_account { account } else { "" };
        let partition = partition(region);
        let region = if spec.arn_has_region { region } else { "" };
        if spec.arn_sep == '\0' {
            return format!("arn:{partition}:{}:{region}:{account}:{id}", spec.service);
        }
        format!("arn:{partition}:{}:{region}:{account}:{}{}{id}", spec.service, spec.arn_type, spec.arn_sep)
    } else {
        let (service, arn_type) = kind.split_once(':').unwrap_or((kind, "resource"));
        format!("arn:{}:{service}:{region}:{account}:{arn_type}/{id}", partition(region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_typed_and_untyped_arns() {
        let arn = Arn::parse("arn:aws:ec2:us-east-1:123456789012:instance/i-0abc").expect("arn");
        assert_eq!(arn.kind_and_id(), ("ec2:instance".to_owned(), "i-0abc".to_owned()));
        let arn = Arn::parse("arn:aws:elasticache:eu-west-1:123456789012:replicationgroup:redis").expect("arn");
        assert_eq!(arn.kind_and_id(), ("elasticache:replication-group".to_owned(), "redis".to_owned()));
        let arn = Arn::parse("arn:aws:sqs:us-east-1:123456789012:jobs").expect("arn");
        assert_eq!(arn.kind_and_id(), ("sqs:queue".to_owned(), "jobs".to_owned()));
        let arn = Arn::parse("arn:aws:sns:us-east-1:123456789012:alerts").expect("arn");
        assert_eq!(arn.kind_and_id(), ("sns:topic".to_owned(), "alerts".to_owned()));
        let arn =
            Arn::parse("arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188")
                .expect("arn");
        assert_eq!(
            arn.kind_and_id(),
            ("elasticloadbalancing:loadbalancer".to_owned(), "app/web/50dc6c495c0c9188".to_owned())
        );
        let arn = Arn::parse("arn:aws:eks:us-east-1:123456789012:nodegroup/dev/workers/8ac8").expect("arn");
        assert_eq!(arn.kind_and_id(), ("eks:nodegroup".to_owned(), "dev:workers".to_owned()));
        assert!(Arn::parse("vpc-0abc").is_none());
        assert!(Arn::parse("arn:aws").is_none());
    }

    #[test]
    fn issue_12_eks_add_on_and_fargate_profile_arns_name_cluster_and_name() {
        let arn =
            Arn::parse("arn:aws:eks:us-east-1:123456789012:addon/dev/vpc-cni/7ac8a4e2-1b2c-3d4e-5f60-718293a4b5c6")
                .expect("arn");
        assert_eq!(arn.kind_and_id(), ("eks:addon".to_owned(), "dev:vpc-cni".to_owned()));
        let arn = Arn::parse(
            "arn:aws:eks:us-east-1:123456789012:fargateprofile/dev/kube-system/5cc8a4e2-1b2c-3d4e-5f60-718293a4b5c6",
        )
        .expect("arn");
        assert_eq!(arn.kind_and_id(), ("eks:fargate-profile".to_owned(), "dev:kube-system".to_owned()));
    }

    #[test]
    fn builds_arns_in_the_aws_shape() {
        assert_eq!(
            build("ec2:vpc", "us-east-1", "123456789012", "vpc-1"),
            "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-1"
        );
        assert_eq!(
            build("ec2:snapshot", "us-east-1", "123456789012", "snap-1"),
            "arn:aws:ec2:us-east-1::snapshot/snap-1"
        );
        assert_eq!(
            build("elasticache:subnet-group", "cn-north-1", "123456789012", "cache"),
            "arn:aws-cn:elasticache:cn-north-1:123456789012:subnetgroup:cache"
        );
    }
}
