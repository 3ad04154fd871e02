//! `state_error`: why a state could not be used. Every variant names the object.

use crate::model::GapCause;

/// A state object or file that could not be read or parsed.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// `cause` tells a refusal (denied) or a timeout apart from other failures.
    #[error("{source_name}: cannot read: {detail}")]
    Read { source_name: String, detail: String, cause: GapCause },
    #[error("{source_name}: empty: it holds no state")]
    Empty { source_name: String },
    /// `eof`: the document ended too soon (perhaps a download cut short).
    #[error("{source_name}: not valid JSON: {detail}")]
    Json { source_name: String, detail: String, eof: bool },
    #[error("{source_name}: state format version {version} is not supported (leftover reads versions 3 and 4)")]
    Version { source_name: String, version: u64 },
    #[error("{source_name}: the state is encrypted (OpenTofu state encryption); leftover cannot read encrypted state")]
    Encrypted { source_name: String },
    #[error("{source_name}: not a valid Terraform state: {detail}")]
    Invalid { source_name: String, detail: String },
    #[error("{source_name}: larger than the limit of {limit} bytes (raise it with --max-state-size)")]
    TooLarge { source_name: String, limit: u64 },
}

impl StateError {
    /// A read that failed for a reason other than a refusal or a timeout.
    pub fn failed(source_name: impl Into<String>, detail: impl std::fmt::Display) -> Self {
        Self::Read { source_name: source_name.into(), detail: detail.to_string(), cause: GapCause::Failed }
    }

    /// The object the error is about.
    pub fn source_name(&self) -> &str {
        match self {
            Self::Read { source_name, .. }
            | Self::Json { source_name, .. }
            | Self::Version { source_name, .. }
            | Self::Empty { source_name }
            | Self::Encrypted { source_name }
            | Self::Invalid { source_name, .. }
            | Self::TooLarge { source_name, .. } => source_name,
        }
    }
}
