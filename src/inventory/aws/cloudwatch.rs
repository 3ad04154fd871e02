//! cloudwatch: lists the metric alarms of one region.

use super::raw_pages::Pages;
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;

pub const CLOUDWATCH: Service = Service {
    name: "cloudwatch",
    signing: "monitoring",
    endpoint: Endpoint::Regional("monitoring"),
    protocol: Protocol::Query { version: "2010-08-01" },
};

pub async fn alarms(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let pages = Pages { client: &client, ctx: &ctx, kinds: &["cloudwatch:alarm"] };
    let params = [("MaxRecords", "100"), ("AlarmTypes.member.1", "MetricAlarm")];
    pages
        .query("DescribeAlarms", &params, "NextToken", &mut out, |page, known, out| {
            for alarm in page.list("MetricAlarms") {
                let Some(name) = alarm.text("AlarmName") else { continue };
                let mut r = LiveResource::new("cloudwatch:alarm", name, &known.account, &known.region);
                if let Some(arn) = alarm.text("AlarmArn") {
                    arn.clone_into(&mut r.arn);
                }
                r.set_attr_opt("state", alarm.text("StateValue"));
                r.set_attr_opt("metric", alarm.text("MetricName"));
                out.resources.push(r);
            }
        })
        .await;
    out
}
