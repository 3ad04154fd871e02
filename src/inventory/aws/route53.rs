//! route53: lists the account's hosted zones, once per account, placed in the region
//! `global`. A zone another service made for itself (Cloud Map's namespaces) names it in
//! `linked_service`.

use super::raw_pages::Pages;
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service, path_encode};
use crate::inventory::LiveResource;
use crate::model::kinds::GLOBAL;

pub const ROUTE53: Service =
    Service { name: "route53", signing: "route53", endpoint: Endpoint::Global("route53"), protocol: Protocol::RestXml };

pub async fn hosted_zones(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let pages = Pages { client: &client, ctx: &ctx, kinds: &["route53:hostedzone"] };
    let mut marker: Option<String> = None;
    loop {
        let mut path = "/2013-04-01/hostedzone?maxitems=100".to_owned();
        if let Some(marker) = &marker {
            path.push_str(&format!("&marker={}", path_encode(marker)));
        }
        let page = client.get_xml("ListHostedZones", path).await;
        let Some((page, known)) = pages.read(page, "ListHostedZones", &mut out).await else { break };
        for zone in page.list("HostedZones") {
            let Some(id) = zone.text("Id").map(|id| id.trim_start_matches("/hostedzone/")) else { continue };
            let mut r = LiveResource::new("route53:hostedzone", id, &known.account, GLOBAL);
            r.set_attr_opt("name", zone.text("Name"));
            r.set_attr("private", zone.child("Config").and_then(|c| c.text("PrivateZone")) == Some("true"));
            r.set_attr_opt("record_count", zone.text("ResourceRecordSetCount").and_then(|n| n.parse::<u64>().ok()));
            r.set_attr_opt("linked_service", zone.child("LinkedService").and_then(|s| s.text("ServicePrincipal")));
            out.resources.push(r);
        }
        match page.text("NextMarker").filter(|_| page.text("IsTruncated") == Some("true")) {
            Some(next) => marker = Some(next.to_owned()),
            None => break,
        }
    }
    out
}
