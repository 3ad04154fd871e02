//! inventory: lists what is live in AWS and records what could not be listed. The only
//! module (with `state`'s S3 reader) that talks to AWS; it never calls anything that
//! changes an account (see `aws::guard`).

pub mod arn;
pub mod aws;
pub mod collector;
pub mod coverage_gap;
pub mod kinds;
pub mod link;
pub mod live_resource;
pub mod relation;
pub mod subresource;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use collector::{Collector, RegionScope, collect};
pub use coverage_gap::{CoverageGap, GapCause};
pub use live_resource::{LiveResource, Origin};
pub use relation::{Relation, RelationKind};

/// The schema name of a saved inventory file.
pub const INVENTORY_SCHEMA: &str = "leftover.inventory/v1";

/// Everything listed in one scan: live resources, what was scanned, and what could not be.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Inventory {
    pub schema: String,
    pub generated_at: String,
    pub accounts: Vec<String>,
    pub regions: Vec<String>,
    pub resources: Vec<LiveResource>,
    #[serde(default)]
    pub gaps: Vec<CoverageGap>,
    /// AWS API calls made while listing, per `service:Operation`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub api_calls: BTreeMap<String, u64>,
}

/// An inventory file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InventoryFileError {
    #[error("cannot read inventory file {path}")]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("inventory file {path} is not a leftover inventory")]
    Parse {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    #[error("inventory file {path} has schema {found:?}; this leftover reads {INVENTORY_SCHEMA:?}")]
    Schema { path: String, found: String },
}

impl Inventory {
    /// An empty inventory for the given scope.
    pub fn new(generated_at: String, accounts: Vec<String>, regions: Vec<String>) -> Self {
        Self { schema: INVENTORY_SCHEMA.to_owned(), generated_at, accounts, regions, ..Self::default() }
    }

    /// Reads an inventory written by `leftover inventory --output`.
    pub fn load(path: &Path) -> Result<Self, InventoryFileError> {
        let display = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|source| InventoryFileError::Read { path: display.clone(), source })?;
        let inventory: Self = serde_json::from_str(&text)
            .map_err(|source| InventoryFileError::Parse { path: display.clone(), source })?;
        if inventory.schema != INVENTORY_SCHEMA {
            return Err(InventoryFileError::Schema { path: display, found: inventory.schema });
        }
        Ok(inventory)
    }

    /// Reads several saved inventories as one (`scan --inventory A --inventory B`).
    pub fn load_all(paths: &[std::path::PathBuf]) -> Result<Self, InventoryFileError> {
        let mut merged: Option<Self> = None;
        for path in paths {
            let part = Self::load(path)?;
            match &mut merged {
                None => merged = Some(part),
                Some(all) => {
                    let latest = std::cmp::max(all.generated_at.clone(), part.generated_at.clone());
                    all.absorb(part);
                    all.generated_at = latest;
                }
            }
        }
        let mut merged = merged.unwrap_or_default();
        merged.normalize();
        Ok(merged)
    }

    /// Keeps only what belongs to the accounts `keep` accepts (one shard's share); gaps
    /// that name no account stay.
    pub fn retain_accounts(&mut self, keep: impl Fn(&str) -> bool) {
        self.accounts.retain(|a| keep(a));
        self.resources.retain(|r| keep(&r.account));
        self.gaps.retain(|g| g.account.as_deref().is_none_or(&keep));
    }

    /// Adds another inventory's resources, gaps and call counts (another region or account).
    pub fn absorb(&mut self, other: Inventory) {
        for account in other.accounts {
            if !self.accounts.contains(&account) {
                self.accounts.push(account);
            }
        }
        for region in other.regions {
            if !self.regions.contains(&region) {
                self.regions.push(region);
            }
        }
        self.resources.extend(other.resources);
        self.gaps.extend(other.gaps);
        for (op, n) in other.api_calls {
            *self.api_calls.entry(op).or_default() += n;
        }
    }

    /// Sorts everything so that two runs over the same account produce the same file.
    pub fn normalize(&mut self) {
        self.accounts.sort();
        self.regions.sort();
        self.resources
            .sort_by(|a, b| (&a.account, &a.region, &a.kind, &a.id).cmp(&(&b.account, &b.region, &b.kind, &b.id)));
        self.gaps.sort_by(|a, b| {
            (&a.account, &a.region, &a.service, &a.operation, &a.object).cmp(&(
                &b.account,
                &b.region,
                &b.service,
                &b.operation,
                &b.object,
            ))
        });
    }

    /// Whether the listing of `kind` in `account`/`region` is complete and authoritative:
    /// leftover lists the kind itself, the region was scanned, and no gap covers it.
    pub fn listed_completely(&self, kind: &str, account: &str, region: &str) -> bool {
        kinds::spec_of(kind).is_some_and(|s| s.listed_by.is_some())
            && self.accounts.iter().any(|a| a == account)
            && self.regions.iter().any(|r| r == region)
            && !self.gaps.iter().any(|g| g.covers(kind, account, region))
    }
}
