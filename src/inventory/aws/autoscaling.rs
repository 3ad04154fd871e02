//! autoscaling: lists the Auto Scaling groups of one region, with their tags, instances,
//! subnets, and the launch template or configuration they launch from, and the launch
//! configurations.

use super::raw_pages::{Pages, xml_tags};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;
use crate::model::relation::RelationKind as R;

pub const AUTOSCALING: Service = Service {
    name: "autoscaling",
    signing: "autoscaling",
    endpoint: Endpoint::Regional("autoscaling"),
    protocol: Protocol::Query { version: "2011-01-01" },
};

pub async fn groups(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let kinds = &["autoscaling:group"];
    let params = [("MaxRecords", "100")];
    let pages = Pages { client: &client, ctx: &ctx, kinds };
    pages
        .query("DescribeAutoScalingGroups", &params, "NextToken", &mut out, |page, known, out| {
            for group in page.list("AutoScalingGroups") {
                let Some(name) = group.text("AutoScalingGroupName") else { continue };
                let mut r = LiveResource::new("autoscaling:group", name, &known.account, &known.region);
                if let Some(arn) = group.text("AutoScalingGroupARN") {
                    arn.clone_into(&mut r.arn);
                }
                r.created = group.text("CreatedTime").map(str::to_owned);
                r.status = group.text("Status").map(str::to_owned);
                r.set_tags(xml_tags(group, "Tags"));
                r.set_attr_opt("desired_capacity", group.text("DesiredCapacity").and_then(|n| n.parse::<u64>().ok()));
                let instances: Vec<&str> =
                    group.list("Instances").iter().filter_map(|i| i.text("InstanceId")).collect();
                r.set_attr("instance_ids", instances);
                for subnet in group.text("VPCZoneIdentifier").unwrap_or_default().split(',') {
                    r.relate(R::InSubnet, "ec2:subnet", Some(subnet.trim()));
                }
                let template = group
                    .child("LaunchTemplate")
                    .or_else(|| group.find("LaunchTemplateSpecification"))
                    .and_then(|t| t.text("LaunchTemplateId"));
                r.relate(R::References, "ec2:launch-template", template);
                r.relate(R::References, "autoscaling:launch-configuration", group.text("LaunchConfigurationName"));
                for tg in group.list("TargetGroupARNs") {
                    r.relate(R::References, "elasticloadbalancing:targetgroup", Some(tg.text.trim()));
                }
                out.resources.push(r);
            }
        })
        .await;
    out
}

pub async fn launch_configurations(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let kinds = &["autoscaling:launch-configuration"];
    let params = [("MaxRecords", "100")];
    let pages = Pages { client: &client, ctx: &ctx, kinds };
    pages
        .query("DescribeLaunchConfigurations", &params, "NextToken", &mut out, |page, known, out| {
            for config in page.list("LaunchConfigurations") {
                let Some(name) = config.text("LaunchConfigurationName") else { continue };
                let mut r = LiveResource::new("autoscaling:launch-configuration", name, &known.account, &known.region);
                if let Some(arn) = config.text("LaunchConfigurationARN") {
                    arn.clone_into(&mut r.arn);
                }
                r.created = config.text("CreatedTime").map(str::to_owned);
                r.set_attr_opt("instance_type", config.text("InstanceType"));
                r.set_attr_opt("image_id", config.text("ImageId"));
                for group in config.list("SecurityGroups") {
                    r.relate(R::UsesSecurityGroup, "ec2:security-group", Some(group.text.trim()));
                }
                out.resources.push(r);
            }
        })
        .await;
    out
}
