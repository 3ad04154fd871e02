//! lambda: lists the functions of one region, with the role each runs as and the subnets
//! and security groups of those attached to a VPC (a hand-made function in a declared
//! subnet blocks its destroy). Tags come from the tagging API (see `link`).

use super::{Ctx, Listing};
use crate::inventory::LiveResource;
use crate::model::relation::RelationKind as R;

pub async fn functions(client: aws_sdk_lambda::Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("lambda", out, ctx, client.list_functions(), "ListFunctions", &["lambda:function"], |page| {
        for function in page.functions() {
            let Some(name) = function.function_name() else { continue };
            let mut r = LiveResource::new("lambda:function", name, &ctx.account, &ctx.region);
            if let Some(arn) = function.function_arn() {
                arn.clone_into(&mut r.arn);
            }
            r.set_attr_opt("runtime", function.runtime().map(|rt| rt.as_str().to_owned()));
            r.set_attr_opt("memory_size", function.memory_size());
            r.set_attr_opt("role", function.role());
            // The role by its name, the last part of its ARN (after any path).
            r.relate(R::References, "iam:role", function.role().and_then(|arn| arn.rsplit('/').next()));
            r.set_attr_opt("last_modified", function.last_modified());
            if let Some(vpc) = function.vpc_config() {
                r.relate(R::InVpc, "ec2:vpc", vpc.vpc_id().filter(|v| !v.is_empty()));
                for subnet in vpc.subnet_ids() {
                    r.relate(R::InSubnet, "ec2:subnet", Some(subnet));
                }
                for group in vpc.security_group_ids() {
                    r.relate(R::UsesSecurityGroup, "ec2:security-group", Some(group));
                }
            }
            out.resources.push(r);
        }
    });
    out
}
