//! s3: lists the buckets of one region: `ListBuckets` asked for that region's buckets
//! only (`bucket-region`), so that each bucket is judged in its own region and listed once
//! however many regions are scanned. Tags come from the tagging API.

use super::{Ctx, Listing};
use crate::inventory::LiveResource;

pub async fn buckets(client: aws_sdk_s3::Client, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let request = client.list_buckets().bucket_region(ctx.region.clone()).max_buckets(1000);
    pages!("s3", out, ctx, request, "ListBuckets", &["s3:bucket"], |page| {
        for bucket in page.buckets() {
            let Some(name) = bucket.name() else { continue };
            // A bucket another region answers for is that region's.
            if bucket.bucket_region().is_some_and(|r| r != ctx.region) {
                continue;
            }
            let mut r = LiveResource::new("s3:bucket", name, &ctx.account, &ctx.region);
            r.set_created(bucket.creation_date());
            out.resources.push(r);
        }
    });
    out
}
