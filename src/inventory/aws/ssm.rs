//! ssm: lists the parameters of one region, with their tier (an advanced parameter is
//! charged). Values are never read.

use serde_json::json;

use super::raw_pages::{Pages, epoch, items, text};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;

pub const SSM: Service = Service {
    name: "ssm",
    signing: "ssm",
    endpoint: Endpoint::Regional("ssm"),
    protocol: Protocol::Json { target: "AmazonSSM" },
};

pub async fn parameters(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let pages = Pages { client: &client, ctx: &ctx, kinds: &["ssm:parameter"] };
    let body = json!({"MaxResults": 50});
    pages
        .json("DescribeParameters", body, ("NextToken", "NextToken"), &mut out, |page, known, out| {
            for parameter in items(page, "Parameters") {
                let Some(name) = text(parameter, "Name") else { continue };
                let mut r = LiveResource::new("ssm:parameter", name, &known.account, &known.region);
                let partition = crate::model::arn::partition(&known.region);
                r.arn = text(parameter, "ARN").map_or_else(
                    || {
                        format!(
                            "arn:{partition}:ssm:{}:{}:parameter/{}",
                            known.region,
                            known.account,
                            name.trim_start_matches('/')
                        )
                    },
                    str::to_owned,
                );
                r.created = epoch(parameter.get("LastModifiedDate"), false);
                r.set_attr_opt("tier", text(parameter, "Tier"));
                r.set_attr_opt("type", text(parameter, "Type"));
                out.resources.push(r);
            }
        })
        .await;
    out
}
