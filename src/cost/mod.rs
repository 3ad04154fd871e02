//! cost: the estimated monthly cost of leftovers, from a price table a user can replace
//! (`policies/prices.toml`, compiled in; `--prices FILE`). Prices what a finding of kind
//! `unmanaged` or `deleted-env` is about, with what goes with it, when it is still live.
//! Pure apart from reading a price file; never calls AWS.

pub mod cost_summary;
pub mod estimate;
pub mod money;
pub mod price_error;
pub mod price_table;

use std::collections::HashMap;

pub use cost_summary::{CostSummary, EnvironmentCost, PriceSource};
pub use estimate::{Estimate, estimate};
pub use price_error::PriceError;
pub use price_table::PriceTable;

use crate::checks::FindingKind;
use crate::inventory::{Inventory, LiveResource};
use crate::report::Report;

/// Kinds of findings about resources that are live and should not be: what they cost is
/// money spent on leftovers.
pub const PRICED_KINDS: [FindingKind; 2] = [FindingKind::Unmanaged, FindingKind::DeletedEnv];

/// Prices the report's findings of [`PRICED_KINDS`] from the live resources of `inventory`
/// and sums them in `report.cost`.
pub fn apply(report: &mut Report, inventory: &Inventory, table: &PriceTable) {
    let index: HashMap<(&str, &str, &str, &str), &LiveResource> = inventory
        .resources
        .iter()
        .map(|r| ((r.kind.as_str(), r.id.as_str(), r.account.as_str(), r.region.as_str()), r))
        .collect();
    for f in &mut report.findings {
        f.cost = None;
        if !PRICED_KINDS.contains(&f.finding.kind) {
            continue;
        }
        let r = &f.finding.resource;
        let account = r.account.as_deref().unwrap_or_default();
        let region = r.region.as_deref().unwrap_or_default();
        let Some(live) = index.get(&(r.kind.as_str(), r.id.as_str(), account, region)) else { continue };
        if !live.exists() {
            continue;
        }
        let owned: Vec<&LiveResource> = f
            .finding
            .related
            .iter()
            .filter(|rel| rel.relation == "owns")
            .filter_map(|rel| index.get(&(rel.kind.as_deref()?, rel.id.as_str(), account, region)).copied())
            .collect();
        f.cost = Some(estimate(live, &owned, table));
    }
    let priced = report.findings.iter().filter_map(|f| Some((&f.finding, f.cost.as_ref()?)));
    report.cost = Some(CostSummary::of(priced, table));
}
