//! ecr: lists the repositories of one region (tags come from the tagging API).

use serde_json::json;

use super::raw_pages::{Pages, epoch, items, text};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;

pub const ECR: Service = Service {
    name: "ecr",
    signing: "ecr",
    endpoint: Endpoint::Regional("api.ecr"),
    protocol: Protocol::Json { target: "AmazonEC2ContainerRegistry_V20150921" },
};

pub async fn repositories(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let body = json!({"maxResults": 1000});
    let pages = Pages { client: &client, ctx: &ctx, kinds: &["ecr:repository"] };
    pages
        .json("DescribeRepositories", body, ("nextToken", "nextToken"), &mut out, |page, known, out| {
            for repo in items(page, "repositories") {
                let Some(name) = text(repo, "repositoryName") else { continue };
                let mut r = LiveResource::new("ecr:repository", name, &known.account, &known.region);
                if let Some(arn) = text(repo, "repositoryArn") {
                    arn.clone_into(&mut r.arn);
                }
                r.created = epoch(repo.get("createdAt"), false);
                r.set_attr_opt("uri", text(repo, "repositoryUri"));
                out.resources.push(r);
            }
        })
        .await;
    out
}
