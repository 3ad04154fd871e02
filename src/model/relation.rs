//! relation: a typed edge from one live resource to another, recorded at listing time so
//! that later stages never need another API call.

use serde::{Deserialize, Serialize};

/// How one live resource relates to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RelationKind {
    /// Sits in a VPC.
    InVpc,
    /// Sits in a subnet.
    InSubnet,
    /// Has a security group attached.
    UsesSecurityGroup,
    /// Is attached to another resource (volume to instance, gateway to VPC, ENI to instance).
    AttachedTo,
    /// A route sends traffic to the target.
    RoutesTo,
    /// A peering connection joins the target VPC.
    PeersWith,
    /// Is a member of a group (cache cluster of a replication group, nodegroup of a cluster).
    MemberOf,
    /// Was created by the target (an ENI by a NAT gateway, a snapshot from a volume).
    CreatedBy,
    /// Is associated with the target (a route table or network ACL with a subnet).
    AssociatedWith,
    /// Names the target in its configuration (a security group rule naming another group).
    References,
}

impl RelationKind {
    pub const ALL: [RelationKind; 10] = [
        Self::InVpc,
        Self::InSubnet,
        Self::UsesSecurityGroup,
        Self::AttachedTo,
        Self::RoutesTo,
        Self::PeersWith,
        Self::MemberOf,
        Self::CreatedBy,
        Self::AssociatedWith,
        Self::References,
    ];

    /// The stable name used in reports and policies.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InVpc => "in-vpc",
            Self::InSubnet => "in-subnet",
            Self::UsesSecurityGroup => "uses-security-group",
            Self::AttachedTo => "attached-to",
            Self::RoutesTo => "routes-to",
            Self::PeersWith => "peers-with",
            Self::MemberOf => "member-of",
            Self::CreatedBy => "created-by",
            Self::AssociatedWith => "associated-with",
            Self::References => "references",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }
}

impl std::fmt::Display for RelationKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One edge: `kind` from the resource that holds it to `target` (a native id) of
/// `target_kind`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Relation {
    pub kind: RelationKind,
    pub target_kind: String,
    pub target: String,
    /// What the edge carries, where it matters: the route's destination, the device name, `primary`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// The account the target belongs to, when it is not the holder's own (a rule naming
    /// another account's group, a peering with another account's VPC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
}

impl Relation {
    pub fn new(kind: RelationKind, target_kind: &str, target: impl Into<String>) -> Self {
        Self { kind, target_kind: target_kind.to_owned(), target: target.into(), detail: None, account: None }
    }

    #[must_use]
    pub fn with_detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = Some(detail.into());
        self
    }

    /// The target's account: `account` when it differs from `own`, the holder's.
    #[must_use]
    pub fn in_account(mut self, account: Option<&str>, own: &str) -> Self {
        self.account = account.filter(|a| !a.is_empty() && *a != own).map(str::to_owned);
        self
    }

    /// The account the target is in, given the holder's.
    pub fn target_account<'a>(&'a self, own: &'a str) -> &'a str {
        self.account.as_deref().unwrap_or(own)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for kind in RelationKind::ALL {
            assert_eq!(RelationKind::parse(kind.as_str()), Some(kind));
            let json = serde_json::to_string(&kind).expect("serialize");
            assert_eq!(json, format!("\"{}\"", kind.as_str()));
        }
    }
}
