//! sns: lists the topics of one region. `ListTopics` gives each topic's ARN, whose last
//! part is the topic's name (its id); tags come from the tagging API (see `link`).

use super::{Ctx, Listing};
use crate::inventory::LiveResource;

pub async fn topics(client: aws_sdk_sns::Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    pages!("sns", out, ctx, client.list_topics(), "ListTopics", &["sns:topic"], |page| {
        for topic in page.topics() {
            let Some(arn) = topic.topic_arn() else { continue };
            let Some(name) = arn.rsplit(':').next().filter(|n| !n.is_empty()) else { continue };
            let mut r = LiveResource::new("sns:topic", name, &ctx.account, &ctx.region);
            arn.clone_into(&mut r.arn);
            out.resources.push(r);
        }
    });
    out
}
