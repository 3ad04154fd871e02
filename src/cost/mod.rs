//! cost: the estimated monthly cost of leftovers, from a price table a user can replace
//! (`policies/prices.toml`, compiled in; `--prices FILE`). Prices what a finding of kind
//! `unmanaged` or `deleted-env` is about, with what goes with it, when it is still live.
//! Pure apart from reading a price file; never calls AWS.

pub(crate) mod cost_summary;
pub(crate) mod estimate;
pub(crate) mod money;
pub(crate) mod price_error;
pub(crate) mod price_table;

use std::collections::HashMap;

pub use cost_summary::{CostSummary, PriceSource};
pub use estimate::{Estimate, estimate};
pub use price_table::PriceTable;

use crate::inventory::{Inventory, LiveResource};
use crate::model::{Finding, FindingKind};

/// Kinds of findings about resources that are live and should not be (the leftover kinds):
/// what they cost is money spent on leftovers.
pub const PRICED_KINDS: [FindingKind; 3] =
    [FindingKind::Unmanaged, FindingKind::DeletedEnv, FindingKind::BlockingDependency];

/// The estimate of each finding, in order: `Some` for a finding of [`PRICED_KINDS`] about a
/// resource still live in `inventory` (with what it owns), `None` otherwise. The report
/// keeps them and sums them with [`CostSummary::of`].
pub fn estimates<'f>(
    findings: impl IntoIterator<Item = &'f Finding>,
    inventory: &Inventory,
    table: &PriceTable,
) -> Vec<Option<Estimate>> {
    let index: HashMap<(&str, &str, &str, &str), &LiveResource> = inventory
        .resources
        .iter()
        .map(|r| ((r.kind.as_str(), r.id.as_str(), r.account.as_str(), r.region.as_str()), r))
        .collect();
    findings
        .into_iter()
        .map(|finding| {
            if !PRICED_KINDS.contains(&finding.kind) {
                return None;
            }
            let r = &finding.resource;
            let account = r.account.as_deref().unwrap_or_default();
            let region = r.region.as_deref().unwrap_or_default();
            let live = index.get(&(r.kind.as_str(), r.id.as_str(), account, region)).filter(|live| live.exists())?;
            let owned: Vec<&LiveResource> = finding
                .related
                .iter()
                .filter(|rel| rel.relation == "owns")
                .filter_map(|rel| index.get(&(rel.kind.as_deref()?, rel.id.as_str(), account, region)).copied())
                .collect();
            Some(estimate(live, &owned, table))
        })
        .collect()
}
