//! finding: what a check concludes about one resource, in the words reports use.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The finding kinds. Their names are a contract: reports, tests and scripts use them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FindingKind {
    Unmanaged,
    Missing,
    DeletedEnv,
    BlockingDependency,
    CrossState,
    BrokenReference,
    Drift,
    Unreachable,
    EnvMismatch,
}

impl FindingKind {
    pub const ALL: [FindingKind; 9] = [
        Self::Unmanaged,
        Self::Missing,
        Self::DeletedEnv,
        Self::BlockingDependency,
        Self::CrossState,
        Self::BrokenReference,
        Self::Drift,
        Self::Unreachable,
        Self::EnvMismatch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unmanaged => "unmanaged",
            Self::Missing => "missing",
            Self::DeletedEnv => "deleted-env",
            Self::BlockingDependency => "blocking-dependency",
            Self::CrossState => "cross-state",
            Self::BrokenReference => "broken-reference",
            Self::Drift => "drift",
            Self::Unreachable => "unreachable",
            Self::EnvMismatch => "env-mismatch",
        }
    }

    /// One line saying what the kind means, for reports.
    pub fn meaning(self) -> &'static str {
        match self {
            Self::Unmanaged => "live, but no state declares it and nothing that is declared owns it",
            Self::Missing => "declared in a state, but gone from AWS",
            Self::DeletedEnv => "live and tagged for an environment that no longer exists",
            Self::BlockingDependency => "unmanaged, and in the way of destroying something managed",
            Self::CrossState => "ties two states together",
            Self::BrokenReference => "points at something that does not exist or cannot be used",
            Self::Drift => "declared and live, but different",
            Self::Unreachable => "a connectivity expectation does not hold",
            Self::EnvMismatch => "the destroy would take a resource of another environment",
        }
    }

    /// The default severity.
    pub fn default_severity(self) -> Severity {
        match self {
            Self::CrossState => Severity::Info,
            Self::Unmanaged | Self::BlockingDependency | Self::Drift => Severity::Warning,
            Self::Missing | Self::DeletedEnv | Self::BrokenReference | Self::Unreachable | Self::EnvMismatch => {
                Severity::Error
            }
        }
    }
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FindingKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        Self::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown finding kind {s:?} (expected one of {})", names.join(", "))
        })
    }
}

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Info => "info",
            Self::Warning => "warning",
            Self::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "info" => Ok(Self::Info),
            "warning" => Ok(Self::Warning),
            "error" => Ok(Self::Error),
            _ => Err(format!("unknown severity {s:?} (expected info, warning or error)")),
        }
    }
}

/// The resource a finding is about, as reports show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    pub kind: String,
    /// Always the native id of the one resource the finding is about.
    pub id: String,
    #[serde(default)]
    pub arn: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub account: Option<String>,
    #[serde(default)]
    pub tags: super::Tags,
    /// When AWS says the resource was made (RFC 3339), where the service reports it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    /// Who made it (a leftover) or last changed it (drift), from `CloudTrail`: only with
    /// `scan --who`, and carried forward by `--baseline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<super::Who>,
}

/// A place in a state.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct StateRef {
    pub source: String,
    pub address: String,
}

/// Another resource the finding involves, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Related {
    pub relation: String,
    pub id: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub state: Option<StateRef>,
}

/// For drift: what differs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DriftDetail {
    pub attribute: String,
    pub declared: serde_json::Value,
    pub live: serde_json::Value,
}

/// One finding.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub kind: FindingKind,
    pub severity: Severity,
    pub resource: ResourceRef,
    /// One sentence a person understands.
    pub reason: String,
    pub state: Option<StateRef>,
    /// The part of the resource the finding is about, when it is a part (a route, a rule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    #[serde(default)]
    pub related: Vec<Related>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drift: Option<DriftDetail>,
    /// The environment the resource belongs to, when known.
    #[serde(default)]
    pub environment: Option<String>,
    /// Steps to clear it, in order, where order matters (blocking dependencies).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order: Vec<String>,
    /// Why it remains, in `scan --env`: `still declared`, `unmanaged`, `managed elsewhere`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remains: Option<String>,
}

