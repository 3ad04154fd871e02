//! kms: lists the keys of one region (`ListKeys`) and describes each (`DescribeKey`,
//! eight at a time) for its manager, state and creation: the keys AWS manages for its
//! services (`alias/aws/*`) are AWS's and are left out; a key pending deletion is listed
//! with that state, which the kind calls gone. Tags come from the tagging API.

use std::sync::Arc;

use serde_json::json;

use super::raw_pages::{Pages, epoch, items, text};
use super::{Ctx, Listing};
use crate::aws::raw::{Endpoint, Protocol, RawClient, Service};
use crate::inventory::LiveResource;

pub const KMS: Service = Service {
    name: "kms",
    signing: "kms",
    endpoint: Endpoint::Regional("kms"),
    protocol: Protocol::Json { target: "TrentService" },
};

/// Keys described at once.
const DESCRIBED_AT_ONCE: usize = 8;

pub async fn keys(client: RawClient, ctx: Ctx) -> Listing {
    let mut out = Listing::default();
    let kinds = &["kms:key"];
    let mut ids = Vec::new();
    let pages = Pages { client: &client, ctx: &ctx, kinds };
    pages
        .json("ListKeys", json!({"Limit": 1000}), ("Marker", "NextMarker"), &mut out, |page, _, _| {
            ids.extend(items(page, "Keys").iter().filter_map(|k| text(k, "KeyId")).map(str::to_owned));
        })
        .await;
    let limit = Arc::new(tokio::sync::Semaphore::new(DESCRIBED_AT_ONCE));
    let mut described = tokio::task::JoinSet::new();
    for (n, id) in ids.into_iter().enumerate() {
        let (client, limit) = (client.clone(), limit.clone());
        described.spawn(async move {
            let _permit = limit.acquire_owned().await;
            (n, client.json("DescribeKey", &json!({"KeyId": id})).await)
        });
    }
    let mut answers = Vec::with_capacity(described.len());
    while let Some(done) = described.join_next().await {
        if let Ok(answer) = done {
            answers.push(answer);
        }
    }
    answers.sort_by_key(|(n, _)| *n);
    for (_, answer) in answers {
        let Some((answer, known)) = pages.read(answer, "DescribeKey", &mut out).await else { continue };
        let Some(key) = answer.get("KeyMetadata") else { continue };
        let Some(id) = text(key, "KeyId") else { continue };
        if text(key, "KeyManager") == Some("AWS") {
            continue;
        }
        let mut r = LiveResource::new("kms:key", id, &known.account, &known.region);
        if let Some(arn) = text(key, "Arn") {
            arn.clone_into(&mut r.arn);
        }
        r.status = text(key, "KeyState").map(str::to_owned);
        r.created = epoch(key.get("CreationDate"), false);
        r.set_attr_opt("description", text(key, "Description"));
        r.set_attr_opt("key_usage", text(key, "KeyUsage"));
        out.resources.push(r);
    }
    // A description that failed leaves its key unknown: the listing is incomplete, said
    // once however many failed.
    out.failures.dedup_by(|a, b| a.operation == b.operation && a.message == b.message);
    out
}
