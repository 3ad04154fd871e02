//! `state_file`: one Terraform state as leftover read it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::state_resource::{Identity, StateResource};

/// One state file or object.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StateFile {
    /// `s3://bucket/key`, a path, an http address, `gitlab://HOST/PROJECT/NAME` or
    /// `tfc://ORGANIZATION/WORKSPACE`.
    pub source: String,
    /// The state format version (3 or 4).
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub terraform_version: Option<String>,
    #[serde(default)]
    pub serial: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lineage: Option<String>,
    /// The workspace, read from the key (`env:/NAME/…`) or the local layout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    /// What the backend says of the state beside it: a Terraform Cloud workspace's tags
    /// (`env:staging`), which environment rules read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub labels: Vec<String>,
    /// The Terraform Cloud project its workspace belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    pub resources: Vec<StateResource>,
}

impl StateFile {
    /// Managed resources (data sources excluded).
    pub fn managed(&self) -> impl Iterator<Item = &StateResource> {
        self.resources.iter().filter(|r| r.is_managed())
    }

    /// Managed AWS types leftover cannot map, with counts.
    pub fn unmapped_types(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for r in self.managed().filter(|r| r.identity == Identity::Unmapped) {
            *out.entry(r.tf_type.clone()).or_default() += 1;
        }
        out
    }

    /// Managed AWS types whose resources leftover does not list itself, with counts: types
    /// of kinds it knows only through the tagging API, and types it cannot map. Of these
    /// nothing is judged missing, and nothing live of their kind unmanaged unless tagged.
    pub fn not_listed_types(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for r in self.managed() {
            let kind = match &r.identity {
                Identity::Live { kind, .. } | Identity::Arn { kind, .. } => kind.as_ref(),
                Identity::Part { parent_kind, .. } => parent_kind.as_ref(),
                Identity::Unmapped => "",
                Identity::Foreign | Identity::NoId => continue,
            };
            let listed = crate::model::kinds::spec_of(kind).is_some_and(|spec| spec.listed_by.is_some());
            if !listed {
                *out.entry(r.tf_type.clone()).or_default() += 1;
            }
        }
        out
    }

    /// Managed types of other providers, with counts.
    pub fn foreign_types(&self) -> BTreeMap<String, usize> {
        let mut out = BTreeMap::new();
        for r in self.managed().filter(|r| r.identity == Identity::Foreign) {
            *out.entry(r.tf_type.clone()).or_default() += 1;
        }
        out
    }
}
