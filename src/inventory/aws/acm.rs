//! acm: lists the certificates of one region, with their status and whether anything uses
//! them.

use serde_json::json;

use super::raw_pages::{Pages, epoch, items, text};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;

pub const ACM: Service = Service {
    name: "acm",
    signing: "acm",
    endpoint: Endpoint::Regional("acm"),
    protocol: Protocol::Json { target: "CertificateManager" },
};

pub async fn certificates(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let pages = Pages { client: &client, ctx: &ctx, kinds: &["acm:certificate"] };
    let body = json!({"MaxItems": 1000});
    pages
        .json("ListCertificates", body, ("NextToken", "NextToken"), &mut out, |page, known, out| {
            for certificate in items(page, "CertificateSummaryList") {
                let Some(arn) = text(certificate, "CertificateArn") else { continue };
                let id = arn.rsplit('/').next().unwrap_or(arn);
                let mut r = LiveResource::new("acm:certificate", id, &known.account, &known.region);
                arn.clone_into(&mut r.arn);
                r.status = text(certificate, "Status").map(str::to_owned);
                r.created = epoch(certificate.get("CreatedAt"), false);
                r.set_attr_opt("domain_name", text(certificate, "DomainName"));
                r.set_attr_opt("in_use", certificate.get("InUse").and_then(serde_json::Value::as_bool));
                out.resources.push(r);
            }
        })
        .await;
    out
}
