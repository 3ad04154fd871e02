//! `coverage_gap`: a listing or a state that could not be read. A scan with any gap is
//! incomplete, and no conclusion that the missing data could change is drawn.

use serde::{Deserialize, Serialize};

/// Why a call failed, as far as the scanner can tell. AWS refusals stay apart from faults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapCause {
    /// The credentials may not call this operation (`AccessDenied`, `UnauthorizedOperation`).
    Denied,
    /// Throttled past the retry budget.
    Throttled,
    /// The service or operation is not available in this region or endpoint.
    Unsupported,
    /// The call did not finish in time.
    Timeout,
    /// The object was read but is not something leftover can use (a malformed state).
    Invalid,
    /// Anything else: a network or service error.
    Failed,
}

impl GapCause {
    /// Classifies an error code the way the SDK and IAM spell them.
    pub fn of_code(code: &str) -> Self {
        let lower = code.to_ascii_lowercase();
        if lower.contains("accessdenied")
            || lower.contains("unauthorized")
            || lower.contains("authfailure")
            || lower.contains("forbidden")
            || lower == "optinrequired"
            || lower.contains("invalidclienttokenid")
            || lower.contains("expiredtoken")
            || lower.contains("signaturedoesnotmatch")
        {
            Self::Denied
        } else if lower.contains("throttl")
            || lower.contains("requestlimitexceeded")
            || lower.contains("toomanyrequests")
            || lower == "slowdown"
        {
            Self::Throttled
        } else if lower.contains("notsupported")
            || lower.contains("unsupported")
            || lower.contains("invalidaction")
            || lower.contains("unknownoperation")
            || lower.contains("notimplemented")
        {
            Self::Unsupported
        } else {
            Self::Failed
        }
    }
}

/// One hole in what was scanned: names service, account, region, operation and the error.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageGap {
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    pub operation: String,
    pub error: String,
    pub cause: GapCause,
    /// The state object or file this gap is about, for state gaps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<String>,
    /// The live kinds whose listing this gap leaves incomplete.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<String>,
}

impl CoverageGap {
    /// One line for a person: where, what and why.
    pub fn describe(&self) -> String {
        let mut where_ = self.service.clone();
        if let Some(account) = &self.account {
            where_.push(' ');
            where_.push_str(account);
        }
        if let Some(region) = &self.region {
            where_.push(' ');
            where_.push_str(region);
        }
        match &self.object {
            Some(object) if self.error.contains(object.as_str()) => {
                format!("{} ({} {})", self.error, where_, self.operation)
            }
            Some(object) => format!("{object}: {} ({} {})", self.error, where_, self.operation),
            None => format!("{where_} {}: {}", self.operation, self.error),
        }
    }

    /// Whether this gap leaves the listing of `kind` in `account`/`region` incomplete.
    pub fn covers(&self, kind: &str, account: &str, region: &str) -> bool {
        self.object.is_none()
            && self.account.as_deref().is_none_or(|a| a == account)
            && self.region.as_deref().is_none_or(|r| r == region)
            && self.kinds.iter().any(|k| k == kind)
    }
}
