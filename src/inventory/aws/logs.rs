//! logs: lists the log groups of one region with the bytes they store. A group named for
//! a Lambda function, an EKS cluster or an RDS database (the names those services give the
//! groups they make) says so in an attribute, which the policy's ownership rules read.

use serde_json::json;

use super::raw_pages::{Pages, epoch, text};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;

pub const LOGS: Service = Service {
    name: "logs",
    signing: "logs",
    endpoint: Endpoint::Regional("logs"),
    protocol: Protocol::Json { target: "Logs_20140328" },
};

/// The resource AWS made a group for, from the group's name: the attribute naming it and
/// the name.
pub fn made_for(group: &str) -> Option<(&'static str, &str)> {
    if let Some(function) = group.strip_prefix("/aws/lambda/") {
        return Some(("lambda_function", function));
    }
    if let Some(cluster) = group.strip_prefix("/aws/eks/").and_then(|rest| rest.strip_suffix("/cluster")) {
        return Some(("eks_cluster", cluster));
    }
    if let Some(rest) = group.strip_prefix("/aws/rds/instance/") {
        return Some(("rds_instance", rest.split('/').next().unwrap_or(rest)));
    }
    if let Some(rest) = group.strip_prefix("/aws/rds/cluster/") {
        return Some(("rds_cluster", rest.split('/').next().unwrap_or(rest)));
    }
    None
}

pub async fn log_groups(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let kinds = &["logs:log-group"];
    let pages = Pages { client: &client, ctx: &ctx, kinds };
    pages
        .json("DescribeLogGroups", json!({"limit": 50}), ("nextToken", "nextToken"), &mut out, |page, known, out| {
            for group in super::raw_pages::items(page, "logGroups") {
                let Some(name) = text(group, "logGroupName") else { continue };
                let mut r = LiveResource::new("logs:log-group", name, &known.account, &known.region);
                // `arn` ends with `:*`; `logGroupArn` (newer answers) is the group's own ARN, as
                // Terraform and the tagging API write it.
                if let Some(arn) = text(group, "logGroupArn").or_else(|| text(group, "arn")) {
                    arn.strip_suffix(":*").unwrap_or(arn).clone_into(&mut r.arn);
                }
                r.created = epoch(group.get("creationTime"), true);
                r.set_attr_opt("stored_bytes", group.get("storedBytes").and_then(serde_json::Value::as_u64));
                r.set_attr_opt("retention_in_days", group.get("retentionInDays").and_then(serde_json::Value::as_u64));
                if let Some((attr, owner)) = made_for(name) {
                    r.set_attr(attr, owner);
                }
                out.resources.push(r);
            }
        })
        .await;
    out
}

#[cfg(test)]
mod tests {
    use super::made_for;

    #[test]
    fn issue_30_groups_aws_makes_name_what_they_were_made_for() {
        assert_eq!(made_for("/aws/lambda/thumbnailer"), Some(("lambda_function", "thumbnailer")));
        assert_eq!(made_for("/aws/eks/prod-eks/cluster"), Some(("eks_cluster", "prod-eks")));
        assert_eq!(made_for("/aws/rds/instance/staging-pg/postgresql"), Some(("rds_instance", "staging-pg")));
        assert_eq!(made_for("/aws/rds/cluster/orders/error"), Some(("rds_cluster", "orders")));
        assert_eq!(made_for("/aws/eks/prod-eks/other"), None);
        assert_eq!(made_for("app/web"), None);
    }
}
