//! cloudformation: lists the stacks of one region with their tags and status (deleted
//! stacks are not listed by `DescribeStacks` without a name).

use super::raw_pages::{Pages, xml_tags};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;

pub const CLOUDFORMATION: Service = Service {
    name: "cloudformation",
    signing: "cloudformation",
    endpoint: Endpoint::Regional("cloudformation"),
    protocol: Protocol::Query { version: "2010-05-15" },
};

pub async fn stacks(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let pages = Pages { client: &client, ctx: &ctx, kinds: &["cloudformation:stack"] };
    pages
        .query("DescribeStacks", &[], "NextToken", &mut out, |page, known, out| {
            for stack in page.list("Stacks") {
                let Some(name) = stack.text("StackName") else { continue };
                let mut r = LiveResource::new("cloudformation:stack", name, &known.account, &known.region);
                if let Some(arn) = stack.text("StackId") {
                    arn.clone_into(&mut r.arn);
                }
                r.status = stack.text("StackStatus").map(str::to_owned);
                r.created = stack.text("CreationTime").map(str::to_owned);
                r.set_tags(xml_tags(stack, "Tags"));
                r.set_attr("stack_name", name);
                out.resources.push(r);
            }
        })
        .await;
    out
}
