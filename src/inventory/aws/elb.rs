//! elb: lists the load balancers of one region through both APIs (application, network and
//! gateway through `elbv2`, classic through `elb`) as one kind, and the `elbv2` target
//! groups with the load balancers that use them. Neither API's descriptions carry tags:
//! they are merged in from the tagging API's listing of the same region (see `link`).

use super::{Ctx, Listing};
use crate::inventory::LiveResource;
use crate::model::arn::Arn;
use crate::model::relation::RelationKind as R;

const LB: &str = "elasticloadbalancing:loadbalancer";
const TG: &str = "elasticloadbalancing:targetgroup";

/// The native id inside an ELB ARN: what follows `loadbalancer/` or `targetgroup/`.
pub fn id_in_arn(arn: &str) -> Option<&str> {
    Arn::parse(arn).map(|parsed| parsed.type_and_id().1)
}

pub async fn load_balancers(client: aws_sdk_elasticloadbalancingv2::Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "elasticloadbalancing",
        out,
        ctx,
        client.describe_load_balancers(),
        "DescribeLoadBalancers",
        &[LB],
        |page| {
            for lb in page.load_balancers() {
                let Some(arn) = lb.load_balancer_arn() else { continue };
                let Some(id) = id_in_arn(arn) else { continue };
                let mut r = LiveResource::new(LB, id, &ctx.account, &ctx.region);
                arn.clone_into(&mut r.arn);
                r.status = lb.state().and_then(|s| s.code()).map(|c| c.as_str().to_owned());
                r.set_created(lb.created_time());
                r.set_attr_opt("name", lb.load_balancer_name());
                r.set_attr_opt("type", lb.r#type().map(|t| t.as_str().to_owned()));
                r.set_attr_opt("scheme", lb.scheme().map(|s| s.as_str().to_owned()));
                r.set_attr_opt("dns_name", lb.dns_name());
                r.relate(R::InVpc, "ec2:vpc", lb.vpc_id());
                for zone in lb.availability_zones() {
                    r.relate(R::InSubnet, "ec2:subnet", zone.subnet_id());
                }
                for group in lb.security_groups() {
                    r.relate(R::UsesSecurityGroup, "ec2:security-group", Some(group));
                }
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn classic_load_balancers(client: aws_sdk_elasticloadbalancing::Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!(
        "elasticloadbalancing",
        out,
        ctx,
        client.describe_load_balancers(),
        "DescribeLoadBalancers",
        &[LB],
        |page| {
            for lb in page.load_balancer_descriptions() {
                let Some(name) = lb.load_balancer_name() else { continue };
                let mut r = LiveResource::new(LB, name, &ctx.account, &ctx.region);
                r.set_created(lb.created_time());
                r.set_attr("name", name);
                r.set_attr("type", "classic");
                r.set_attr_opt("scheme", lb.scheme());
                r.set_attr_opt("dns_name", lb.dns_name());
                r.relate(R::InVpc, "ec2:vpc", lb.vpc_id());
                for subnet in lb.subnets() {
                    r.relate(R::InSubnet, "ec2:subnet", Some(subnet));
                }
                for group in lb.security_groups() {
                    r.relate(R::UsesSecurityGroup, "ec2:security-group", Some(group));
                }
                for instance in lb.instances() {
                    r.relate(R::References, "ec2:instance", instance.instance_id());
                }
                out.resources.push(r);
            }
        }
    );
    out
}

pub async fn target_groups(client: aws_sdk_elasticloadbalancingv2::Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("elasticloadbalancing", out, ctx, client.describe_target_groups(), "DescribeTargetGroups", &[TG], |page| {
        for group in page.target_groups() {
            let Some(arn) = group.target_group_arn() else { continue };
            let Some(id) = id_in_arn(arn) else { continue };
            let mut r = LiveResource::new(TG, id, &ctx.account, &ctx.region);
            arn.clone_into(&mut r.arn);
            r.set_attr_opt("name", group.target_group_name());
            r.set_attr_opt("target_type", group.target_type().map(|t| t.as_str().to_owned()));
            r.set_attr_opt("protocol", group.protocol().map(|p| p.as_str().to_owned()));
            r.set_attr_opt("port", group.port());
            r.relate(R::InVpc, "ec2:vpc", group.vpc_id());
            // Which load balancers forward to it: `link` turns each into the load
            // balancer's reference to the group.
            let users: Vec<&str> = group.load_balancer_arns().iter().map(String::as_str).collect();
            r.set_attr("load_balancer_arns", users);
            out.resources.push(r);
        }
    });
    out
}