impl Finding {
    /// A finding of `kind` about `resource`, for `reason`, and nothing more: the `with_*`
    /// methods add what a check knows besides.
    pub fn new(kind: FindingKind, severity: Severity, resource: ResourceRef, reason: impl Into<String>) -> Self {
        Self {
            kind,
            severity,
            resource,
            reason: reason.into(),
            state: None,
            subject: None,
            related: Vec::new(),
            drift: None,
            environment: None,
            order: Vec::new(),
            remains: None,
        }
    }

    /// The place in a state the finding is about.
    #[must_use]
    pub fn with_state(mut self, state: Option<StateRef>) -> Self {
        self.state = state;
        self
    }

    /// The part of the resource the finding is about (a route, a rule, an attribute path).
    #[must_use]
    pub fn with_subject(mut self, subject: Option<String>) -> Self {
        self.subject = subject;
        self
    }

    /// The other resources involved, each with its relation.
    #[must_use]
    pub fn with_related(mut self, related: Vec<Related>) -> Self {
        self.related = related;
        self
    }

    /// For drift: what differs.
    #[must_use]
    pub fn with_drift(mut self, drift: Option<DriftDetail>) -> Self {
        self.drift = drift;
        self
    }

    /// The environment the resource belongs to, when known.
    #[must_use]
    pub fn in_environment(mut self, environment: Option<String>) -> Self {
        self.environment = environment;
        self
    }

    /// Steps to clear it, in order.
    #[must_use]
    pub fn with_order(mut self, order: Vec<String>) -> Self {
        self.order = order;
        self
    }

    /// Why it remains, in `scan --env`.
    #[must_use]
    pub fn with_remains(mut self, remains: Option<String>) -> Self {
        self.remains = remains;
        self
    }

    /// A stable identity across runs: kind, resource (ARN or id) and state address.
    pub fn fingerprint(&self) -> String {
        let resource = self.resource.arn.as_deref().unwrap_or(&self.resource.id);
        let address = self.state.as_ref().map_or("", |s| s.address.as_str());
        let source = self.state.as_ref().map_or("", |s| s.source.as_str());
        let attribute = self.drift.as_ref().map_or("", |d| d.attribute.as_str());
        let subject = self.subject.as_deref().unwrap_or("");
        let text =
            format!("{}\u{1f}{resource}\u{1f}{source}\u{1f}{address}\u{1f}{attribute}\u{1f}{subject}", self.kind);
        format!("{:016x}", fnv1a(text.as_bytes()))
    }

    /// The order findings are listed in: kind, severity (high first), then resource.
    pub fn sort_key(&self) -> impl Ord + '_ {
        (
            self.kind,
            std::cmp::Reverse(self.severity),
            self.resource.account.as_deref().unwrap_or(""),
            self.resource.region.as_deref().unwrap_or(""),
            self.resource.kind.as_str(),
            self.resource.id.as_str(),
            self.state.as_ref().map(|s| (s.source.as_str(), s.address.as_str())),
            self.drift.as_ref().map(|d| d.attribute.as_str()),
            self.subject.as_deref(),
            self.reason.as_str(),
        )
    }
}

/// 64-bit FNV-1a: small, stable across versions and platforms.
fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// Sorts findings into their stable order.
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip() {
        for kind in FindingKind::ALL {
            assert_eq!(kind.as_str().parse::<FindingKind>(), Ok(kind));
            assert_eq!(serde_json::to_value(kind).expect("json"), kind.as_str());
        }
        assert!("bogus".parse::<FindingKind>().is_err());
    }

    #[test]
    fn fingerprint_is_stable_and_distinct() {
        let f = Finding::new(
            FindingKind::Unmanaged,
            Severity::Warning,
            ResourceRef {
                kind: "ec2:volume".into(),
                id: "vol-1".into(),
                arn: Some("arn:aws:ec2:us-east-1:1:volume/vol-1".into()),
                region: None,
                account: None,
                tags: crate::model::Tags::new(),
                created: None,
                who: None,
            },
            "x",
        );
        // Pinned: fingerprints must not change between releases.
        assert_eq!(f.fingerprint(), f.clone().fingerprint());
        let mut g = f.clone();
        g.reason = "different words".into();
        assert_eq!(f.fingerprint(), g.fingerprint(), "the reason is not part of the identity");
        g.kind = FindingKind::DeletedEnv;
        assert_ne!(f.fingerprint(), g.fingerprint());
    }
}
