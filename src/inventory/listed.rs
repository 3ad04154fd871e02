//! listed: the (account, region) pairs a scan listed. Every "was this looked at?" question
//! is answered from these pairs, never from the product of a scan's accounts and regions:
//! two inventories of different accounts and regions, read together, list only their own
//! pairs. Pure.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// The regions listed in each account. In JSON, an object from account id to region names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Listed(BTreeMap<String, BTreeSet<String>>);

impl Listed {
    /// Every region of every account given: what a file written before the pairs were
    /// recorded meant.
    pub fn product(accounts: &[String], regions: &[String]) -> Self {
        let mut listed = Self::default();
        for account in accounts {
            for region in regions {
                listed.insert(account, region);
            }
        }
        listed
    }

    pub fn insert(&mut self, account: &str, region: &str) {
        self.0.entry(account.to_owned()).or_default().insert(region.to_owned());
    }

    /// Whether `region` of `account` was listed.
    pub fn contains(&self, account: &str, region: &str) -> bool {
        self.0.get(account).is_some_and(|regions| regions.contains(region))
    }

    /// Whether any region of `account` was listed.
    pub fn contains_account(&self, account: &str) -> bool {
        self.0.get(account).is_some_and(|regions| !regions.is_empty())
    }

    /// Adds another scan's pairs.
    pub fn extend(&mut self, other: Listed) {
        for (account, regions) in other.0 {
            self.0.entry(account).or_default().extend(regions);
        }
    }

    /// Files the regions listed under `from` under `to`.
    pub fn rename_account(&mut self, from: &str, to: &str) {
        if let Some(regions) = self.0.remove(from) {
            self.0.entry(to.to_owned()).or_default().extend(regions);
        }
    }

    /// Keeps the pairs of the accounts `keep` accepts.
    pub fn retain_accounts(&mut self, keep: impl Fn(&str) -> bool) {
        self.0.retain(|account, _| keep(account));
    }

    pub fn is_empty(&self) -> bool {
        self.0.values().all(BTreeSet::is_empty)
    }

    /// Every (account, region) pair, sorted.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().flat_map(|(account, regions)| regions.iter().map(move |r| (account.as_str(), r.as_str())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_not_a_product() {
        let mut listed = Listed::default();
        listed.insert("111111111111", "us-east-1");
        listed.extend(Listed::product(&["222222222222".into()], &["eu-west-1".into()]));
        assert!(listed.contains("111111111111", "us-east-1"));
        assert!(listed.contains("222222222222", "eu-west-1"));
        assert!(!listed.contains("111111111111", "eu-west-1"));
        assert!(!listed.contains("222222222222", "us-east-1"));
        let json = serde_json::to_value(&listed).expect("serializes");
        assert_eq!(json, serde_json::json!({"111111111111": ["us-east-1"], "222222222222": ["eu-west-1"]}));
        listed.retain_accounts(|a| a == "222222222222");
        assert_eq!(listed.pairs().collect::<Vec<_>>(), [("222222222222", "eu-west-1")]);
    }
}
