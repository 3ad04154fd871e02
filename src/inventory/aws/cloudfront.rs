//! cloudfront: lists the account's distributions, once per account, placed in the region
//! `global`.

use super::raw_pages::Pages;
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service, path_encode};
use crate::inventory::LiveResource;
use crate::model::kinds::GLOBAL;

pub const CLOUDFRONT: Service = Service {
    name: "cloudfront",
    signing: "cloudfront",
    endpoint: Endpoint::Global("cloudfront"),
    protocol: Protocol::RestXml,
};

pub async fn distributions(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let pages = Pages { client: &client, ctx: &ctx, kinds: &["cloudfront:distribution"] };
    let mut marker: Option<String> = None;
    loop {
        let mut path = "/2020-05-31/distribution?MaxItems=100".to_owned();
        if let Some(marker) = &marker {
            path.push_str(&format!("&Marker={}", path_encode(marker)));
        }
        let page = client.get_xml("ListDistributions", path).await;
        let Some((page, known)) = pages.read(page, "ListDistributions", &mut out).await else { break };
        for distribution in page.list("Items") {
            let Some(id) = distribution.text("Id") else { continue };
            let mut r = LiveResource::new("cloudfront:distribution", id, &known.account, GLOBAL);
            if let Some(arn) = distribution.text("ARN") {
                arn.clone_into(&mut r.arn);
            }
            r.status = distribution.text("Status").map(str::to_owned);
            r.set_attr_opt("domain_name", distribution.text("DomainName"));
            r.set_attr("enabled", distribution.text("Enabled") == Some("true"));
            out.resources.push(r);
        }
        match page.find("NextMarker").map(|m| m.text.trim()).filter(|m| !m.is_empty()) {
            Some(next) if page.find("IsTruncated").is_some_and(|t| t.text.trim() == "true") => {
                marker = Some(next.to_owned());
            }
            _ => break,
        }
    }
    out
}
