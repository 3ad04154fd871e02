//! tagging: every tagged resource of one region through the Resource Groups Tagging API,
//! as generic records keyed by ARN. Records of kinds leftover lists itself only lend their
//! tags to the native records (see `link`); the rest become generic live resources.

use aws_sdk_resourcegroupstagging::Client;

use super::{Ctx, Listing};
use crate::inventory::{LiveResource, Origin};
use crate::model::arn::Arn;

/// The kind a gap in this listing leaves incomplete: every kind known only through it.
pub const TAGGED_KIND: &str = "*tagged";

/// What a gap in this listing leaves incomplete: the kinds known only through it, and the
/// listed kinds whose tags come from it.
static GAP_KINDS: std::sync::LazyLock<Vec<&'static str>> = std::sync::LazyLock::new(|| {
    std::iter::once(TAGGED_KIND).chain(crate::model::kinds::tags_from_tagging_api()).collect()
});

pub async fn resources(client: Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    // Each page needs the one before it: a region's longest chain of calls.
    pages!("tagging", out, ctx, client.get_resources().resources_per_page(100), "GetResources", &GAP_KINDS, |page| {
        for mapping in page.resource_tag_mapping_list() {
            let Some(arn_text) = mapping.resource_arn() else { continue };
            let Some(arn) = Arn::parse(arn_text) else { continue };
            let (kind, id) = arn.kind_and_id();
            let account = if arn.account.is_empty() { ctx.account.as_str() } else { arn.account };
            let region = if arn.region.is_empty() { ctx.region.as_str() } else { arn.region };
            let mut r = LiveResource::new(&kind, id, account, region);
            arn_text.clone_into(&mut r.arn);
            r.origin = Origin::Tagging;
            r.set_tags(mapping.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
            out.resources.push(r);
        }
    });
    out
}
