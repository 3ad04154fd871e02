//! `cost_summary`: the estimated monthly cost of a report's leftovers, in total and per
//! environment, with the price table it came from. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::estimate::Estimate;
use super::money;
use crate::model::Finding;

/// The price table a report's estimates come from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PriceSource {
    /// The built-in table's name or the `--prices` file.
    pub source: String,
    /// When the prices were written down.
    pub date: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The leftovers of one environment (`environment` is null for those of none).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnvironmentCost {
    pub environment: Option<String>,
    pub monthly: f64,
    pub priced: usize,
    pub unpriced: usize,
}

/// The estimated monthly cost of every priced finding, each resource counted once.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CostSummary {
    /// Always true: amounts are estimates from list prices.
    pub estimate: bool,
    pub currency: String,
    pub prices: PriceSource,
    /// Per month, the resources with a price.
    pub monthly: f64,
    /// Resources with a price (free ones included).
    pub priced: usize,
    /// Resources without a price: not in `monthly`.
    pub unpriced: usize,
    /// Per environment, most expensive first.
    pub environments: Vec<EnvironmentCost>,
}

impl CostSummary {
    /// Sums the estimates of `findings` (pairs of finding and estimate).
    /// Sums the estimates of `findings` (each resource once) in `currency`, priced from `prices`.
    pub fn of<'a>(
        findings: impl IntoIterator<Item = (&'a Finding, &'a Estimate)>,
        currency: &str,
        prices: PriceSource,
    ) -> Self {
        let mut seen = BTreeSet::new();
        let mut per_env: BTreeMap<Option<String>, EnvironmentCost> = BTreeMap::new();
        for (finding, estimate) in findings {
            let r = &finding.resource;
            // A resource can be the subject of more than one finding: count it once.
            if !seen.insert((r.kind.clone(), r.id.clone(), r.account.clone(), r.region.clone())) {
                continue;
            }
            let env = per_env.entry(finding.environment.clone()).or_insert_with(|| EnvironmentCost {
                environment: finding.environment.clone(),
                monthly: 0.0,
                priced: 0,
                unpriced: 0,
            });
            match estimate.monthly {
                Some(amount) => {
                    env.monthly += amount;
                    env.priced += 1;
                }
                None => env.unpriced += 1,
            }
        }
        let mut environments: Vec<EnvironmentCost> = per_env.into_values().collect();
        for env in &mut environments {
            env.monthly = money::round_cents(env.monthly);
        }
        environments.sort_by(|a, b| {
            b.monthly
                .total_cmp(&a.monthly)
                .then_with(|| a.environment.is_none().cmp(&b.environment.is_none()))
                .then_with(|| a.environment.cmp(&b.environment))
        });
        Self {
            estimate: true,
            currency: currency.to_owned(),
            prices,
            monthly: money::round_cents(environments.iter().map(|e| e.monthly).sum()),
            priced: environments.iter().map(|e| e.priced).sum(),
            unpriced: environments.iter().map(|e| e.unpriced).sum(),
            environments,
        }
    }

    /// `$123.45` in the table's currency.
    pub fn amount(&self, value: f64) -> String {
        money::amount(value, &self.currency)
    }

    /// `price table of 2026-11-26 (on-demand list prices, us-east-1, Linux)`.
    pub fn prices_line(&self) -> String {
        match &self.prices.note {
            Some(note) => format!("price table of {} ({note})", self.prices.date),
            None => format!("price table of {}", self.prices.date),
        }
    }

    /// Whether anything was priced or found without a price.
    pub fn is_empty(&self) -> bool {
        self.priced == 0 && self.unpriced == 0
    }
}
