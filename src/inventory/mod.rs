//! inventory: lists what is live in AWS and records what could not be listed. The only
//! module (with `state`'s S3 reader) that talks to AWS; it never calls anything that
//! changes an account (see `aws::guard`).

pub(crate) mod aws;
pub(crate) mod collector;
pub(crate) mod link;
pub(crate) mod listed;
pub(crate) mod live_resource;

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

pub use crate::model::coverage_gap::{CoverageGap, GapCause};
pub use crate::model::relation::{Relation, RelationKind};
pub use collector::{Collector, RegionScope, collect};
pub use listed::Listed;
pub use live_resource::{LiveResource, Origin};

/// The schema name of a saved inventory file.
pub const INVENTORY_SCHEMA: &str = "leftover.inventory/v1";

/// Everything listed in one scan: live resources, what was scanned, and what could not be.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Inventory {
    pub schema: String,
    pub generated_at: String,
    /// Every account in scope, listed or not (one whose role could not be assumed, with
    /// the gap that says so).
    pub accounts: Vec<String>,
    /// Every region listed in some account.
    pub regions: Vec<String>,
    /// The regions listed in each account: the scope checks trust, never `accounts` ×
    /// `regions`. A file written before it was recorded lists every region of every account.
    #[serde(default)]
    pub listed: Listed,
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
    /// An empty inventory of every given region of every given account.
    pub fn new(generated_at: String, accounts: Vec<String>, regions: Vec<String>) -> Self {
        let listed = Listed::product(&accounts, &regions);
        Self { schema: INVENTORY_SCHEMA.to_owned(), generated_at, accounts, regions, listed, ..Self::default() }
    }

    /// An empty inventory of exactly these regions of these accounts.
    pub fn of_scopes(generated_at: String, scopes: &[RegionScope]) -> Self {
        let mut inventory = Self::new(generated_at, Vec::new(), Vec::new());
        for scope in scopes {
            inventory.add_listed(&scope.account, &scope.region);
        }
        inventory.normalize();
        inventory
    }

    /// Records that `region` of `account` is listed.
    pub fn add_listed(&mut self, account: &str, region: &str) {
        self.listed.insert(account, region);
        if !self.accounts.iter().any(|a| a == account) {
            self.accounts.push(account.to_owned());
        }
        if !self.regions.iter().any(|r| r == region) {
            self.regions.push(region.to_owned());
        }
    }

    /// Reads an inventory written by `leftover inventory --output`.
    pub fn load(path: &Path) -> Result<Self, InventoryFileError> {
        /// The file as written, where `listed` may be absent (an empty record stays empty):
        /// read in one pass, whatever its size.
        #[derive(Deserialize)]
        struct Saved {
            schema: String,
            generated_at: String,
            accounts: Vec<String>,
            regions: Vec<String>,
            #[serde(default)]
            listed: Option<Listed>,
            resources: Vec<LiveResource>,
            #[serde(default)]
            gaps: Vec<CoverageGap>,
            #[serde(default)]
            api_calls: BTreeMap<String, u64>,
        }
        let display = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|source| InventoryFileError::Read { path: display.clone(), source })?;
        let saved: Saved = serde_json::from_slice(&bytes)
            .map_err(|source| InventoryFileError::Parse { path: display.clone(), source })?;
        drop(bytes);
        if saved.schema != INVENTORY_SCHEMA {
            return Err(InventoryFileError::Schema { path: display, found: saved.schema });
        }
        let listed = saved.listed.unwrap_or_else(|| Listed::product(&saved.accounts, &saved.regions));
        // The list grew by doubling while it was read: up to half of it is spare room.
        let mut resources = saved.resources;
        resources.shrink_to_fit();
        Ok(Self {
            schema: saved.schema,
            generated_at: saved.generated_at,
            accounts: saved.accounts,
            regions: saved.regions,
            listed,
            resources,
            gaps: saved.gaps,
            api_calls: saved.api_calls,
        })
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
        self.listed.retain_accounts(&keep);
        self.resources.retain(|r| keep(&r.account));
        self.gaps.retain(|g| g.account.as_deref().is_none_or(&keep));
    }

    /// Names account `from` `to` wherever the inventory names it (a listing that started
    /// before the account's id was known ran under a provisional name).
    pub fn rename_account(&mut self, from: &str, to: &str) {
        for account in &mut self.accounts {
            if account == from {
                to.clone_into(account);
            }
        }
        self.accounts.sort();
        self.accounts.dedup();
        self.listed.rename_account(from, to);
        for r in &mut self.resources {
            if r.account == from {
                to.clone_into(&mut r.account);
            }
        }
        for gap in &mut self.gaps {
            if gap.account.as_deref() == Some(from) {
                gap.account = Some(to.to_owned());
            }
        }
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
        self.listed.extend(other.listed);
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
    /// leftover lists the kind itself, that region of that account was listed, and no gap
    /// covers it.
    /// A global kind (IAM, Route 53) is listed once per account, wherever a declaration
    /// places it: complete when any region of the account was listed and no gap covers it.
    pub fn listed_completely(&self, kind: &str, account: &str, region: &str) -> bool {
        let Some(spec) = crate::model::kinds::spec_of(kind).filter(|s| s.listed_by.is_some()) else { return false };
        if spec.global {
            return self.listed.contains_account(account)
                && !self.gaps.iter().any(|g| g.covers(kind, account, crate::model::kinds::GLOBAL));
        }
        self.listed.contains(account, region) && !self.gaps.iter().any(|g| g.covers(kind, account, region))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path, name: &str, json: &serde_json::Value) -> std::path::PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, json.to_string()).expect("write");
        path
    }

    #[test]
    fn issue_12_inventories_read_together_list_only_their_own_pairs() {
        let dir = tempfile::tempdir().expect("tempdir");
        let a = Inventory::new("2026-11-25T02:00:00Z".into(), vec!["111111111111".into()], vec!["us-east-1".into()]);
        let b = Inventory::new("2026-11-25T03:00:00Z".into(), vec!["222222222222".into()], vec!["eu-west-1".into()]);
        let a = file(dir.path(), "a.json", &serde_json::to_value(&a).expect("json"));
        let b = file(dir.path(), "b.json", &serde_json::to_value(&b).expect("json"));
        let both = Inventory::load_all(&[a, b]).expect("loads");
        assert_eq!(both.accounts, ["111111111111", "222222222222"]);
        assert_eq!(both.regions, ["eu-west-1", "us-east-1"]);
        assert!(both.listed_completely("ec2:vpc", "111111111111", "us-east-1"));
        assert!(both.listed_completely("ec2:vpc", "222222222222", "eu-west-1"));
        assert!(!both.listed_completely("ec2:vpc", "111111111111", "eu-west-1"));
        assert!(!both.listed_completely("ec2:vpc", "222222222222", "us-east-1"));
    }

    #[test]
    fn a_file_written_before_the_pairs_were_recorded_lists_every_region_of_every_account() {
        let dir = tempfile::tempdir().expect("tempdir");
        let old = serde_json::json!({
            "schema": INVENTORY_SCHEMA, "generated_at": "2026-11-25T02:00:00Z",
            "accounts": ["111111111111"], "regions": ["eu-west-1", "us-east-1"], "resources": []
        });
        let old = Inventory::load(&file(dir.path(), "old.json", &old)).expect("loads");
        assert!(old.listed.contains("111111111111", "eu-west-1") && old.listed.contains("111111111111", "us-east-1"));
        // A file that records no pairs listed none.
        let none = serde_json::json!({
            "schema": INVENTORY_SCHEMA, "generated_at": "2026-11-25T02:00:00Z",
            "accounts": ["111111111111"], "regions": ["us-east-1"], "listed": {}, "resources": []
        });
        let none = Inventory::load(&file(dir.path(), "none.json", &none)).expect("loads");
        assert!(none.listed.is_empty());
    }
}
