//! blocked: what stands in the way of destroying one managed resource, and the order in
//! which to delete it, stated once in a report for every finding that names the resource
//! (`related` entries of relation `blocks`). Plain data.

use serde::{Deserialize, Serialize};

use super::finding::StateRef;

/// One managed resource that resources outside Terraform block, with its blockers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Blocked {
    /// `service:type` of the blocked resource.
    pub kind: String,
    /// Its native id: what a finding's `blocks` relation names.
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// Where a state declares it.
    #[serde(default)]
    pub state: Option<StateRef>,
    /// The ids of everything outside Terraform in its way, in the order to delete them
    /// (each before what it depends on).
    pub order: Vec<String>,
}

impl Blocked {
    /// Whether a finding's `blocks` relation (kind and id) names this entry.
    pub fn is(&self, kind: Option<&str>, id: &str) -> bool {
        self.id == id && kind.is_none_or(|k| k == self.kind)
    }

    /// The order findings and sections list entries in.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (self.account.as_deref(), self.region.as_deref(), self.kind.as_str(), self.id.as_str())
    }
}
