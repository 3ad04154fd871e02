//! collector: the one seam between the scan and AWS. A `Collector` lists one region of one
//! account; `collect` fans out over every region and account concurrently and merges.

use std::future::Future;
use std::sync::Arc;

pub use crate::progress::Progress;

use super::Inventory;
use crate::bounded::Bounded;

/// One region of one account.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RegionScope {
    pub account: String,
    pub region: String,
}

/// Lists one region of one account. Failures become gaps in the returned inventory; a
/// collector never fails as a whole.
pub trait Collector: Send + Sync + 'static {
    fn collect(&self, scope: RegionScope, progress: Arc<dyn Progress>) -> impl Future<Output = Inventory> + Send;

    /// How many listings one region takes (for progress).
    fn listings_per_region(&self) -> usize {
        1
    }
}

/// Regions (of any account) listed at once. With `--concurrency` listings per service in
/// each, this bounds the calls in flight (16 regions × 24 listings at the default of 20)
/// however many accounts and regions a scan covers, so that sockets and memory stay
/// bounded across an organisation.
pub const SCOPES_AT_ONCE: usize = 16;

/// Lists every scope concurrently, `SCOPES_AT_ONCE` at a time, and merges the results into
/// one sorted inventory.
pub async fn collect<C: Collector>(
    collector: Arc<C>,
    scopes: Vec<RegionScope>,
    generated_at: String,
    progress: Arc<dyn Progress>,
) -> Inventory {
    // Every scope is in the inventory's scope, listed or not: a listing that fails is a gap.
    let mut merged = Inventory::of_scopes(generated_at, &scopes);
    progress.planned(scopes.len() * collector.listings_per_region());
    let limit = Arc::new(tokio::sync::Semaphore::new(SCOPES_AT_ONCE));
    let mut tasks = Bounded::new();
    for scope in scopes {
        let collector = collector.clone();
        let progress = progress.clone();
        tasks.spawn(scope.clone(), &limit, async move { collector.collect(scope, progress).await });
    }
    for (scope, outcome) in tasks.join_all().await {
        match outcome {
            Ok(part) => {
                let generated_at = std::mem::take(&mut merged.generated_at);
                merged.absorb(part);
                merged.generated_at = generated_at;
            }
            Err(lost) => merged.gaps.push(super::CoverageGap {
                service: "leftover".to_owned(),
                account: Some(scope.account),
                region: Some(scope.region),
                operation: "listing".to_owned(),
                error: format!("listing the region failed: {lost}"),
                cause: super::GapCause::Failed,
                object: None,
                kinds: crate::model::kinds::ALL.iter().map(|k| k.spec.kind.to_owned()).collect(),
            }),
        }
    }
    merged.normalize();
    merged
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inventory::LiveResource;
    use crate::progress::Silent;

    struct Fake;

    impl Collector for Fake {
        async fn collect(&self, scope: RegionScope, _progress: Arc<dyn Progress>) -> Inventory {
            let mut inv = Inventory::new(String::new(), vec![scope.account.clone()], vec![scope.region.clone()]);
            inv.resources.push(LiveResource::new(
                "ec2:vpc",
                format!("vpc-{}", scope.region),
                &scope.account,
                &scope.region,
            ));
            inv
        }
    }

    #[tokio::test]
    async fn merges_every_scope_in_order() {
        let scopes = vec![
            RegionScope { account: "1".into(), region: "us-west-2".into() },
            RegionScope { account: "1".into(), region: "eu-west-1".into() },
        ];
        let inv = collect(Arc::new(Fake), scopes, "now".into(), Arc::new(Silent)).await;
        assert_eq!(inv.generated_at, "now");
        assert_eq!(inv.regions, vec!["eu-west-1", "us-west-2"]);
        assert!(inv.listed.contains("1", "eu-west-1") && !inv.listed.contains("2", "eu-west-1"));
        let ids: Vec<&str> = inv.resources.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, vec!["vpc-eu-west-1", "vpc-us-west-2"]);
    }

    struct Falls;

    impl Collector for Falls {
        async fn collect(&self, scope: RegionScope, progress: Arc<dyn Progress>) -> Inventory {
            assert!(scope.region != "eu-west-1", "a listing fell over in {}", scope.region);
            Fake.collect(scope, progress).await
        }
    }

    #[tokio::test]
    async fn a_region_whose_listing_panics_is_a_gap_naming_it() {
        let scopes = vec![
            RegionScope { account: "1".into(), region: "us-west-2".into() },
            RegionScope { account: "1".into(), region: "eu-west-1".into() },
        ];
        let inv = collect(Arc::new(Falls), scopes, "now".into(), Arc::new(Silent)).await;
        assert_eq!(inv.resources.len(), 1);
        assert_eq!(inv.gaps.len(), 1, "{:?}", inv.gaps);
        let gap = &inv.gaps[0];
        assert_eq!((gap.account.as_deref(), gap.region.as_deref()), (Some("1"), Some("eu-west-1")));
        assert!(gap.error.contains("a listing fell over in eu-west-1"), "{}", gap.error);
    }
}
