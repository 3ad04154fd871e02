//! sqs: lists the queues of one region. `ListQueues` gives each queue's URL, whose last
//! part is the queue's name (its id); tags come from the tagging API (see `link`).

use super::{Ctx, Listing};
use crate::inventory::LiveResource;
use crate::model::arn::partition;

pub async fn queues(client: aws_sdk_sqs::Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("sqs", out, ctx, client.list_queues().max_results(1000), "ListQueues", &["sqs:queue"], |page| {
        for url in page.queue_urls() {
            let Some(name) = url.rsplit('/').next().filter(|n| !n.is_empty()) else { continue };
            let mut r = LiveResource::new("sqs:queue", name, &ctx.account, &ctx.region);
            r.arn = format!("arn:{}:sqs:{}:{}:{name}", partition(&ctx.region), ctx.region, ctx.account);
            r.set_attr("url", url.as_str());
            out.resources.push(r);
        }
    });
    out
}
